package io.mvpn.benchmarks.ipsec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One JMH thread's own CPU time over the measured iterations, per operation and as a share of a
 * core: thread CPU time does not depend on how much of the machine the run got, so on a machine
 * shared with other work it shows whether two threads cost more per operation than one.
 */
final class ThreadCpu {

  static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  long operations; // in this iteration
  private long cpuAtStart;
  private long wallAtStart;
  private long measuredCpu;
  private long measuredWall;
  private long measuredOperations;

  /** At the start of an iteration, on the thread. */
  void start() {
    operations = 0;
    wallAtStart = System.nanoTime();
    cpuAtStart = CPU.getCurrentThreadCpuTime();
  }

  /** At the end of an iteration, on the thread: the operations it counted if it was measured. */
  long end(IterationParams iteration) {
    long cpu = CPU.getCurrentThreadCpuTime() - cpuAtStart;
    long wall = System.nanoTime() - wallAtStart;
    if (iteration.getType() != IterationType.MEASUREMENT) {
      return 0;
    }
    measuredCpu += cpu;
    measuredWall += wall;
    measuredOperations += operations;
    return operations;
  }

  /** Prints the thread's CPU per operation over the measured iterations. */
  void report(String operation) {
    System.out.printf(
        "%n%s: %.0f ns of thread CPU per %s, %.0f %% of a core, %d %ss%n",
        Thread.currentThread().getName(),
        (double) measuredCpu / Math.max(1, measuredOperations),
        operation,
        100.0 * measuredCpu / Math.max(1, measuredWall),
        measuredOperations,
        operation);
  }
}
