package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  @Test
  void duplicatesOldAndOutOfWindowAreRefused() {
    ReplayWindow w = new ReplayWindow(64);
    assertThat(w.check(0)).isFalse();
    for (long s : new long[] {1, 2, 5, 100}) {
      assertThat(w.check(s)).isTrue();
      w.accept(s);
    }
    assertThat(w.check(100)).as("duplicate").isFalse();
    assertThat(w.check(5)).as("more than 64 behind").isFalse();
    assertThat(w.check(37)).as("exactly the left edge").isTrue();
    assertThat(w.check(36)).as("just outside").isFalse();
    assertThat(w.check(99)).as("inside, unseen").isTrue();
    w.accept(99);
    assertThat(w.check(99)).isFalse();
    assertThat(w.top()).isEqualTo(100);
  }

  @Test
  void aWindowStartedAboveAFloorRefusesEverythingUpToItAndAcceptsWhatFollows() {
    ReplayWindow w = new ReplayWindow(64);
    w.startAbove((1L << 32) + 10); // a restored SA, past the 32-bit boundary
    assertThat(w.check(w.infer(10))).as("the floor itself").isFalse();
    assertThat(w.check(w.infer(5))).as("inside the window, below the floor").isFalse();
    assertThat(w.infer(11)).isEqualTo((1L << 32) + 11);
    assertThat(w.check(w.infer(11))).isTrue();
    w.accept(w.infer(13));
    assertThat(w.check(w.infer(12))).as("skipped while moving up: new").isTrue();
    assertThat(w.check(w.infer(10))).as("still the old floor").isFalse();
  }

  @Test
  void checkingDoesNotMoveTheWindow() {
    ReplayWindow w = new ReplayWindow(32);
    w.accept(10);
    assertThat(w.check(1_000)).isTrue();
    assertThat(w.top()).isEqualTo(10);
    assertThat(w.check(10)).isFalse();
  }

  @Test
  void extendedSequenceNumbersRollOverTheLow32Bits() {
    ReplayWindow w = new ReplayWindow(64);
    long nearTop = 0xFFFF_FFF0L;
    w.accept(nearTop);
    // Low bits that wrapped belong to the next 2^32 block (RFC 4303 App. A2.1, case A).
    assertThat(w.infer(3)).isEqualTo(0x1_0000_0003L);
    assertThat(w.infer(0xFFFF_FFE0)).isEqualTo(0xFFFF_FFE0L);
    w.accept(0x1_0000_0003L);
    // After the rollover, a late packet from just before it is still placed right (case B).
    assertThat(w.infer(0xFFFF_FFF5)).isEqualTo(0xFFFF_FFF5L);
    assertThat(w.check(0xFFFF_FFF5L)).isTrue();
    assertThat(w.check(0xFFFF_FFF0L)).as("seen before the rollover").isFalse();
  }

  @Test
  void largeWindowsWork() {
    ReplayWindow w = new ReplayWindow(4096);
    for (long s = 1; s <= 10_000; s += 2) {
      w.accept(s);
    }
    assertThat(w.check(10_000 - 4000)).isTrue();
    assertThat(w.check(10_000 - 4001)).as("odd: seen").isFalse();
    assertThat(w.check(10_000 - 4100)).as("outside").isFalse();
  }
}
