package io.mvpn.benchmarks.ike;

import io.mvpn.ike.sa.Datagram;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One case of {@link IkeResponderCpuTime} in rounds, for comparing two builds on a shared machine:
 * each round times the responder's IKE_SA_INIT and IKE_AUTH of {@code setups} setups in thread CPU
 * time, then as many rounds of the bare crypto, so that the quietest rounds of two runs can be set
 * side by side (a whole run's mean takes in the other builds' cache pressure).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.ike.IkeResponderRounds \
 *     psk 31 2000 6
 * </pre>
 */
public final class IkeResponderRounds {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private IkeResponderRounds() {}

  public static void main(String[] args) throws Exception {
    String auth = args.length > 0 ? args[0] : "psk";
    int group = args.length > 1 ? Integer.parseInt(args[1]) : 31;
    int setups = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
    IkeResponderLab lab = new IkeResponderLab(auth, group);
    System.out.printf(
        "%s, group %d: %d setups per round, µs in thread CPU time%n", auth, group, setups);
    System.out.printf(
        "%-6s %9s %9s %9s %9s %6s%n", "round", "INIT", "AUTH", "setup", "baseline", "ratio");
    long sink = 0;
    for (int round = 1; round <= rounds; round++) {
      long init = 0;
      long authNanos = 0;
      for (int i = 0; i < setups; i++) {
        Datagram request = lab.initRequest();
        long t0 = CPU.getCurrentThreadCpuTime();
        lab.respond(request);
        init += CPU.getCurrentThreadCpuTime() - t0;
        request = lab.authRequest();
        t0 = CPU.getCurrentThreadCpuTime();
        lab.respond(request);
        authNanos += CPU.getCurrentThreadCpuTime() - t0;
        lab.completeAndDelete();
      }
      long t0 = CPU.getCurrentThreadCpuTime();
      for (int i = 0; i < setups; i++) {
        sink += lab.baselineResponderCrypto().hashCode();
      }
      long base = CPU.getCurrentThreadCpuTime() - t0;
      System.out.printf(
          "%-6d %9.1f %9.1f %9.1f %9.1f %6.2f%n",
          round,
          init / 1e3 / setups,
          authNanos / 1e3 / setups,
          (init + authNanos) / 1e3 / setups,
          base / 1e3 / setups,
          (double) base / (init + authNanos));
    }
    if (sink == 42) {
      System.out.print(""); // keeps the results alive
    }
  }
}
