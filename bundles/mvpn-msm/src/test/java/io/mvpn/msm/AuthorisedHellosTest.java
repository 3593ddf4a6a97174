package io.mvpn.msm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The MSM's memory of authorised hellos: replays refused, bounded, nothing forgotten comes back.
 */
class AuthorisedHellosTest {

  @Test
  void aHelloIsTakenOnceAndMembersAreKeptApartCaseInsensitively() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 8);

    assertThat(hellos.firstTime("alice.acme.example", 100, 1)).isTrue();
    assertThat(hellos.firstTime("ALICE.acme.example", 100, 1)).isFalse();
    assertThat(hellos.firstTime("bob.acme.example", 100, 1)).isTrue();
    assertThat(hellos.firstTime("alice.acme.example", 100, 2)).isTrue();
  }

  @Test
  void whenAMembersHellosOverflowTheOldestBecomesAFloorSoItCannotBeReplayed() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 3);
    for (long t = 1; t <= 4; t++) {
      assertThat(hellos.firstTime("alice", t, t)).isTrue();
    }

    assertThat(hellos.firstTime("alice", 1, 1)).as("forgotten, below the floor").isFalse();
    assertThat(hellos.firstTime("alice", 1, 9)).as("at the floor").isFalse();
    assertThat(hellos.firstTime("alice", 2, 2)).as("still remembered").isFalse();
    assertThat(hellos.firstTime("alice", 5, 5)).isTrue();
  }

  @Test
  void hellosFallOutOfMemoryOnlyOnceTheyAreTooOldToBeTaken() {
    AuthorisedHellos hellos = new AuthorisedHellos(1_000, 100);
    assertThat(hellos.firstTime("alice", 10_000, 1)).isTrue();
    assertThat(hellos.firstTime("alice", 11_500, 2)).isTrue();

    assertThat(hellos.firstTime("alice", 10_000, 1)).isFalse();
    assertThat(hellos.firstTime("alice", 10_499, 3)).as("behind the span").isFalse();
    assertThat(hellos.firstTime("alice", 10_600, 3)).isTrue();
  }

  @Test
  void aHelloAuthorisedForASinkOfOneRealmIsADuplicateThereAndAReplayForAnotherRealm() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 8);

    assertThat(hellos.see("bob.acme.example", 5_000, 1, "acme.example"))
        .isEqualTo(AuthorisedHellos.Seen.FIRST);
    assertThat(hellos.see("bob.acme.example", 5_000, 1, "ACME.example"))
        .isEqualTo(AuthorisedHellos.Seen.DUPLICATE);
    assertThat(hellos.see("bob.acme.example", 5_000, 1, "globex.example"))
        .isEqualTo(AuthorisedHellos.Seen.REPLAYED);
  }

  @Test
  void newerOnlyTakesAHelloNotSeenBeforeOnlyIfItIsNewerThanTheNewest() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 8);
    String acme = "acme.example";

    assertThat(hellos.see("bob@acme.example", 5_000, 7, acme, true))
        .isEqualTo(AuthorisedHellos.Seen.FIRST);
    assertThat(hellos.see("bob@acme.example", 5_000, 7, acme, true))
        .as("the same hello from another sink of the site")
        .isEqualTo(AuthorisedHellos.Seen.DUPLICATE);
    assertThat(hellos.see("bob@acme.example", 4_999, 8, acme, true))
        .isEqualTo(AuthorisedHellos.Seen.REPLAYED);
    assertThat(hellos.see("bob@acme.example", 5_000, 9, acme, true))
        .as("the same timestamp, another authenticator")
        .isEqualTo(AuthorisedHellos.Seen.REPLAYED);
    assertThat(hellos.see("bob@acme.example", 5_001, 8, acme, true))
        .isEqualTo(AuthorisedHellos.Seen.FIRST);
  }

  @Test
  void hmacTimestampsAreUnsignedAcrossTwoToThe63AndTheSpanDoesNotWrapNearTwoToThe64() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 8);
    String acme = "acme.example";
    AuthorisedHellos.Seen first = AuthorisedHellos.Seen.FIRST;
    AuthorisedHellos.Seen replayed = AuthorisedHellos.Seen.REPLAYED;

    // 2^63 - 1, then 2^63 and 2^63 + 1: each newer than the last, as the sinks take them.
    assertThat(hellos.see("bob@acme.example", Long.MAX_VALUE, 1, acme, true)).isEqualTo(first);
    assertThat(hellos.see("bob@acme.example", Long.MIN_VALUE, 2, acme, true)).isEqualTo(first);
    assertThat(hellos.see("bob@acme.example", Long.MIN_VALUE + 1, 3, acme, true)).isEqualTo(first);
    assertThat(hellos.see("bob@acme.example", Long.MAX_VALUE, 1, acme, true))
        .as("still remembered: the same hello again")
        .isEqualTo(AuthorisedHellos.Seen.DUPLICATE);
    assertThat(hellos.see("bob@acme.example", Long.MAX_VALUE - 1, 4, acme, true))
        .isEqualTo(replayed);

    // Just below 2^64: 2^64 - 100,000 falls out of memory once 2^64 - 1 is recorded.
    assertThat(hellos.see("eve@acme.example", -100_000L, 1, acme, true)).isEqualTo(first);
    assertThat(hellos.see("eve@acme.example", -1L, 2, acme, true)).isEqualTo(first);
    assertThat(hellos.see("eve@acme.example", -100_000L, 1, acme, true))
        .as("behind the span")
        .isEqualTo(replayed);

    // Small unsigned timestamps: the span behind them does not wrap around to refuse them all.
    assertThat(hellos.see("ann@acme.example", 0, 1, acme, true)).isEqualTo(first);
    assertThat(hellos.see("ann@acme.example", 5, 2, acme, true)).isEqualTo(first);
    assertThat(hellos.see("ann@acme.example", 6, 3, acme, true)).isEqualTo(first);
    assertThat(hellos.see("ann@acme.example", 0, 1, acme, true))
        .isEqualTo(AuthorisedHellos.Seen.DUPLICATE);
  }

  @Test
  void theSpanBehindTheNewestDoesNotWrapForTimestampsNearTheLowestLong() {
    AuthorisedHellos hellos = new AuthorisedHellos(60_000, 8);

    assertThat(hellos.firstTime("alice", Long.MIN_VALUE + 10, 1)).isTrue();
    assertThat(hellos.firstTime("alice", Long.MIN_VALUE + 5, 2)).isTrue();
    assertThat(hellos.firstTime("alice", Long.MIN_VALUE + 10, 1)).isFalse();
  }
}
