package io.mvpn.aodv.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.AodvParameters;
import org.junit.jupiter.api.Test;

/** RFC 3561 §10 values, the derived formulas and the §10 constraints. */
class AodvParametersTest {

  private final AodvParameters defaults = AodvParameters.defaults();

  @Test
  void rfc3561_s10_baseDefaults() {
    assertThat(defaults.activeRouteTimeoutMillis()).isEqualTo(3_000);
    assertThat(defaults.allowedHelloLoss()).isEqualTo(2);
    assertThat(defaults.helloIntervalMillis()).isEqualTo(1_000);
    assertThat(defaults.localAddTtl()).isEqualTo(2);
    assertThat(defaults.netDiameter()).isEqualTo(35);
    assertThat(defaults.nodeTraversalTimeMillis()).isEqualTo(40);
    assertThat(defaults.rerrRatelimit()).isEqualTo(10);
    assertThat(defaults.rreqRetries()).isEqualTo(2);
    assertThat(defaults.rreqRatelimit()).isEqualTo(10);
    assertThat(defaults.timeoutBuffer()).isEqualTo(2);
    assertThat(defaults.ttlStart()).isEqualTo(1);
    assertThat(defaults.ttlIncrement()).isEqualTo(2);
    assertThat(defaults.ttlThreshold()).isEqualTo(7);
  }

  /** The "Computed" column of protocol-facts §4. */
  @Test
  void rfc3561_s10_derivedDefaultsMatchTheComputedColumn() {
    assertThat(defaults.netTraversalTimeMillis()).isEqualTo(2_800);
    assertThat(defaults.pathDiscoveryTimeMillis()).isEqualTo(5_600);
    assertThat(defaults.blacklistTimeoutMillis()).isEqualTo(16_800); // expanding ring
    assertThat(defaults.deletePeriodMillis()).isEqualTo(15_000);
    assertThat(defaults.maxRepairTtl()).isEqualTo(10);
    assertThat(defaults.myRouteTimeoutMillis()).isEqualTo(6_000);
    assertThat(defaults.nextHopWaitMillis()).isEqualTo(50);
    assertThat(defaults.ringTraversalTimeMillis(1)).isEqualTo(240);
    assertThat(defaults.ringTraversalTimeMillis(3)).isEqualTo(400);
    assertThat(defaults.ringTraversalTimeMillis(5)).isEqualTo(560);
    assertThat(defaults.ringTraversalTimeMillis(7)).isEqualTo(720);
  }

  @Test
  void rfc3561_s10_blacklistTimeoutWithoutExpandingRingIsRetriesTimesNetTraversal() {
    AodvParameters p = AodvParameters.builder().expandingRingSearch(false).build();
    assertThat(p.blacklistTimeoutMillis()).isEqualTo(5_600);
  }

  @Test
  void rfc3561_s10_defaultsAreValid() {
    assertThat(defaults.validate()).isEmpty();
    assertThat(defaults.requireValid()).isSameAs(defaults);
  }

  @Test
  void derivedValuesFollowTheBaseValuesTheyDependOn() {
    AodvParameters p =
        AodvParameters.builder()
            .nodeTraversalTimeMillis(10)
            .netDiameter(20)
            .activeRouteTimeoutMillis(10_000)
            .build();
    assertThat(p.netTraversalTimeMillis()).isEqualTo(400);
    assertThat(p.pathDiscoveryTimeMillis()).isEqualTo(800);
    assertThat(p.blacklistTimeoutMillis()).isEqualTo(6 * 400);
    assertThat(p.deletePeriodMillis()).isEqualTo(50_000);
    assertThat(p.myRouteTimeoutMillis()).isEqualTo(20_000);
    assertThat(p.maxRepairTtl()).isEqualTo(6);
    assertThat(p.nextHopWaitMillis()).isEqualTo(20);
  }

  @Test
  void anOperatorMayOverrideADerivedValue() {
    AodvParameters p =
        AodvParameters.builder().myRouteTimeoutMillis(11_200).deletePeriodMillis(20_000).build();
    assertThat(p.myRouteTimeoutMillis()).isEqualTo(11_200);
    assertThat(p.deletePeriodMillis()).isEqualTo(20_000);
    assertThat(p.netTraversalTimeMillis()).isEqualTo(2_800);
  }

  @Test
  void rfc3561_s10_activeRouteTimeoutMustExceedHelloLossWithHellos() {
    AodvParameters p = AodvParameters.builder().activeRouteTimeoutMillis(2_000).build();
    assertThat(p.validate())
        .singleElement()
        .asString()
        .contains("ACTIVE_ROUTE_TIMEOUT (2000 ms) must be more than")
        .contains("(2000 ms)");
    AodvParameters noHellos =
        AodvParameters.builder().activeRouteTimeoutMillis(2_000).helloMessages(false).build();
    assertThat(noHellos.validate()).isEmpty();
  }

  @Test
  void rfc3561_s10_deletePeriodAtLeastHelloLossWithHellos() {
    AodvParameters p = AodvParameters.builder().deletePeriodMillis(1_999).build();
    assertThat(p.validate())
        .singleElement()
        .asString()
        .startsWith("with Hello messages DELETE_PERIOD (1999 ms) must be at least");
  }

  @Test
  void rfc3561_s10_deletePeriodAtLeastActiveRouteTimeoutWithLinkLayerFeedback() {
    AodvParameters p =
        AodvParameters.builder()
            .helloMessages(false)
            .linkLayerFeedback(true)
            .deletePeriodMillis(2_999)
            .build();
    assertThat(p.validate())
        .singleElement()
        .asString()
        .startsWith("with link-layer feedback DELETE_PERIOD (2999 ms)");
  }

  @Test
  void nonsenseValuesAreAllReportedTogether() {
    AodvParameters p =
        AodvParameters.builder()
            .nodeTraversalTimeMillis(0)
            .netDiameter(300)
            .ttlThreshold(0)
            .rreqRatelimit(0)
            .build();
    assertThat(p.validate())
        .anyMatch(e -> e.startsWith("NODE_TRAVERSAL_TIME must be positive"))
        .anyMatch(e -> e.startsWith("NET_DIAMETER must be an IP TTL"))
        .anyMatch(e -> e.startsWith("TTL_THRESHOLD (0) must lie between"))
        .anyMatch(e -> e.startsWith("RREQ_RATELIMIT must be positive"));
    assertThatThrownBy(p::requireValid)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NET_DIAMETER");
  }

  /** The RFC contradiction is documented, not enforced: the tabulated default must stay usable. */
  @Test
  void rfc3561_s10_myRouteTimeoutBelowTwicePathDiscoveryIsAccepted() {
    assertThat(defaults.myRouteTimeoutMillis()).isLessThan(2 * defaults.pathDiscoveryTimeMillis());
    assertThat(defaults.validate()).isEmpty();
  }
}
