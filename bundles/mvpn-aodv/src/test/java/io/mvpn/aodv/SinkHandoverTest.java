package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seed 002's proactive handover (c26-39) against plain RFC 3561 on the same links: a peer streams
 * to a mobile node every 10 ms; at 3 s the node moves from the old sink r2 to the new sink r3.
 *
 * <pre>
 *   p --- r1 --- r2 (old sink) --- mn
 *          \                      :
 *           r3 (new sink) ........   (the node's link to r3 comes up at the move)
 * </pre>
 */
class SinkHandoverTest {

  static final List<String> NAMES = List.of("p", "r1", "r2", "r3", "mn");
  static final List<String> LINKS = List.of("p-r1", "r1-r2", "r2-mn", "r1-r3", "r3-mn");
  static final long MOVE = 3000;

  /** The stream's longest gap at the node, and what the whole run cost in control messages. */
  record Run(long gapMillis, int lost, long control, MeshLab lab) {}

  static Run run(boolean seed) {
    MeshLab m = new MeshLab(NAMES, LINKS, AodvParameters.defaults());
    m.lab.iface("mn", "to-r3").setUp(false);
    int packets = 500;
    for (int i = 0; i < packets; i++) {
      int seq = i;
      m.time.schedule(500 * MS + i * 10 * MS, TimeUnit.NANOSECONDS, () -> m.send("p", "mn", seq));
    }
    m.time.schedule(
        MOVE * MS,
        TimeUnit.NANOSECONDS,
        () -> {
          if (seed) {
            // Make before break: the node still hears r2 while r3 takes over.
            m.router("mn").handoverTo("to-r3", m.addr("r2"), "to-r2");
          } else {
            m.breakLink("r2", "mn");
            m.lab.iface("mn", "to-r3").setUp(true);
          }
        });
    m.runFor(8000);
    List<Long> at = m.arrivals.get("mn");
    long gap = 0;
    for (int i = 1; i < at.size(); i++) {
      gap = Math.max(gap, at.get(i) - at.get(i - 1));
    }
    long control =
        m.total(AodvCounter.RREQ_SENT)
            + m.total(AodvCounter.RREQ_FORWARDED)
            + m.total(AodvCounter.RREP_SENT)
            + m.total(AodvCounter.RREP_FORWARDED)
            + m.total(AodvCounter.RERR_SENT)
            + m.total(AodvCounter.HANDOVER_REQUESTED)
            + m.total(AodvCounter.HANDOVER_UPDATES_SENT);
    return new Run(gap / MS, packets - m.received.get("mn").size(), control, m);
  }

  @Test
  void theNewSinkTakesOverAndTheOldPathFollowsWithinARoundTrip() {
    Run seed = run(true);
    Run rfc = run(false);
    io.mvpn.lab.Reports.append(
        "sink-handover",
        "handover: seed 002 gap %d ms, lost %d, control %d; RFC 3561 gap %d ms, lost %d,"
            + " control %d%n",
        seed.gapMillis(),
        seed.lost(),
        seed.control(),
        rfc.gapMillis(),
        rfc.lost(),
        rfc.control());
    MeshLab m = seed.lab();
    // c28-35: r3 took the node over, r1 moved its route, r2 confirmed, the node switched.
    assertThat(m.router("r3").counter(AodvCounter.HANDOVER_RECEIVED)).isEqualTo(1);
    assertThat(m.router("r2").counter(AodvCounter.HANDOVER_CONFIRMED)).isEqualTo(1);
    assertThat(m.router("mn").counter(AodvCounter.HANDOVER_COMPLETED)).isEqualTo(1);
    assertThat(m.router("r1").activeRoute(m.addr("mn")).orElseThrow().nextHop())
        .isEqualTo(m.addr("r3"));
    assertThat(m.lab.iface("mn", "to-r2").isUp()).isFalse();
    // Nothing lost with make-before-break; the stream never stalls beyond a few link delays.
    assertThat(seed.lost()).isZero();
    assertThat(seed.gapMillis()).isLessThan(50);
    // Plain AODV waits for missed Hellos (2 s), then a RERR and a new discovery.
    assertThat(rfc.gapMillis()).isGreaterThan(2000);
    assertThat(rfc.lost()).isGreaterThan(100);
  }

  /** Wireshark's aodv dissector reads the seed extensions (226-228) without complaint. */
  @Test
  void tsharkReadsTheHandoverWithoutAMalformedPacket(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path tshark = java.nio.file.Path.of("/usr/bin/tshark");
    io.mvpn.api.testing.Requirements.require(
        java.nio.file.Files.isExecutable(tshark), "tshark is not installed (.ci/run installs it)");
    MeshLab m = new MeshLab(NAMES, LINKS, AodvParameters.defaults());
    m.lab.iface("mn", "to-r3").setUp(false);
    java.nio.file.Path[] files = {tmp.resolve("r3-mn.pcapng"), tmp.resolve("r1-r3.pcapng")};
    m.lab.iface("r3", "to-mn").startCapture(files[0], 0);
    m.lab.iface("r1", "to-r3").startCapture(files[1], 0);
    for (int i = 0; i < 100; i++) {
      int seq = i;
      m.time.schedule(500 * MS + i * 20 * MS, TimeUnit.NANOSECONDS, () -> m.send("p", "mn", seq));
    }
    m.time.schedule(
        1500 * MS,
        TimeUnit.NANOSECONDS,
        () -> m.router("mn").handoverTo("to-r3", m.addr("r2"), "to-r2"));
    m.runFor(3000);
    m.lab.iface("r3", "to-mn").stopCapture();
    m.lab.iface("r1", "to-r3").stopCapture();
    assertThat(m.router("mn").counter(AodvCounter.HANDOVER_COMPLETED)).isEqualTo(1);
    for (java.nio.file.Path f : files) {
      List<String> rows =
          MeshLab.tsharkFields(
              tshark, f, "aodv.type", "aodv.ext_type", "_ws.malformed", "_ws.expert.severity");
      assertThat(rows).as(f.getFileName().toString()).noneMatch(r -> r.contains("Malformed"));
      if (f.equals(files[0])) {
        // The node's Sink Request and the old sink's confirmation, as extension types.
        assertThat(String.join("\n", rows)).contains("226").contains("228");
      } else {
        assertThat(String.join("\n", rows)).contains("227");
      }
    }
  }

  /** c35, c37: a new sink that cannot reach the old sink says so; the node asks for its peers. */
  @Test
  void aNewSinkCutOffFromTheOldOneReportsFailureAndTheNodeLooksForItsPeers() {
    MeshLab m =
        new MeshLab(
            List.of("p", "r1", "r2", "r3", "mn"),
            List.of("p-r1", "r1-r2", "r2-mn", "r3-mn"),
            AodvParameters.defaults());
    m.lab.iface("mn", "to-r3").setUp(false);
    for (int i = 0; i < 300; i++) {
      int seq = i;
      m.time.schedule(500 * MS + i * 10 * MS, TimeUnit.NANOSECONDS, () -> m.send("mn", "p", seq));
    }
    m.time.schedule(
        1500 * MS,
        TimeUnit.NANOSECONDS,
        () -> m.router("mn").handoverTo("to-r3", m.addr("r2"), "to-r2"));
    m.runFor(6000);
    assertThat(m.router("r3").counter(AodvCounter.HANDOVER_FAILED)).isEqualTo(1);
    assertThat(m.router("mn").counter(AodvCounter.HANDOVER_FAILED)).isEqualTo(1);
    assertThat(m.router("mn").counter(AodvCounter.HANDOVER_COMPLETED)).isZero();
    // The old link stays and the node asked for its peer again (c37): the stream got through.
    assertThat(m.lab.iface("mn", "to-r2").isUp()).isTrue();
    assertThat(m.router("mn").counter(AodvCounter.RREQ_SENT)).isGreaterThanOrEqualTo(2);
    assertThat(m.received.get("p")).hasSize(300);
  }
}
