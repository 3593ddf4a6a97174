package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ipsec.esp.EspException;
import io.mvpn.store.InMemoryCounterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayCountsTest {

  @Test
  void aGatewayAfterAnUpdateGoesOnFromTheTotalsItsPredecessorCountedIntoTheStore() {
    InMemoryCounterStore store = new InMemoryCounterStore();
    String scope = GatewayCounts.scope("sgw1");
    GatewayCounts before = new GatewayCounts(store, scope);
    before.count(GatewayCounter.SIU_APPLIED);
    before.refuse(EspException.Reason.REPLAY);
    before.refuse(EspException.Reason.REPLAY);
    before.refuse(EspException.Reason.ICV);

    GatewayCounts after = new GatewayCounts(store, scope);
    after.refuse(EspException.Reason.ICV);

    assertThat(after.get(GatewayCounter.SIU_APPLIED)).isEqualTo(1);
    assertThat(after.get(GatewayCounter.ESP_REFUSED)).isEqualTo(4);
    assertThat(after.refusals())
        .isEqualTo(Map.of(EspException.Reason.REPLAY, 2L, EspException.Reason.ICV, 2L));
    assertThat(store.snapshot(scope))
        .containsEntry("refused-replay", 2L)
        .containsEntry("siu-applied", 1L);
  }

  @Test
  void withoutAStoreTheCountsAreTheEnginesOwn() {
    GatewayCounts one = new GatewayCounts();
    one.count(GatewayCounter.ESP_SENT);

    assertThat(one.get(GatewayCounter.ESP_SENT)).isEqualTo(1);
    assertThat(new GatewayCounts().get(GatewayCounter.ESP_SENT)).isZero();
    assertThat(one.refusals()).isEmpty();
  }
}
