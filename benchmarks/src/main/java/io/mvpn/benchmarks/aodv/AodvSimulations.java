package io.mvpn.benchmarks.aodv;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.sim.RadioMesh;
import io.mvpn.aodv.sim.RadioMesh.Arrival;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The three AODV simulations of docs/benchmarks.md, each pair on the same topology and seed, in
 * virtual time (so the figures do not depend on the machine): (1) seed 002 handover against plain
 * RFC 3561 on a 50-router grid with two active peers; (2) route discovery on a 1,000-router campus,
 * weighted against the RFC's expanding ring search; (3) ten minutes of a stream across route
 * lifetimes, with and without the gratuitous refresh. Prints markdown tables and writes PNG plots.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mvpn.benchmarks.aodv.AodvSimulations docs/img
 * </pre>
 */
public final class AodvSimulations {

  private AodvSimulations() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/img");
    Files.createDirectories(out);
    handover(out);
    discovery(out);
    refresh(out);
  }

  // ---- (1) handover -----------------------------------------------------------------------

  static final int W = 10;
  static final int H = 5;

  static RadioMesh grid(int w, int h, AodvParameters p, Random weights, int weakPercent) {
    RadioMesh m = new RadioMesh(p, Duration.ofMillis(2));
    for (int i = 0; i < w * h; i++) {
      m.router("g" + i);
    }
    return m;
  }

  static void gridLinks(RadioMesh m, int w, int h) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (x + 1 < w) {
          m.link("g" + i, "g" + (i + 1));
        }
        if (y + 1 < h) {
          m.link("g" + i, "g" + (i + w));
        }
      }
    }
  }

  /** {gap peer A ms, gap peer B ms, lost, control messages after the move}. */
  static long[] handoverRun(boolean seed) {
    RadioMesh m = grid(W, H, AodvParameters.defaults(), null, 0);
    m.router("mn");
    gridLinks(m, W, H);
    m.link("mn", "g22");
    m.link("mn", "g24", false);
    m.iface("g24", "mn").setUp(true);
    m.start();
    int n = 500; // 10 s every 20 ms
    m.stream("g0", "mn", 1000, 20, n, 0);
    m.stream("g49", "mn", 1000, 20, n, 100_000);
    m.stream("mn", "g0", 1000, 20, n, 0);
    m.stream("mn", "g49", 1000, 20, n, 100_000);
    long[] controlAtMove = new long[1];
    m.time()
        .schedule(
            5000,
            java.util.concurrent.TimeUnit.MILLISECONDS,
            () -> {
              controlAtMove[0] = m.controlMessages();
              if (seed) {
                m.get("mn").handoverTo("to-g24", m.address("g22"), "to-g22");
              } else {
                m.breakLink("mn", "g22");
                m.iface("mn", "g24").setUp(true);
              }
            });
    m.runUntil(13_000);
    List<Arrival> at = m.arrivals("mn");
    long gapA = gap(at, 0, 100_000);
    long gapB = gap(at, 100_000, 200_000);
    long lost = 2L * n - at.size();
    return new long[] {gapA, gapB, lost, m.controlMessages() - controlAtMove[0]};
  }

  static long gap(List<Arrival> at, int from, int to) {
    long gap = 0;
    long last = -1;
    for (Arrival a : at) {
      if (a.seq() >= from && a.seq() < to) {
        if (last >= 0) {
          gap = Math.max(gap, a.atNanos() - last);
        }
        last = a.atNanos();
      }
    }
    return gap / 1_000_000L;
  }

  static void handover(Path out) throws Exception {
    long[] seed = handoverRun(true);
    long[] rfc = handoverRun(false);
    System.out.println("## (1) handover, 50-router grid, two active peers, 20 ms streams");
    System.out.println(
        "| handover | gap peer A | gap peer B | lost | control messages after the move |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(
        "| seed 002 | %d ms | %d ms | %d | %d |%n", seed[0], seed[1], seed[2], seed[3]);
    System.out.printf("| RFC 3561 | %d ms | %d ms | %d | %d |%n", rfc[0], rfc[1], rfc[2], rfc[3]);
    BarChart.write(
        out.resolve("aodv-handover.png"),
        "Handover on a 50-router grid: longest gap per peer stream",
        "ms",
        List.of("seed 002 handover", "RFC 3561"),
        List.of(
            new BarChart.Group("peer A", new double[] {seed[0], rfc[0]}),
            new BarChart.Group("peer B", new double[] {seed[1], rfc[1]})));
  }

  // ---- (2) discovery on a campus ----------------------------------------------------------

  static final int CW = 40;
  static final int CH = 25;

  /** {RREQ transmissions, mean latency ms, delivered}. */
  static long[] discoveryRun(boolean weighted) {
    // The campus is 63 hops across: NET_DIAMETER 70 instead of the RFC's 35, in both runs.
    AodvParameters p =
        AodvParameters.builder().netDiameter(70).weightedRingSearch(weighted).build();
    RadioMesh m = grid(CW, CH, p, null, 0);
    gridLinks(m, CW, CH);
    m.start();
    Random weak = new Random(7);
    for (int y = 0; y < CH; y++) {
      for (int x = 0; x < CW; x++) {
        int i = y * CW + x;
        for (int j : new int[] {x + 1 < CW ? i + 1 : -1, y + 1 < CH ? i + CW : -1}) {
          if (j >= 0 && weak.nextInt(10) < 3 && weighted) {
            m.get("g" + i).setLinkWeight("to-g" + j, 3);
            m.get("g" + j).setLinkWeight("to-g" + i, 3);
          }
        }
      }
    }
    Random pairs = new Random(11);
    int k = 30;
    long[] sent = new long[k];
    String[] dest = new String[k];
    for (int i = 0; i < k; i++) {
      String from = "g" + pairs.nextInt(CW * CH);
      String to = "g" + pairs.nextInt(CW * CH);
      while (to.equals(from)) {
        to = "g" + pairs.nextInt(CW * CH);
      }
      sent[i] = (1000 + i * 3000L) * 1_000_000L;
      dest[i] = to;
      int seq = i;
      String f = from;
      String t = to;
      m.time()
          .schedule(sent[i], java.util.concurrent.TimeUnit.NANOSECONDS, () -> m.send(f, t, seq));
    }
    m.runUntil(1000 + k * 3000L + 5000);
    long total = 0;
    int delivered = 0;
    for (int i = 0; i < k; i++) {
      for (Arrival a : m.arrivals(dest[i])) {
        if (a.seq() == i) {
          total += a.atNanos() - sent[i];
          delivered++;
        }
      }
    }
    return new long[] {
      m.total(AodvCounter.RREQ_TRANSMISSIONS),
      delivered == 0 ? 0 : total / delivered / 1_000_000L,
      delivered
    };
  }

  static void discovery(Path out) throws Exception {
    long[] rfc = discoveryRun(false);
    long[] weighted = discoveryRun(true);
    System.out.println(
        "## (2) discovery, 1,000-router campus (40 x 25, NET_DIAMETER 70), 30 discoveries");
    System.out.println("| search | RREQ transmissions | mean discovery latency | delivered |");
    System.out.println("|---|---:|---:|---:|");
    System.out.printf("| RFC expanding ring | %d | %d ms | %d/30 |%n", rfc[0], rfc[1], rfc[2]);
    System.out.printf(
        "| weighted (c63-66) | %d | %d ms | %d/30 |%n", weighted[0], weighted[1], weighted[2]);
    BarChart.write(
        out.resolve("aodv-discovery.png"),
        "Discovery on a 1,000-router campus",
        "count / ms",
        List.of("RFC expanding ring", "weighted"),
        List.of(
            new BarChart.Group("RREQ tx / 100", new double[] {rfc[0] / 100.0, weighted[0] / 100.0}),
            new BarChart.Group("latency ms", new double[] {rfc[1], weighted[1]})));
  }

  // ---- (3) a ten-minute stream across route lifetimes -----------------------------------

  /** {datagrams that waited for a discovery, worst latency ms, control messages, delivered}. */
  static long[] streamRun(boolean refresh, long periodMillis) {
    AodvParameters p =
        refresh
            ? AodvParameters.builder().refreshLeadMillis(2_000).build()
            : AodvParameters.defaults();
    RadioMesh m = new RadioMesh(p, Duration.ofMillis(2));
    for (int i = 0; i < 6; i++) {
      m.router("c" + i);
    }
    for (int i = 0; i + 1 < 6; i++) {
      m.link("c" + i, "c" + (i + 1));
    }
    m.start();
    int n = (int) (600_000 / periodMillis);
    m.stream("c0", "c5", 1000, periodMillis, n, 0);
    m.runUntil(1000 + 600_000 + 5000);
    long worst = 0;
    for (Arrival a : m.arrivals("c5")) {
      long sentAt = (1000 + a.seq() * periodMillis) * 1_000_000L;
      worst = Math.max(worst, a.atNanos() - sentAt);
    }
    return new long[] {
      m.get("c0").counter(AodvCounter.DATA_BUFFERED),
      worst / 1_000_000L,
      m.controlMessages(),
      m.arrivals("c5").size()
    };
  }

  static void refresh(Path out) throws Exception {
    System.out.println("## (3) ten-minute stream over a 6-router chain");
    System.out.println(
        "| stream | refresh | waited for discovery | worst latency | control | delivered |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    List<BarChart.Group> groups = new ArrayList<>();
    for (long period : new long[] {3_500, 100}) {
      long[] off = streamRun(false, period);
      long[] on = streamRun(true, period);
      for (long[] r : List.of(off, on)) {
        System.out.printf(
            "| every %d ms | %s | %d | %d ms | %d | %d |%n",
            period, r == on ? "on" : "off", r[0], r[1], r[2], r[3]);
      }
      groups.add(new BarChart.Group("every " + period + " ms", new double[] {off[0], on[0]}));
    }
    BarChart.write(
        out.resolve("aodv-refresh.png"),
        "Ten-minute stream: datagrams that waited for a route discovery",
        "datagrams",
        List.of("RFC 3561", "gratuitous refresh (c67-70)"),
        groups);
  }
}
