package io.mvpn.msm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The MSM's memory of certified hellos: replays refused, bounded, nothing forgotten comes back. */
class CertifiedHellosTest {

  @Test
  void aHelloIsTakenOnceAndMembersAreKeptApartCaseInsensitively() {
    CertifiedHellos hellos = new CertifiedHellos(60_000, 8);

    assertThat(hellos.firstTime("alice.acme.example", 100, 1)).isTrue();
    assertThat(hellos.firstTime("ALICE.acme.example", 100, 1)).isFalse();
    assertThat(hellos.firstTime("bob.acme.example", 100, 1)).isTrue();
    assertThat(hellos.firstTime("alice.acme.example", 100, 2)).isTrue();
  }

  @Test
  void whenAMembersHellosOverflowTheOldestBecomesAFloorSoItCannotBeReplayed() {
    CertifiedHellos hellos = new CertifiedHellos(60_000, 3);
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
    CertifiedHellos hellos = new CertifiedHellos(1_000, 100);
    assertThat(hellos.firstTime("alice", 10_000, 1)).isTrue();
    assertThat(hellos.firstTime("alice", 11_500, 2)).isTrue();

    assertThat(hellos.firstTime("alice", 10_000, 1)).isFalse();
    assertThat(hellos.firstTime("alice", 10_499, 3)).as("behind the span").isFalse();
    assertThat(hellos.firstTime("alice", 10_600, 3)).isTrue();
  }

  @Test
  void aHelloAuthorisedForASinkOfOneRealmIsADuplicateThereAndAReplayForAnotherRealm() {
    CertifiedHellos hellos = new CertifiedHellos(60_000, 8);

    assertThat(hellos.see("bob.acme.example", 5_000, 1, "acme.example"))
        .isEqualTo(CertifiedHellos.Seen.FIRST);
    assertThat(hellos.see("bob.acme.example", 5_000, 1, "ACME.example"))
        .isEqualTo(CertifiedHellos.Seen.DUPLICATE);
    assertThat(hellos.see("bob.acme.example", 5_000, 1, "globex.example"))
        .isEqualTo(CertifiedHellos.Seen.REPLAYED);
  }
}
