package io.mvpn.benchmarks.sam;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * SAs a security association manager hands out per CPU-second, in thread CPU time rather than wall
 * time (a machine shared with builds gives the benchmark thread a varying share of a core, which
 * CPU time does not see), as {@code ike.IkeResponderCpuTime} measures IKE responders: the manager's
 * own work per SA (its datagrams' handling, timed alone) and the whole exchange with both nodes'
 * work on the same thread. {@code grant}: what every request to a manager costs since each gets a
 * new pair (SAM_REQUEST, a pair derived from the ticket held for the peer, SAM_GRANT, SAM_INSTALL
 * and REPLY); {@code cached}: a node that holds its SA starting another session (its SAD answers,
 * no message, the manager does nothing). Beside them one AP-REQ made and checked.
 *
 * <p>Every case runs twice, and the baseline once, before any is measured.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.sam.SamGrantCpuTime [grants]
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.ike.IkeResponderCpuTime [setups]
 * </pre>
 */
public final class SamGrantCpuTime {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private SamGrantCpuTime() {}

  public static void main(String[] args) throws Exception {
    int grants = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    try (SamLab lab = new SamLab()) {
      System.out.printf(
          "%d grants per case, after as many to warm up%n%-8s %14s %16s %14s %16s%n",
          grants, "pair", "manager µs", "manager SAs/CPU-s", "both ends µs", "both ends/CPU-s");
      // Every case warms up before any is measured: the JIT compiles what all of them share.
      for (String pair : new String[] {"grant", "cached", "grant", "cached"}) {
        run(lab, pair, grants);
      }
      for (int i = 0; i < grants; i++) {
        lab.baselineApReq();
      }
      for (String pair : new String[] {"grant", "cached"}) {
        long managerBefore = lab.managerCpuNanos();
        long start = CPU.getCurrentThreadCpuTime();
        run(lab, pair, grants);
        double total = (CPU.getCurrentThreadCpuTime() - start) / 1_000.0 / grants;
        double manager = (lab.managerCpuNanos() - managerBefore) / 1_000.0 / grants;
        System.out.printf(
            "%-8s %14.1f %16s %14.2f %16.0f%n",
            pair,
            manager,
            manager == 0 ? "-" : String.format("%.0f", 1e6 / manager),
            total,
            1e6 / total);
      }
      long start = CPU.getCurrentThreadCpuTime();
      for (int i = 0; i < grants; i++) {
        lab.baselineApReq();
      }
      double apReq = (CPU.getCurrentThreadCpuTime() - start) / 1_000.0 / grants;
      System.out.printf(
          "baseline: one AP-REQ made and checked %.1f µs (%.0f/CPU-s)%n", apReq, 1e6 / apReq);
    }
  }

  private static void run(SamLab lab, String pair, int grants) {
    for (int i = 0; i < grants; i++) {
      if ((pair.equals("cached") ? lab.fromSad() : lab.handOut()) == null) {
        throw new IllegalStateException("no SA handed out");
      }
    }
  }
}
