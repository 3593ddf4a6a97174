package io.mvpn.aodv.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.pki.ReplayCache.Verdict;
import org.junit.jupiter.api.Test;

/** The sink's memory of PKI hellos: bounded, and forgetting never lets a replay through. */
class ReplayCacheTest {

  @Test
  void theSameHelloTwiceIsAReplayAndOneOutsideTheWindowIsStale() {
    ReplayCache cache = new ReplayCache(30_000, 16);

    assertThat(cache.accept("alice", 100_000, 1, 100_500)).isEqualTo(Verdict.FRESH);
    assertThat(cache.accept("alice", 100_000, 1, 100_600)).isEqualTo(Verdict.REPLAYED);
    assertThat(cache.accept("alice", 100_001, 2, 100_600)).isEqualTo(Verdict.FRESH);
    assertThat(cache.accept("alice", 60_000, 3, 100_600)).isEqualTo(Verdict.STALE);
    assertThat(cache.accept("alice", 140_000, 4, 100_600)).isEqualTo(Verdict.STALE);
    // Past the window the entry is gone, and the hello is stale anyway.
    assertThat(cache.accept("alice", 100_000, 1, 140_000)).isEqualTo(Verdict.STALE);
    assertThat(cache.size()).isZero();
  }

  @Test
  void whenFullTheOldestIsForgottenAndNothingAtOrBeforeItIsTakenAgain() {
    ReplayCache cache = new ReplayCache(30_000, 2);
    long now = 1_000_000;
    assertThat(cache.accept("a", now - 3, 1, now)).isEqualTo(Verdict.FRESH);
    assertThat(cache.accept("b", now - 2, 1, now)).isEqualTo(Verdict.FRESH);
    assertThat(cache.accept("c", now - 1, 1, now)).isEqualTo(Verdict.FRESH);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.accept("a", now - 3, 1, now))
        .as("the forgotten hello")
        .isEqualTo(Verdict.STALE);
    assertThat(cache.accept("d", now - 3, 9, now)).isEqualTo(Verdict.STALE);
    assertThat(cache.accept("b", now - 2, 1, now)).isEqualTo(Verdict.REPLAYED);
  }
}
