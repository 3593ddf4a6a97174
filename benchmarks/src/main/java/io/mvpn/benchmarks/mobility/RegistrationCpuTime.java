package io.mvpn.benchmarks.mobility;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link RegistrationBenchmark}'s two operations measured in thread CPU time instead of wall time:
 * on a machine shared with builds the thread gets a varying share of a core, which JMH's wall-clock
 * figures take in and CPU time does not. Rounds alternate between a batch of registrations through
 * the dispatcher and the home agent and a batch of the baseline's two bare HMAC-MD5 computations,
 * so both see the same state of the machine; between them, as a second baseline, as many of the
 * virtual clock's steps alone as registrations (the benchmark's own part of each). Each round's
 * store and home agent are fresh, as in a JMH iteration. Runs on a Netty thread, like the
 * benchmark.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar \
 *     io.mvpn.benchmarks.mobility.RegistrationCpuTime [memory|persistent] [per round] [rounds]
 * </pre>
 */
public final class RegistrationCpuTime {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** The same bean's allocation counter: heap bytes this thread allocated. */
  private static final com.sun.management.ThreadMXBean HEAP = (com.sun.management.ThreadMXBean) CPU;

  private RegistrationCpuTime() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "memory";
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
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
    b.signRequests();
    System.out.printf(
        "store %s, %d registrations and %d baselines per round, thread CPU time%n",
        store, perRound, perRound);
    System.out.printf(
        "%-6s %16s %9s %16s %14s %14s %6s %8s %8s%n",
        "round",
        "registration ns",
        "clock ns",
        "baseline ns",
        "reg/CPU-s",
        "base/CPU-s",
        "ratio",
        "reg B",
        "base B");
    int warmup = 3;
    long regTotal = 0;
    long baseTotal = 0;
    long clockTotal = 0;
    int sink = 0;
    for (int round = 0; round < warmup + rounds; round++) {
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
      long c0 = CPU.getCurrentThreadCpuTime();
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
      double reg = (double) (t1 - t0) / perRound;
      double clock = (double) (c1 - c0) / perRound;
      double base = (double) (t2 - c1) / perRound;
      if (round >= warmup) {
        regTotal += t1 - t0;
        clockTotal += c1 - c0;
        baseTotal += t2 - c1;
      }
      System.out.printf(
          "%-6s %16.0f %9.0f %16.0f %14.0f %14.0f %6.2f %8d %8d%n",
          round < warmup ? "warm" + (round + 1) : String.valueOf(round - warmup + 1),
          reg,
          clock,
          base,
          1e9 / reg,
          1e9 / base,
          base / reg,
          (b1 - b0) / perRound,
          (b2 - b1c) / perRound);
    }
    double reg = (double) regTotal / rounds / perRound;
    double base = (double) baseTotal / rounds / perRound;
    double clock = (double) clockTotal / rounds / perRound;
    System.out.printf(
        "%-6s %16.0f %9.0f %16.0f %14.0f %14.0f %6.2f   (sink %d)%n",
        "all", reg, clock, base, 1e9 / reg, 1e9 / base, base / reg, sink & 1);
  }
}
