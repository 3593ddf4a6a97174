package io.mvpn.aodv.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.AodvParameters;
import io.mvpn.api.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Duplicate RREQ cache, blacklist and rate limiter, in virtual time. */
class RouteCachesTest {

  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000 * MS;
  private static final long SECOND = 1_000 * MS;
  private static final Ipv4Address O = Ipv4Address.parse("10.0.0.1");
  private static final Ipv4Address Q = Ipv4Address.parse("10.0.0.2");

  private final AodvParameters parameters = AodvParameters.defaults();

  @Test
  void rfc3561_s6_5_aRreqSeenWithinPathDiscoveryTimeIsADuplicate() {
    DuplicateRreqCache cache = new DuplicateRreqCache(parameters);
    assertThat(cache.isDuplicate(O, 7, T0)).isFalse();
    assertThat(cache.isDuplicate(O, 7, T0 + 5_599 * MS)).isTrue();
    assertThat(cache.isDuplicate(O, 8, T0)).isFalse(); // another ID
    assertThat(cache.isDuplicate(Q, 7, T0)).isFalse(); // another originator
  }

  @Test
  void rfc3561_s6_5_theDuplicateCacheForgetsAfterPathDiscoveryTime() {
    DuplicateRreqCache cache = new DuplicateRreqCache(parameters);
    cache.isDuplicate(O, 7, T0);
    cache.isDuplicate(Q, 1, T0 + 100 * MS);
    assertThat(cache.size(T0 + 5_600 * MS)).isEqualTo(1);
    assertThat(cache.isDuplicate(O, 7, T0 + 5_600 * MS)).isFalse();
    assertThat(cache.size(T0 + 5_700 * MS)).isEqualTo(1); // only the re-recorded (O, 7)
  }

  @Test
  void rfc3561_s6_8_aBlacklistedNeighbourStaysForBlacklistTimeout() {
    Blacklist blacklist = new Blacklist(parameters);
    blacklist.add(O, T0);
    assertThat(blacklist.contains(O, T0 + 16_799 * MS)).isTrue();
    assertThat(blacklist.contains(Q, T0)).isFalse();
    assertThat(blacklist.contains(O, T0 + 16_800 * MS)).isFalse();
    assertThat(blacklist.size(T0 + 16_800 * MS)).isZero();
  }

  @Test
  void rfc3561_s6_8_blacklistingAgainRestartsTheTimeout() {
    Blacklist blacklist = new Blacklist(parameters);
    blacklist.add(O, T0);
    blacklist.add(Q, T0 + 1_000 * MS);
    blacklist.add(O, T0 + 10_000 * MS);
    assertThat(blacklist.contains(Q, T0 + 17_800 * MS)).isFalse();
    assertThat(blacklist.contains(O, T0 + 17_800 * MS)).isTrue();
    assertThat(blacklist.contains(O, T0 + 26_800 * MS)).isFalse();
  }

  @Test
  void rfc3561_s6_3_rateLimiterGrantsAtMostNPerSecond() {
    RateLimiter limiter = new RateLimiter(parameters.rreqRatelimit());
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire(T0 + i * MS)).as("event %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire(T0 + 10 * MS)).isFalse();
    assertThat(limiter.tryAcquire(T0 + SECOND - 1)).isFalse();
    assertThat(limiter.tryAcquire(T0 + SECOND)).isTrue(); // the first grant left the window
    assertThat(limiter.tryAcquire(T0 + SECOND)).isFalse();
  }

  @Test
  void rfc3561_s6_11_rateLimiterWindowSlidesRatherThanResetting() {
    RateLimiter limiter = new RateLimiter(parameters.rerrRatelimit());
    // A burst at the end of one second does not leave a fresh budget at the start of the next.
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire(T0 + 900 * MS)).isTrue();
    }
    assertThat(limiter.tryAcquire(T0 + 1_100 * MS)).isFalse();
    int granted = 0;
    for (int i = 0; i < 20; i++) {
      if (limiter.tryAcquire(T0 + 1_900 * MS)) {
        granted++;
      }
    }
    assertThat(granted).isEqualTo(10);
  }

  @Test
  void rateLimiterNeedsAPositiveRate() {
    assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
