package io.mvpn.mobilenode;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.mip.MipConstants;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Timestamp identifications (RFC 5944 §5.7) on a busy machine, in virtual time. */
class TimestampIdentificationsTest {

  static final long SECOND = 1_000_000_000L;

  final VirtualTimeScheduler time = new VirtualTimeScheduler();

  /** What an identification says the time was, in nanoseconds on the scheduler's clock. */
  private static long nanosOf(long id) {
    long seconds = (id >>> 32) - MipConstants.ntpSeconds(0, 0);
    return seconds * SECOND + ((id & 0xFFFFFFFFL) * SECOND >>> 32);
  }

  @Test
  void anIdentificationTakenAcrossASecondBoundaryNeverLiesAheadOfTheClock() {
    TimestampIdentifications ids = new TimestampIdentifications(new PreemptedClock(time), 0);
    time.advance(SECOND - PreemptedClock.STALL_NANOS / 2, TimeUnit.NANOSECONDS);
    long id = ids.next();
    // Read twice, the next second's count went over this second's fraction: 1.9995 s.
    assertThat(nanosOf(id))
        .isBetween(time.nanoTime() - 1, time.nanoTime() + 2 * PreemptedClock.STALL_NANOS);
  }

  @Test
  void aRetryAfterA133ThatLeftTheSkewAsItWasGoesAboveEverythingSent() {
    TimestampIdentifications ids = new TimestampIdentifications(time, 0);
    time.advance(500, TimeUnit.MILLISECONDS);
    long sent = ids.next();
    long agentNow = MipConstants.ntpSeconds(time.nanoTime(), 0) << 32;
    assertThat(ids.adoptPeerTime(agentNow | (sent & 0xFFFFFFFFL))).isZero();
    assertThat(Long.compareUnsigned(ids.next(), sent)).isPositive();
  }

  @Test
  void aClockAnHourOffTakesThePeersTimeAndStartsItsFloorOver() {
    TimestampIdentifications ids = new TimestampIdentifications(time, 3600 * SECOND);
    long sent = ids.next();
    long agentNow = MipConstants.ntpSeconds(time.nanoTime(), 0) << 32;
    assertThat(ids.adoptPeerTime(agentNow | (sent & 0xFFFFFFFFL))).isEqualTo(-3600);
    assertThat(nanosOf(ids.next())).isBetween(0L, SECOND);
  }
}
