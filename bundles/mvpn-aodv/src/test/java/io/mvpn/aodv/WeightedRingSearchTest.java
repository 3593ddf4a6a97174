package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seed 002 c63-66: which links a weighted ring search puts a RREQ on, and with which sums. */
class WeightedRingSearchTest {

  static final Ipv4Address NOBODY = Ipv4Address.parse("10.9.9.9");

  static AodvParameters weighted() {
    return AodvParameters.builder().weightedRingSearch(true).build();
  }

  static AodvExtension weight(RouteRequest rreq) {
    return rreq.extension(AodvExtension.WEIGHT_SUM);
  }

  @Test
  void theOriginatorSkipsLinksOverTheRingsBudgetUntilTheRingGrows() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d"),
            List.of("a-b", "a-c", "a-d"),
            weighted(),
            Set.of("b", "c", "d"));
    MobilityRouter a = m.router("a");
    a.setLinkWeight("to-c", 3);
    m.sendTo("a", NOBODY, 1);
    m.runFor(100);
    // Ring 1: TTL 1, budget 1. The weight-3 link is left out.
    assertThat(m.rreqsAt("c")).isEmpty();
    assertThat(m.rreqsAt("b")).hasSize(1);
    assertThat(weight(m.rreqsAt("b").get(0)).weightBudget()).isEqualTo(1);
    assertThat(weight(m.rreqsAt("b").get(0)).weightSum()).isEqualTo(1);
    assertThat(m.rreqsAt("d")).hasSize(1);
    assertThat(a.counter(AodvCounter.RREQ_TRANSMISSIONS)).isEqualTo(2);
    assertThat(a.counter(AodvCounter.RREQ_WEIGHT_PRUNED)).isEqualTo(1);
    // Ring 2 after RING_TRAVERSAL_TIME(1) = 240 ms: TTL 3, budget 3 takes the weight-3 link.
    m.runFor(200);
    assertThat(m.rreqsAt("c")).hasSize(1);
    assertThat(weight(m.rreqsAt("c").get(0)).weightBudget()).isEqualTo(3);
    assertThat(weight(m.rreqsAt("c").get(0)).weightSum()).isEqualTo(3);
    assertThat(weight(m.rreqsAt("b").get(1)).weightSum()).isEqualTo(1);
    // TTL 5 at 640 ms, TTL 7 at 1200 ms, then NET_DIAMETER at 1920 ms with no limit.
    m.runFor(1700);
    List<RouteRequest> atC = m.rreqsAt("c");
    assertThat(atC).hasSize(4);
    assertThat(weight(atC.get(3)).weightBudget()).isEqualTo(AodvExtension.UNLIMITED_BUDGET);
    assertThat(weight(atC.get(3)).weightSum()).isEqualTo(3);
  }

  @Test
  void aForwarderAddsTheLinkWeightPrunesOverBudgetLinksAndNeverSendsBack() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d"),
            List.of("a-b", "b-c", "b-d"),
            weighted(),
            Set.of("c", "d"));
    m.router("b").setLinkWeight("to-c", 3);
    m.sendTo("a", NOBODY, 1);
    // Ring 1 (TTL 1) stops at b; ring 2 (TTL 3, budget 3) is forwarded by b: 1 + 1 to d, but
    // 1 + 3 = 4 toward c is over budget.
    m.runFor(500);
    assertThat(m.rreqsAt("c")).isEmpty();
    assertThat(m.rreqsAt("d")).hasSize(1);
    RouteRequest atD = m.rreqsAt("d").get(0);
    assertThat(atD.hopCount()).isEqualTo(1);
    assertThat(weight(atD).weightSum()).isEqualTo(2);
    assertThat(weight(atD).weightBudget()).isEqualTo(3);
    assertThat(m.router("b").counter(AodvCounter.RREQ_WEIGHT_PRUNED)).isEqualTo(1);
    // The copy back to a, which a plain broadcast sends, is not sent.
    assertThat(m.router("a").counter(AodvCounter.RREQ_RECEIVED)).isZero();
    // Ring 3 (TTL 5, budget 5) at 640 ms reaches c with sum 4.
    m.runFor(300);
    assertThat(m.rreqsAt("c")).hasSize(1);
    assertThat(weight(m.rreqsAt("c").get(0)).weightSum()).isEqualTo(4);
    assertThat(weight(m.rreqsAt("c").get(0)).weightBudget()).isEqualTo(5);
  }

  @Test
  void offByDefaultWeightsChangeNothingAndNoExtensionIsSent() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d"),
            List.of("a-b", "b-c", "b-d"),
            AodvParameters.defaults(),
            Set.of("c", "d"));
    m.router("b").setLinkWeight("to-c", 3);
    m.sendTo("a", NOBODY, 1);
    m.runFor(500);
    assertThat(m.rreqsAt("c")).hasSize(1);
    assertThat(m.rreqsAt("d")).hasSize(1);
    assertThat(m.rreqsAt("c").get(0).extensions()).isEmpty();
    // RFC 3561 broadcasts on every link, the one it came in on included.
    assertThat(m.router("a").counter(AodvCounter.RREQ_RECEIVED)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.RREQ_TRANSMISSIONS)).isEqualTo(3);
  }

  @Test
  void aRouterWithoutTheSearchForwardsTheExtensionUnchangedOnEveryLink() {
    MeshLab m =
        new MeshLab(
            List.of("a", "b", "c", "d"),
            List.of("a-b", "b-c", "b-d"),
            weighted(),
            Set.of("c", "d"));
    // b is an RFC router in a weighted network: it neither adds nor prunes.
    m.router("b").stop();
    MobilityRouter plain =
        new MobilityRouter(
            m.addr("b"),
            m.lab.vrf("b", "mesh"),
            List.copyOf(
                m.lab.vrf("b", "mesh").interfaces().stream()
                    .filter(i -> i.name().startsWith("to-"))
                    .toList()),
            AodvParameters.defaults());
    plain.start();
    m.sendTo("a", NOBODY, 1);
    m.runFor(500);
    assertThat(m.rreqsAt("c")).hasSize(1);
    assertThat(weight(m.rreqsAt("c").get(0)).weightSum()).isEqualTo(1);
    assertThat(weight(m.rreqsAt("c").get(0)).weightBudget()).isEqualTo(3);
  }

  @Test
  void aDiscoveryTakesTheLightPathAndSendsFewerRreqsThanThePlainSearch() {
    List<String> names = List.of("a", "b", "c", "d");
    List<String> links = List.of("a-b", "b-d", "a-c", "c-d");
    MeshLab plain = new MeshLab(names, links, AodvParameters.defaults());
    MeshLab light = new MeshLab(names, links, weighted());
    for (MeshLab m : List.of(plain, light)) {
      m.router("a").setLinkWeight("to-b", 3);
      m.router("d").setLinkWeight("to-b", 3);
      m.send("a", "d", 1);
      m.runFor(2000);
      assertThat(m.received.get("d")).containsExactly(1);
    }
    assertThat(light.router("a").activeRoute(light.addr("d")).orElseThrow().nextHop())
        .isEqualTo(light.addr("c"));
    assertThat(light.total(AodvCounter.RREQ_TRANSMISSIONS))
        .isLessThan(plain.total(AodvCounter.RREQ_TRANSMISSIONS));
  }
}
