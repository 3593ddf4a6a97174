package io.mvpn.benchmarks.ike;

import io.mvpn.ike.sa.Datagram;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * IKE responder setups per CPU-second, beside the bare crypto they need, measured in thread CPU
 * time rather than wall time: on a machine shared with builds the benchmark thread gets a varying
 * share of a core, which JMH's wall-clock figures take in and CPU time does not. Same work as
 * {@link IkeResponderBenchmark}: for (PSK, ECDSA P-256 certificates) x (group 31, group 19), the
 * responder's handling of IKE_SA_INIT and IKE_AUTH, each timed alone, the initiator's work and the
 * delete outside; then, in the same run, {@link IkeResponderLab#baselineResponderCrypto}. Ends with
 * {@code openssl speed -seconds 3 ecdhx25519 ecdhp256} (OpenSSL's own figures, in user CPU time) as
 * the native reference, if openssl is installed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.ike.IkeResponderCpuTime [setups]
 * </pre>
 */
public final class IkeResponderCpuTime {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** The same bean's allocation counter: heap bytes this thread allocated. */
  private static final com.sun.management.ThreadMXBean HEAP = (com.sun.management.ThreadMXBean) CPU;

  /** Heap bytes the responder allocated per setup, and the baseline per round, of the last runs. */
  private static long setupBytes;

  private static long baselineBytes;

  private IkeResponderCpuTime() {}

  public static void main(String[] args) throws Exception {
    int setups = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    long timer = timerCost();
    System.out.printf(
        "%d setups per case, after as many of every case to warm up; thread CPU clock read: %d ns"
            + " (subtracted)%n",
        setups, timer);
    System.out.printf(
        "%-6s %-5s %12s %12s %12s %14s %14s %14s %6s %12s %12s%n",
        "auth",
        "group",
        "INIT µs",
        "AUTH µs",
        "setup µs",
        "setups/CPU-s",
        "baseline µs",
        "baseline/CPU-s",
        "ratio",
        "setup B",
        "baseline B");
    String[] auths = {"psk", "ecdsa"};
    int[] groups = {31, 19};
    IkeResponderLab[] labs = new IkeResponderLab[auths.length * groups.length];
    for (int i = 0; i < labs.length; i++) {
      labs[i] = new IkeResponderLab(auths[i / groups.length], groups[i % groups.length]);
    }
    // Every case once to warm up, so that the JIT has seen all of them before any is measured.
    for (IkeResponderLab lab : labs) {
      setups(lab, setups, timer);
      baseline(lab, setups);
    }
    for (int i = 0; i < labs.length; i++) {
      long[] responder = setups(labs[i], setups, timer);
      long crypto = baseline(labs[i], setups);
      double init = responder[0] / 1e3 / setups;
      double auth = responder[1] / 1e3 / setups;
      double setup = init + auth;
      double bare = crypto / 1e3 / setups;
      System.out.printf(
          "%-6s %-5d %12.1f %12.1f %12.1f %14.0f %14.1f %14.0f %6.2f %12d %12d%n",
          auths[i / groups.length],
          groups[i % groups.length],
          init,
          auth,
          setup,
          1e6 / setup,
          bare,
          1e6 / bare,
          bare / setup,
          setupBytes / setups,
          baselineBytes / setups);
    }
    openssl();
  }

  /** Thread CPU ns the responder spent on IKE_SA_INIT and on IKE_AUTH over {@code n} setups. */
  private static long[] setups(IkeResponderLab lab, int n, long timer) {
    long init = 0;
    long auth = 0;
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
    }
    setupBytes = bytes;
    return new long[] {init, auth};
  }

  /** Thread CPU ns of {@code n} rounds of the bare crypto. */
  private static long baseline(IkeResponderLab lab, int n) throws Exception {
    long sink = 0;
    long b0 = HEAP.getCurrentThreadAllocatedBytes();
    long t0 = CPU.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink += lab.baselineResponderCrypto().hashCode();
    }
    long spent = CPU.getCurrentThreadCpuTime() - t0;
    baselineBytes = HEAP.getCurrentThreadAllocatedBytes() - b0;
    if (sink == 42) {
      System.out.print(""); // keeps the results alive
    }
    return spent;
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
