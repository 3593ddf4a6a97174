package io.mvpn.aodv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.api.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router's switches live in its parameters, with the RFC's behaviour by default. */
class FeatureSwitchesTest {

  @Test
  void everyExtensionIsOffByDefaultAndTheForwardingLimitFollowsTheRreqRateLimit() {
    AodvParameters p = AodvParameters.defaults();
    assertThat(p.localRepair()).isFalse();
    assertThat(p.gratuitousRreps()).isFalse();
    assertThat(p.rrepAcks()).isFalse();
    assertThat(p.weightedRingSearch()).isFalse();
    assertThat(p.refreshLeadMillis()).isZero();
    assertThat(p.rreqForwardLimit())
        .isEqualTo(AodvParameters.DEFAULT_FORWARD_FACTOR * p.rreqRatelimit());
    assertThat(AodvParameters.builder().rreqRatelimit(4).build().rreqForwardLimit()).isEqualTo(40);
    assertThat(AodvParameters.builder().rreqForwardLimit(7).build().rreqForwardLimit())
        .isEqualTo(7);
  }

  @Test
  void aBuilderFromASetKeepsItsDerivedValuesWhenABaseValueChanges() {
    AodvParameters p = AodvParameters.builder().localRepair(true).rreqForwardLimit(30).build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
    AodvParameters slower = p.toBuilder().nodeTraversalTimeMillis(80).build();
    assertThat(slower.netTraversalTimeMillis()).isEqualTo(p.netTraversalTimeMillis());
    assertThat(slower.localRepair()).isTrue();
  }

  @Test
  void aForwardingLimitBelowOneIsRefused() {
    assertThat(AodvParameters.builder().rreqForwardLimit(0).build().validate())
        .anyMatch(e -> e.startsWith("the RREQ forwarding limit must be positive"));
    MeshLab m = new MeshLab(List.of("a", "b"), List.of("a-b"), AodvParameters.defaults());
    assertThatThrownBy(() -> m.router("a").setRreqForwardLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(m.router("a").parameters().rreqForwardLimit()).isEqualTo(100);
  }

  @Test
  void aRoutersSettersChangeTheParametersInForce() {
    MeshLab m = new MeshLab(List.of("a", "b"), List.of("a-b"), AodvParameters.defaults());
    MobilityRouter a = m.router("a");
    a.setLocalRepair(true);
    a.setGratuitousRreps(true);
    a.setRrepAcks(true);
    a.setRreqForwardLimit(5);
    AodvParameters p = a.parameters();
    assertThat(p.localRepair()).isTrue();
    assertThat(p.gratuitousRreps()).isTrue();
    assertThat(p.rrepAcks()).isTrue();
    assertThat(p.rreqForwardLimit()).isEqualTo(5);
    assertThat(
            p.toBuilder()
                .localRepair(false)
                .gratuitousRreps(false)
                .rrepAcks(false)
                .rreqForwardLimit(100)
                .build())
        .isEqualTo(AodvParameters.defaults());
  }

  /** Seed 002 c63: a ring's weight budget is its TTL; the NET_DIAMETER tries have none. */
  @Test
  void aRingsWeightBudgetIsItsTtlUntilNetDiameter() {
    assertThat(WeightedRingSearch.budget(1, 35)).isEqualTo(1);
    assertThat(WeightedRingSearch.budget(7, 35)).isEqualTo(7);
    assertThat(WeightedRingSearch.budget(35, 35)).isEqualTo(AodvExtension.UNLIMITED_BUDGET);
  }

  /** Seed 002 c65: each copy carries one Weight Sum, its own; other extensions ride along. */
  @Test
  void eachCopyOfARreqCarriesItsOwnWeightSumAndOnlyOne() {
    AodvExtension other = AodvExtension.of(AodvExtension.GATEWAY, new byte[0]);
    Ipv4Address x = Ipv4Address.parse("10.9.0.1");
    RouteRequest rreq =
        new RouteRequest(
            0,
            2,
            7,
            x,
            3,
            Ipv4Address.parse("10.1.0.1"),
            4,
            List.of(AodvExtension.weightSum(5, 2), other));
    RouteRequest copy = WeightedRingSearch.withSum(rreq, 5, 4);
    assertThat(copy.extensions()).containsExactly(other, AodvExtension.weightSum(5, 4));
    assertThat(copy.rreqId()).isEqualTo(7);
  }
}
