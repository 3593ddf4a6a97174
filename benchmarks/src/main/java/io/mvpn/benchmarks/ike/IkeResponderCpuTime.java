package io.mvpn.benchmarks.ike;

import io.mvpn.ike.sa.Datagram;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * IKE responder setups per CPU-second beside the bare crypto they need, in thread CPU time, decided
 * in one run on a noisy machine. For (PSK, ECDSA P-256 certificates) x (group 31, group 19): the
 * responder's handling of IKE_SA_INIT and IKE_AUTH, each timed alone (the initiator's work and the
 * delete outside), and {@link IkeResponderLab#baselineResponderCrypto}, one of each in turn, so
 * that a setup and its baseline share whatever the machine does at that moment. The cases take
 * turns in rounds, each round starting with another case, so that no case has the quiet minutes to
 * itself. Per case it prints the medians over the rounds and their ratio, the quietest round (the
 * lowest setup time) with its ratio, the range of the rounds' ratios, and the heap bytes the
 * responder allocated per setup. Ends with {@code openssl speed -seconds 3 ecdhx25519 ecdhp256}
 * (OpenSSL's own figures, in user CPU time) as the native reference, if openssl is installed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.ike.IkeResponderCpuTime \
 *     [setups per round, 500] [rounds, 10] [warm-up rounds, 4] [-rounds: print every round]
 * </pre>
 */
public final class IkeResponderCpuTime {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** The same bean's allocation counter: heap bytes this thread allocated. */
  private static final com.sun.management.ThreadMXBean HEAP = (com.sun.management.ThreadMXBean) CPU;

  private static final String[] AUTHS = {"psk", "ecdsa"};
  private static final int[] GROUPS = {31, 19};

  /** What one reading of the thread CPU clock costs, in ns, subtracted from every span. */
  private static long timer;

  private static long sink;

  private IkeResponderCpuTime() {}

  /** One round of one case, µs per setup (thread CPU time) and bytes per setup. */
  private record Round(double init, double auth, double baseline, long bytes) {
    double setup() {
      return init + auth;
    }

    double ratio() {
      return baseline / setup();
    }
  }

  public static void main(String[] args) throws Exception {
    int setups = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmUp = args.length > 2 && !args[2].startsWith("-") ? Integer.parseInt(args[2]) : 4;
    boolean everyRound = Arrays.asList(args).contains("-rounds");
    timer = timerCost();
    int cases = AUTHS.length * GROUPS.length;
    IkeResponderLab[] labs = new IkeResponderLab[cases];
    for (int c = 0; c < cases; c++) {
      labs[c] = new IkeResponderLab(auth(c), group(c));
    }
    System.out.printf(
        "%d rounds of %d setups per case, cases in turn, each setup followed by its baseline, after"
            + " %d rounds of every case to warm up; thread CPU clock read: %d ns (subtracted)%n",
        rounds, setups, warmUp, timer);
    // The JIT's compilations and the heap's growth (page faults of its first use) take the first
    // few thousand setups of a loaded machine; the rounds after are steady.
    for (int warm = 0; warm < warmUp; warm++) {
      for (IkeResponderLab lab : labs) {
        round(lab, setups);
      }
    }
    Round[][] results = new Round[cases][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < cases; k++) {
        int c = (r + k) % cases;
        results[c][r] = round(labs[c], setups);
        if (everyRound) {
          Round x = results[c][r];
          System.out.printf(
              "round %2d %-6s %-3d INIT %7.1f AUTH %7.1f setup %7.1f baseline %7.1f ratio %.2f%n",
              r + 1, auth(c), group(c), x.init, x.auth, x.setup(), x.baseline, x.ratio());
        }
      }
    }
    System.out.println("µs per setup in thread CPU time; medians over the rounds, then the round");
    System.out.println("with the lowest setup time; ratio = baseline / setup");
    System.out.printf(
        "%-6s %-5s %8s %8s %8s %9s %6s | %8s %9s %6s | %11s %9s %10s%n",
        "auth",
        "group",
        "INIT",
        "AUTH",
        "setup",
        "baseline",
        "ratio",
        "quiet",
        "baseline",
        "ratio",
        "ratios",
        "setups/s",
        "B/setup");
    for (int c = 0; c < cases; c++) {
      Round[] rs = results[c];
      double setup = median(rs, Round::setup);
      double baseline = median(rs, Round::baseline);
      Round quiet = rs[0];
      double low = Double.MAX_VALUE;
      double high = 0;
      for (Round x : rs) {
        quiet = x.setup() < quiet.setup() ? x : quiet;
        low = Math.min(low, x.ratio());
        high = Math.max(high, x.ratio());
      }
      System.out.printf(
          "%-6s %-5d %8.1f %8.1f %8.1f %9.1f %6.2f | %8.1f %9.1f %6.2f | %.2f-%.2f %9.0f %10.0f%n",
          auth(c),
          group(c),
          median(rs, Round::init),
          median(rs, Round::auth),
          setup,
          baseline,
          baseline / setup,
          quiet.setup(),
          quiet.baseline,
          quiet.ratio(),
          low,
          high,
          1e6 / setup,
          median(rs, x -> x.bytes));
    }
    // The baselines' results are used, so the JIT cannot drop their work.
    System.out.printf("(sink %d)%n", sink & 1);
    openssl();
  }

  private static String auth(int c) {
    return AUTHS[c / GROUPS.length];
  }

  private static int group(int c) {
    return GROUPS[c % GROUPS.length];
  }

  /** {@code n} setups, each followed by one baseline, timed alone. */
  private static Round round(IkeResponderLab lab, int n) throws Exception {
    long init = 0;
    long auth = 0;
    long base = 0;
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      Datagram request = lab.initRequest();
      long b0 = HEAP.getCurrentThreadAllocatedBytes();
      long t0 = CPU.getCurrentThreadCpuTime();
      lab.respond(request);
      init += CPU.getCurrentThreadCpuTime() - t0 - timer;
      bytes += HEAP.getCurrentThreadAllocatedBytes() - b0;
      request = lab.authRequest();
      b0 = HEAP.getCurrentThreadAllocatedBytes();
      t0 = CPU.getCurrentThreadCpuTime();
      lab.respond(request);
      auth += CPU.getCurrentThreadCpuTime() - t0 - timer;
      bytes += HEAP.getCurrentThreadAllocatedBytes() - b0;
      lab.completeAndDelete();
      t0 = CPU.getCurrentThreadCpuTime();
      sink += lab.baselineResponderCrypto().hashCode();
      base += CPU.getCurrentThreadCpuTime() - t0 - timer;
    }
    return new Round(init / 1e3 / n, auth / 1e3 / n, base / 1e3 / n, bytes / n);
  }

  private static double median(Round[] rounds, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = Arrays.stream(rounds).mapToDouble(f).sorted().toArray();
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /** What one reading of the thread CPU clock costs, in ns. */
  private static long timerCost() {
    int n = 200_000;
    long t0 = CPU.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      CPU.getCurrentThreadCpuTime();
    }
    return (CPU.getCurrentThreadCpuTime() - t0) / n;
  }

  private static void openssl() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("openssl", "speed", "-seconds", "3", "ecdhx25519", "ecdhp256")
              .redirectErrorStream(true)
              .start();
    } catch (java.io.IOException e) {
      System.out.println("openssl: not installed");
      return;
    }
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean table = false;
      while ((line = out.readLine()) != null) {
        table |= line.contains("op/s");
        if (table || line.startsWith("version") || line.startsWith("OpenSSL")) {
          System.out.println("openssl: " + line.strip());
        }
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
  }
}
