package io.mvpn.benchmarks.mobility;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link RegistrationBenchmark}'s two operations measured in thread CPU time instead of wall time:
 * on a machine shared with builds the thread gets a varying share of a core, which JMH's wall-clock
 * figures take in and CPU time does not. Many short rounds alternate between a batch of
 * registrations through the dispatcher and the home agent and a batch of the baseline's two bare
 * HMAC-MD5 computations, so both see the same state of the machine; between them, as a second
 * baseline, as many of the virtual clock's steps alone as registrations (the benchmark's own part
 * of each). Each round's store and home agent are fresh, as in a JMH iteration. Runs on a Netty
 * thread, like the benchmark.
 *
 * <p>Even CPU time is not steady on a shared machine (other processes on the core's caches slow
 * whole rounds), so one run reports, besides every round, the ratio of the medians (baseline over
 * registration, ns per operation), of the quietest quarter of the rounds (those whose registrations
 * and baselines together took least), and of the minima.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar \
 *     io.mvpn.benchmarks.mobility.RegistrationCpuTime [memory|persistent] [per round] [rounds]
 * </pre>
 *
 * Defaults: memory, 20,000 per round, 20 rounds, after warm-up rounds of the same size: at least
 * {@value #WARMUP_REGISTRATIONS} registrations, then on until a round passes in which the JIT
 * compiled nothing, at most {@value #WARMUP_MAX_REGISTRATIONS} (while it compiles, rounds run two
 * to three times slower, and allocate more); only the last warm-up round is shown.
 */
public final class RegistrationCpuTime {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** The same bean's allocation counter: heap bytes this thread allocated. */
  private static final com.sun.management.ThreadMXBean HEAP = (com.sun.management.ThreadMXBean) CPU;

  private static final int WARMUP_REGISTRATIONS = 300_000;
  private static final int WARMUP_MAX_REGISTRATIONS = 2_000_000;

  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

  private RegistrationCpuTime() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "memory";
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Throwable[] failure = new Throwable[1];
    Thread loop =
        new FastThreadLocalThread(
            () -> {
              try {
                run(store, perRound, rounds);
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "registration-cpu-time");
    loop.start();
    loop.join();
    if (failure[0] != null) {
      throw new IllegalStateException(failure[0]);
    }
  }

  private static void run(String store, int perRound, int rounds) throws Exception {
    RegistrationBenchmark b = new RegistrationBenchmark();
    b.store = store;
    b.ringSize = perRound; // each round starts the ring again, with a fresh store
    b.signRequests();
    int minWarmup = (WARMUP_REGISTRATIONS + perRound - 1) / perRound;
    int maxWarmup = Math.max(minWarmup, WARMUP_MAX_REGISTRATIONS / perRound);
    System.out.printf(
        "store %s, %d rounds of %d registrations, clock steps and baselines each,"
            + " after %d to %d warm-up rounds; ns per operation in thread CPU time%n",
        store, rounds, perRound, minWarmup, maxWarmup);
    System.out.printf(
        "%-6s %15s %9s %12s %6s %8s %7s%n",
        "round", "registration", "clock", "baseline", "ratio", "reg B", "base B");
    double[] reg = new double[rounds];
    double[] base = new double[rounds];
    long[] regBytes = new long[rounds];
    int sink = 0;
    int warmup = -1; // warm-up rounds, known once the JIT has settled
    long compiling = JIT.getTotalCompilationTime();
    for (int round = 0; warmup < 0 || round < warmup + rounds; round++) {
      b.setUp();
      long b0 = HEAP.getCurrentThreadAllocatedBytes();
      long t0 = CPU.getCurrentThreadCpuTime();
      for (int i = 0; i < perRound; i++) {
        sink += b.registrationThroughDispatcherAndHomeAgent();
      }
      long t1 = CPU.getCurrentThreadCpuTime();
      long b1 = HEAP.getCurrentThreadAllocatedBytes();
      // The clock's steps alone, on the same scheduler with the home agent's timers pending: the
      // benchmark's share of each registration, the same number of steps again.
      for (int i = 0; i < perRound; i++) {
        sink += b.clockStepAlone();
      }
      long c1 = CPU.getCurrentThreadCpuTime();
      long b1c = HEAP.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < perRound; i++) {
        sink += b.baselineTwoHmacs()[0];
      }
      long t2 = CPU.getCurrentThreadCpuTime();
      long b2 = HEAP.getCurrentThreadAllocatedBytes();
      b.tearDown();
      double r = (double) (t1 - t0) / perRound;
      double s = (double) (t2 - c1) / perRound;
      if (warmup < 0) {
        long compiled = JIT.getTotalCompilationTime();
        if (round + 1 >= maxWarmup || (round + 1 >= minWarmup && compiled == compiling)) {
          warmup = round + 1;
          System.out.printf(
              "%-6s %15.0f %9.0f %12.0f %6.2f %8d %7d   (last of %d warm-up rounds)%n",
              "warm",
              r,
              (double) (c1 - t1) / perRound,
              s,
              s / r,
              (b1 - b0) / perRound,
              (b2 - b1c) / perRound,
              warmup);
        }
        compiling = compiled;
        continue;
      }
      int measured = round - warmup;
      reg[measured] = r;
      base[measured] = s;
      regBytes[measured] = (b1 - b0) / perRound;
      System.out.printf(
          "%-6s %15.0f %9.0f %12.0f %6.2f %8d %7d%n",
          measured + 1,
          r,
          (double) (c1 - t1) / perRound,
          s,
          s / r,
          (b1 - b0) / perRound,
          (b2 - b1c) / perRound);
    }
    summary(reg, base, regBytes);
    System.out.printf("(sink %d)%n", sink & 1);
  }

  /** The medians, the quietest quarter of the rounds, the minima and the means. */
  private static void summary(double[] reg, double[] base, long[] regBytes) {
    int rounds = reg.length;
    // Quiet for both: a round whose baseline alone ran slow would flatter the ratio.
    Integer[] byRegistration = new Integer[rounds];
    for (int i = 0; i < rounds; i++) {
      byRegistration[i] = i;
    }
    Arrays.sort(byRegistration, (x, y) -> Double.compare(reg[x] + base[x], reg[y] + base[y]));
    int quiet = Math.max(1, rounds / 4);
    double quietReg = 0;
    double quietBase = 0;
    for (int i = 0; i < quiet; i++) {
      quietReg += reg[byRegistration[i]];
      quietBase += base[byRegistration[i]];
    }
    long[] bytes = regBytes.clone();
    Arrays.sort(bytes);
    System.out.printf("%-26s %15s %12s %6s%n", "summary", "registration", "baseline", "ratio");
    line("median", median(reg), median(base));
    line("quietest " + quiet + " rounds, mean", quietReg / quiet, quietBase / quiet);
    line(
        "minimum", Arrays.stream(reg).min().orElseThrow(), Arrays.stream(base).min().orElseThrow());
    line(
        "mean",
        Arrays.stream(reg).average().orElseThrow(),
        Arrays.stream(base).average().orElseThrow());
    System.out.printf(
        "bytes per registration: median %d (%d to %d)%n",
        bytes[rounds / 2], bytes[0], bytes[rounds - 1]);
  }

  private static void line(String name, double reg, double base) {
    System.out.printf("%-26s %15.0f %12.0f %6.2f%n", name, reg, base, base / reg);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
