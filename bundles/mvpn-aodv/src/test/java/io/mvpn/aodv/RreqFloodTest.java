package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One node, x, next to b on the chain a-b-c-d, originates 100 RREQs a second under its own address
 * with fresh ids for five seconds: ten times RREQ_RATELIMIT (RFC 3561 §6.3, 10).
 */
class RreqFloodTest {

  private static final int FLOOD_PER_SECOND = 100;
  private static final int FLOOD_SECONDS = 5;

  @Test
  void aNodeFloodingRreqsIsHeldToTheRfcRateWhileRealDiscoveriesSucceed() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d", "x"),
            List.of("a-b", "b-c", "c-d", "x-b"),
            AodvParameters.defaults());
    Vrf attacker = m.lab.vrf("x", "mesh");
    Ipv4Address x = m.addr("x");
    int floodCount = FLOOD_PER_SECOND * FLOOD_SECONDS;
    for (int i = 0; i < floodCount; i++) {
      int id = 1000 + i;
      m.time.schedule(
          1000 * MS + i * (1000 * MS / FLOOD_PER_SECOND),
          TimeUnit.NANOSECONDS,
          () -> {
            // For a destination nobody has: every router would pass each one on.
            RouteRequest flood =
                new RouteRequest(
                    RouteRequest.UNKNOWN_SEQUENCE,
                    0,
                    id,
                    Ipv4Address.parse("10.9.9.9"),
                    0,
                    x,
                    id,
                    List.of());
            ByteBuf p = flood.encode(attacker.alloc());
            attacker.send(
                UdpDatagram.build(attacker.alloc(), x.toInt(), -1, 654, 654, p, 35),
                m.lab.iface("x", "to-b"),
                -1);
            p.release();
          });
    }
    // Two real discoveries during the flood: a's routes to d and to c.
    m.time.schedule(1500 * MS, TimeUnit.NANOSECONDS, () -> m.send("a", "d", 1));
    m.time.schedule(3500 * MS, TimeUnit.NANOSECONDS, () -> m.send("a", "c", 2));
    int maxRemembered = 0;
    for (int t = 0; t < 7; t++) {
      m.runFor(1000);
      for (String n : List.of("a", "b", "c", "d")) {
        maxRemembered = Math.max(maxRemembered, m.router(n).rememberedRreqs());
      }
    }

    MobilityRouter b = m.router("b");
    assertThat(m.received.get("d")).containsExactly(1);
    assertThat(m.received.get("c")).containsExactly(2);
    assertThat(m.router("a").counter(AodvCounter.DISCOVERIES_SUCCEEDED)).isEqualTo(2);
    // b passed on at most RREQ_RATELIMIT of x's a second (a sliding second: one more at the edge),
    // besides a's own; the rest it counted and dropped.
    long limit = 10L * FLOOD_SECONDS + 1;
    long fromX = b.counter(AodvCounter.RREQ_RECEIVED) - b.counter(AodvCounter.RREQ_DUPLICATE);
    assertThat(b.counter(AodvCounter.RREQ_ORIGINATOR_RATE_LIMITED))
        .isGreaterThanOrEqualTo(floodCount - limit);
    assertThat(b.counter(AodvCounter.RREQ_FORWARDED)).isLessThanOrEqualTo(limit + 2);
    assertThat(fromX).isGreaterThanOrEqualTo(floodCount);
    // Further on, c hears only what b passed on (and d's copies of it back, as duplicates).
    MobilityRouter c = m.router("c");
    assertThat(c.counter(AodvCounter.RREQ_RECEIVED) - c.counter(AodvCounter.RREQ_DUPLICATE))
        .isLessThanOrEqualTo(limit + 4);
    // The duplicate cache holds what arrived within PATH_DISCOVERY_TIME (5.6 s), no more.
    assertThat(maxRemembered).isLessThanOrEqualTo(FLOOD_PER_SECOND * 6);
  }
}
