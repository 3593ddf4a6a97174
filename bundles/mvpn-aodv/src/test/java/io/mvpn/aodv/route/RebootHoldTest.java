package io.mvpn.aodv.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.AodvParameters;
import org.junit.jupiter.api.Test;

/** RFC 3561 §6.13: DELETE_PERIOD of silence after a reboot. */
class RebootHoldTest {

  private static final long MS = 1_000_000L;
  private static final long BOOT = 42 * MS;
  private static final long DELETE_PERIOD = 15_000 * MS;

  private final RebootHold hold = new RebootHold(AodvParameters.defaults(), BOOT);

  @Test
  void rfc3561_s6_13_holdsForDeletePeriodAfterBoot() {
    assertThat(hold.isHolding(BOOT)).isTrue();
    assertThat(hold.isHolding(BOOT + DELETE_PERIOD - 1)).isTrue();
    assertThat(hold.isHolding(BOOT + DELETE_PERIOD)).isFalse();
  }

  @Test
  void rfc3561_s6_13_dataWithoutRouteRestartsTheHold() {
    hold.dataWithoutRoute(BOOT + 10_000 * MS);
    assertThat(hold.isHolding(BOOT + DELETE_PERIOD)).isTrue();
    assertThat(hold.isHolding(BOOT + 10_000 * MS + DELETE_PERIOD)).isFalse();
  }

  @Test
  void rfc3561_s6_13_dataAfterTheHoldChangesNothing() {
    hold.dataWithoutRoute(BOOT + DELETE_PERIOD);
    assertThat(hold.isHolding(BOOT + DELETE_PERIOD + 1)).isFalse();
  }
}
