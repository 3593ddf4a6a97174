package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteState;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.store.InMemoryCounterStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3561 §6 behaviour of whole routers on emulated radio links, in virtual time. */
class MobilityRouterTest {

  static final List<String> CHAIN = List.of("a", "b", "c", "d");
  static final List<String> CHAIN_LINKS = List.of("a-b", "b-c", "c-d");

  @Test
  void expandingRingSearchFindsADestinationThreeHopsAwayAndDeliversTheBufferedData() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    m.send("a", "d", 1);
    m.send("a", "d", 2);
    m.runFor(2000);
    assertThat(m.received.get("d")).containsExactly(1, 2);
    MobilityRouter a = m.router("a");
    RouteEntry toD = a.activeRoute(m.addr("d")).orElseThrow();
    assertThat(toD.hopCount()).isEqualTo(3);
    assertThat(toD.nextHop()).isEqualTo(m.addr("b"));
    // §6.4: TTL 1 reaches b only and times out (RING_TRAVERSAL_TIME 240 ms); TTL 3 reaches d.
    assertThat(a.counter(AodvCounter.RREQ_SENT)).isEqualTo(2);
    assertThat(a.counter(AodvCounter.DISCOVERIES_SUCCEEDED)).isEqualTo(1);
    assertThat(a.counter(AodvCounter.DATA_BUFFERED)).isEqualTo(2);
    // §6.6.1: the destination answered; intermediate nodes kept precursors for their RERRs.
    assertThat(m.router("d").counter(AodvCounter.RREP_SENT)).isEqualTo(1);
    assertThat(m.router("b").activeRoute(m.addr("d")).orElseThrow().precursors())
        .contains(m.addr("a"));
    // The reverse route at d leads back to a.
    assertThat(m.router("d").activeRoute(m.addr("a")).orElseThrow().nextHop())
        .isEqualTo(m.addr("c"));
  }

  @Test
  void dataKeepsARouteAliveAndHellosHoldTheLinks() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    for (int i = 0; i < 100; i++) {
      int seq = i;
      m.time.schedule(
          i * 100 * MS, java.util.concurrent.TimeUnit.NANOSECONDS, () -> m.send("a", "d", seq));
    }
    m.runFor(10_500);
    // Ten seconds of traffic, far past ACTIVE_ROUTE_TIMEOUT (3 s): one discovery, no loss.
    assertThat(m.received.get("d")).hasSize(100);
    assertThat(m.router("a").counter(AodvCounter.RREQ_SENT)).isEqualTo(2);
    assertThat(m.router("b").counter(AodvCounter.HELLO_SENT)).isGreaterThan(5);
    assertThat(m.router("b").counter(AodvCounter.LINK_BREAKS)).isZero();
  }

  @Test
  void aBrokenLinkIsNoticedByHellosAndReportedUpstreamWithRerr() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    m.send("a", "d", 1);
    m.runFor(1000);
    int seqBefore = m.router("c").activeRoute(m.addr("d")).orElseThrow().seq();
    m.breakLink("c", "d");
    // ALLOWED_HELLO_LOSS x HELLO_INTERVAL = 2 s of silence, then the RERR travels to a.
    m.runFor(3000);
    assertThat(m.router("c").counter(AodvCounter.LINK_BREAKS)).isEqualTo(1);
    assertThat(m.router("c").counter(AodvCounter.RERR_SENT)).isGreaterThanOrEqualTo(1);
    RouteEntry atA =
        m.router("a").routes().stream()
            .filter(e -> e.destination().equals(m.addr("d")))
            .findFirst()
            .orElseThrow();
    assertThat(atA.state()).isEqualTo(RouteState.INVALID);
    // §6.11: the unreachable destination's number went up by one on the way.
    assertThat(atA.seq()).isEqualTo(seqBefore + 1);
    assertThat(m.router("a").activeRoute(m.addr("d"))).isEmpty();
  }

  @Test
  void anIntermediateRouterWithAFreshRouteAnswersAndWithGAlsoTellsTheDestination() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    m.send("b", "d", 1); // b learns a route to d
    m.runFor(1000);
    long dRrepsBefore = m.router("d").counter(AodvCounter.RREP_SENT);
    m.send("a", "d", 2);
    m.runFor(1000);
    assertThat(m.received.get("d")).containsExactly(1, 2);
    // b answered a's RREQ from its own route (§6.6.2): d did not have to.
    assertThat(m.router("b").counter(AodvCounter.RREP_SENT)).isEqualTo(1);
    assertThat(m.router("d").counter(AodvCounter.RREP_SENT)).isEqualTo(dRrepsBefore);
  }

  @Test
  void malformedAndUnknownMessagesAreCountedAndDropped() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    for (byte[] junk : List.of(new byte[] {9, 0, 0}, new byte[] {1, 0, 0, 5}, new byte[0])) {
      ByteBuf p = Unpooled.wrappedBuffer(junk);
      m.lab
          .vrf("a", "mesh")
          .send(
              io.mvpn.packet.udp.UdpDatagram.build(
                  m.lab.vrf("a", "mesh").alloc(), m.addr("a").toInt(), -1, 654, 654, p, 1),
              m.lab.iface("a", "to-b"),
              -1);
    }
    m.runFor(100);
    assertThat(m.router("b").counter(AodvCounter.MALFORMED)).isEqualTo(3);
    // Still routing afterwards.
    m.send("a", "c", 7);
    m.runFor(2000);
    assertThat(m.received.get("c")).containsExactly(7);
  }

  @Test
  void tsharkReadsARouterRunWithoutAMalformedPacket(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path tshark = java.nio.file.Path.of("/usr/bin/tshark");
    io.mvpn.api.testing.Requirements.require(
        java.nio.file.Files.isExecutable(tshark), "tshark is not installed (.ci/run installs it)");
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    java.nio.file.Path pcap = tmp.resolve("b-c.pcapng");
    m.lab.iface("b", "to-c").startCapture(pcap, 0);
    m.send("a", "d", 1);
    m.runFor(3000);
    m.breakLink("c", "d");
    m.runFor(4000);
    m.lab.iface("b", "to-c").stopCapture();
    List<String> rows = MeshLab.tsharkFields(tshark, pcap, "aodv.type", "_ws.malformed");
    // RREQ (1), RREP (2, Hellos included) and RERR (3) all dissected, none malformed.
    assertThat(rows).contains("1\t", "2\t", "3\t").allMatch(r -> r.endsWith("\t") || r.isEmpty());
  }

  /** A flood of fresh RREQs from one neighbour: rebroadcasts are capped, data keeps flowing. */
  @Test
  void anRreqFloodIsRateLimitedWithoutStarvingData() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d", "x"),
            List.of("a-b", "b-c", "c-d", "x-b"),
            AodvParameters.defaults());
    m.send("a", "d", 0);
    m.runFor(1000);
    io.mvpn.net.Vrf attacker = m.lab.vrf("x", "mesh");
    for (int i = 0; i < 2000; i++) {
      int id = i;
      m.time.schedule(
          i * MS,
          java.util.concurrent.TimeUnit.NANOSECONDS,
          () -> {
            io.mvpn.aodv.message.RouteRequest flood =
                new io.mvpn.aodv.message.RouteRequest(
                    io.mvpn.aodv.message.RouteRequest.UNKNOWN_SEQUENCE,
                    0,
                    id,
                    io.mvpn.api.Ipv4Address.parse("10.9.9.9"),
                    0,
                    io.mvpn.api.Ipv4Address.of(0x0a630000 + id),
                    1,
                    List.of());
            ByteBuf p = flood.encode(attacker.alloc());
            attacker.send(
                io.mvpn.packet.udp.UdpDatagram.build(
                    attacker.alloc(), m.addr("x").toInt(), -1, 654, 654, p, 35),
                m.lab.iface("x", "to-b"),
                -1);
            p.release();
          });
    }
    for (int i = 1; i <= 200; i++) {
      int seq = i;
      m.time.schedule(
          i * 10 * MS, java.util.concurrent.TimeUnit.NANOSECONDS, () -> m.send("a", "d", seq));
    }
    m.runFor(3000);
    MobilityRouter b = m.router("b");
    assertThat(b.counter(AodvCounter.RREQ_RECEIVED)).isGreaterThanOrEqualTo(2000);
    // 100 rebroadcasts a second by default, over about two seconds of flood.
    assertThat(b.counter(AodvCounter.RREQ_FORWARDED)).isLessThanOrEqualTo(2 * 100 + 100);
    assertThat(b.counter(AodvCounter.RREQ_FORWARD_RATE_LIMITED)).isGreaterThan(1500);
    assertThat(m.received.get("d")).hasSize(201);
  }

  /** A forged RREP with an old sequence number changes no route and goes no further (§6.7). */
  @Test
  void aStaleRrepIsDroppedAndCounted() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    m.send("a", "d", 1);
    m.runFor(1000);
    RouteEntry before = m.router("b").activeRoute(m.addr("d")).orElseThrow();
    // c claims a route to d with an older number, through itself, toward a.
    io.mvpn.aodv.message.RouteReply stale =
        new io.mvpn.aodv.message.RouteReply(
            0, 0, 0, m.addr("d"), before.seq() - 1, m.addr("a"), 10_000, List.of());
    io.mvpn.net.Vrf c = m.lab.vrf("c", "mesh");
    ByteBuf p = stale.encode(c.alloc());
    c.send(
        io.mvpn.packet.udp.UdpDatagram.build(
            c.alloc(), m.addr("c").toInt(), m.addr("b").toInt(), 654, 654, p, 1),
        m.lab.iface("c", "to-b"),
        m.addr("b").toInt());
    p.release();
    long forwardedBefore = m.router("b").counter(AodvCounter.RREP_FORWARDED);
    m.runFor(100);
    assertThat(m.router("b").counter(AodvCounter.STALE)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.RREP_FORWARDED)).isEqualTo(forwardedBefore);
    RouteEntry after = m.router("b").activeRoute(m.addr("d")).orElseThrow();
    assertThat(after.seq()).isEqualTo(before.seq());
    assertThat(after.hopCount()).isEqualTo(before.hopCount());
  }

  /** §6.6.3: with G set, the intermediate router that answers also tells the destination. */
  @Test
  void anIntermediateAnswerToAGratuitousRreqGivesTheDestinationARouteBack() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    m.send("b", "d", 1); // b learns a route to d
    m.runFor(1000);
    assertThat(m.router("d").activeRoute(m.addr("a"))).isEmpty();
    long dRreps = m.router("d").counter(AodvCounter.RREP_SENT);
    m.router("a").setGratuitousRreps(true);
    m.send("a", "d", 2);
    m.runFor(1000);
    assertThat(m.received.get("d")).containsExactly(1, 2);
    MobilityRouter b = m.router("b");
    assertThat(b.counter(AodvCounter.RREP_SENT)).isEqualTo(1);
    assertThat(b.counter(AodvCounter.GRATUITOUS_RREP_SENT)).isEqualTo(1);
    // d did not answer, yet it now routes back to a through c, with a's number.
    assertThat(m.router("d").counter(AodvCounter.RREP_SENT)).isEqualTo(dRreps);
    RouteEntry back = m.router("d").activeRoute(m.addr("a")).orElseThrow();
    assertThat(back.nextHop()).isEqualTo(m.addr("c"));
    assertThat(back.hopCount()).isEqualTo(3);
    assertThat(back.seq()).isEqualTo(m.router("a").sequenceNumber());
  }

  /**
   * §6.12: c loses its link to d and finds d again through e without bothering a; the longer path
   * is announced upstream with N set, and a keeps its route.
   */
  @Test
  void aBrokenRouteIsRepairedLocallyWhileItsDatagramsWait() {
    List<String> names = List.of("a", "b", "c", "d", "e");
    List<String> links = List.of("a-b", "b-c", "c-d", "c-e", "e-d");
    for (boolean repair : new boolean[] {true, false}) {
      MeshLab m = new MeshLab(names, links, AodvParameters.defaults());
      m.router("c").setLocalRepair(repair);
      for (int i = 0; i < 600; i++) {
        int seq = i;
        m.time.schedule(
            i * 10 * MS, java.util.concurrent.TimeUnit.NANOSECONDS, () -> m.send("a", "d", seq));
      }
      m.runFor(1000);
      assertThat(m.router("c").activeRoute(m.addr("d")).orElseThrow().nextHop())
          .isEqualTo(m.addr("d"));
      long aRreqs = m.router("a").counter(AodvCounter.RREQ_SENT);
      m.breakLink("c", "d");
      m.runFor(6000);
      MobilityRouter c = m.router("c");
      if (repair) {
        assertThat(c.counter(AodvCounter.LOCAL_REPAIRS)).isEqualTo(1);
        assertThat(c.activeRoute(m.addr("d")).orElseThrow().nextHop()).isEqualTo(m.addr("e"));
        // The source never had to look again: the repair stayed between c and d.
        assertThat(m.router("a").counter(AodvCounter.RREQ_SENT)).isEqualTo(aRreqs);
        assertThat(m.router("a").activeRoute(m.addr("d"))).isPresent();
      } else {
        assertThat(c.counter(AodvCounter.LOCAL_REPAIRS)).isZero();
        assertThat(m.router("a").counter(AodvCounter.RREQ_SENT)).isGreaterThan(aRreqs);
      }
      // Either way the stream resumes; what is lost is what went out before the break was seen.
      assertThat(m.received.get("d")).contains(599);
    }
  }

  /**
   * A router that follows another over the same counter store and scope, as after a bundle:update
   * of io.mvpn.aodv, goes on from its counts; a router in another scope starts from zero.
   */
  @Test
  void aRouterThatFollowsAnotherOverTheSameCounterStoreGoesOnFromItsCounts() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    CounterStore store = new InMemoryCounterStore();
    MobilityRouter before = replaceA(m, store);
    m.send("a", "d", 1);
    m.runFor(2000);
    assertThat(before.counter(AodvCounter.DISCOVERIES_SUCCEEDED)).isEqualTo(1);
    long rreqs = before.counter(AodvCounter.RREQ_SENT);
    m.runFor(10_000); // past PATH_DISCOVERY_TIME: b, c and d forget the RREQ IDs they saw
    MobilityRouter after = replaceA(m, store);
    m.send("a", "d", 2);
    m.runFor(2000);

    assertThat(m.received.get("d")).containsExactly(1, 2);
    assertThat(after.counter(AodvCounter.DISCOVERIES_SUCCEEDED)).isEqualTo(2);
    assertThat(after.counter(AodvCounter.DATA_BUFFERED)).isEqualTo(2);
    assertThat(after.counter(AodvCounter.RREQ_SENT)).isGreaterThan(rreqs);
    assertThat(store.snapshot("aodv/a")).containsEntry("discoveries_succeeded", 2L);
    assertThat(store.snapshot("aodv/b")).isEmpty();
  }

  /** Stops router a and starts a new one in its place that counts in {@code store}. */
  private static MobilityRouter replaceA(MeshLab m, CounterStore store) {
    m.router("a").stop();
    io.mvpn.net.Vrf vrf = m.lab.vrf("a", "mesh");
    MobilityRouter a =
        new MobilityRouter(
            m.addr("a"),
            vrf,
            new java.util.ArrayList<>(vrf.interfaces()),
            AodvParameters.defaults(),
            store,
            "aodv/a");
    a.start();
    m.routers.put("a", a);
    return a;
  }

  /** §6.13: a rebooted router learns but stays silent for DELETE_PERIOD (15 s by default). */
  @Test
  void aRebootedRouterHoldsItsTongueForDeletePeriod() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, AodvParameters.defaults());
    MobilityRouter old = m.router("b");
    old.stop();
    io.mvpn.net.Vrf vrf = m.lab.vrf("b", "mesh");
    List<io.mvpn.net.Interface> links = new java.util.ArrayList<>(vrf.interfaces());
    MobilityRouter rebooted =
        new MobilityRouter(m.addr("b"), vrf, links, AodvParameters.defaults());
    rebooted.startAfterReboot();
    m.routers.put("b", rebooted);
    m.send("a", "d", 1);
    m.runFor(14_000);
    // a's RREQs reach b, which neither answers nor passes them on.
    assertThat(rebooted.rebootHolding()).isTrue();
    assertThat(rebooted.counter(AodvCounter.REBOOT_HELD)).isPositive();
    assertThat(rebooted.counter(AodvCounter.RREQ_FORWARDED)).isZero();
    assertThat(m.received.get("d")).isEmpty();
    // b still learnt the way back to a from what it heard.
    assertThat(rebooted.activeRoute(m.addr("a"))).isPresent();
    m.runFor(8_000);
    assertThat(rebooted.rebootHolding()).isFalse();
    m.send("a", "d", 2);
    m.runFor(2_000);
    assertThat(m.received.get("d")).containsExactly(2);
  }

  /** §5.4, §6.7: with acknowledgements on, each hop of a RREP is acknowledged. */
  @Test
  void eachHopOfARrepIsAcknowledgedWhenAsked() {
    MeshLab m =
        new MeshLab(List.of("a", "b", "c"), List.of("a-b", "b-c"), AodvParameters.defaults());
    m.routers.values().forEach(r -> r.setRrepAcks(true));
    m.send("a", "c", 1);
    m.runFor(2_000);
    assertThat(m.received.get("c")).containsExactly(1);
    assertThat(m.router("c").counter(AodvCounter.RREP_ACK_RECEIVED)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.RREP_ACK_RECEIVED)).isEqualTo(1);
    assertThat(m.router("a").counter(AodvCounter.RREP_ACK_SENT)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.BLACKLISTED)).isZero();
  }

  /**
   * §6.8: b answers a's RREQ with a RREP asking for an acknowledgement, but a no longer hears b
   * (the link works one way), so b blacklists a and ignores its RREQs until BLACKLIST_TIMEOUT.
   */
  @Test
  void aNeighbourThatDoesNotAcknowledgeARrepIsBlacklisted() {
    MeshLab m = new MeshLab(List.of("a", "b"), List.of("a-b"), AodvParameters.defaults());
    MobilityRouter b = m.router("b");
    b.setRrepAcks(true);
    // a's RREQ goes out, and a goes deaf right after sending it.
    m.send("a", "b", 1);
    m.lab.iface("a", "to-b").setUp(false);
    m.time.schedule(
        100 * MS,
        java.util.concurrent.TimeUnit.NANOSECONDS,
        () -> m.lab.iface("a", "to-b").setUp(true));
    m.runFor(200);
    assertThat(b.counter(AodvCounter.BLACKLISTED)).isEqualTo(1);
    long answered = b.counter(AodvCounter.RREP_SENT);
    long ignored = b.counter(AodvCounter.IGNORED);
    m.runFor(3_000); // a's retries within BLACKLIST_TIMEOUT are ignored
    assertThat(b.counter(AodvCounter.IGNORED)).isGreaterThan(ignored);
    assertThat(b.counter(AodvCounter.RREP_SENT)).isEqualTo(answered);
    assertThat(m.received.get("b")).isEmpty();
  }
}
