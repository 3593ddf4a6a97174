package io.mvpn.aodv.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

  @Test
  void equalNumbersCompareEqual() {
    assertThat(SequenceNumbers.compare(7, 7)).isZero();
    assertThat(SequenceNumbers.compare(0xFFFFFFFF, 0xFFFFFFFF)).isZero();
    assertThat(SequenceNumbers.isNewer(7, 7)).isFalse();
    assertThat(SequenceNumbers.isStale(7, 7)).isFalse();
  }

  @Test
  void rolloverFromTheLargestUnsignedValueToZeroIsNewer() {
    assertThat(SequenceNumbers.compare(0xFFFFFFFF, 0)).isNegative();
    assertThat(SequenceNumbers.compare(0, 0xFFFFFFFF)).isPositive();
    assertThat(SequenceNumbers.isStale(0xFFFFFFFF, 0)).isTrue();
    assertThat(SequenceNumbers.max(0xFFFFFFFF, 0)).isZero();
    assertThat(SequenceNumbers.max(0, 0xFFFFFFFF)).isZero();
  }

  @Test
  void crossingTheSignedBoundaryIsNewerToo() {
    assertThat(SequenceNumbers.compare(0x7FFFFFFF, 0x80000000)).isNegative();
    assertThat(SequenceNumbers.compare(0x80000000, 0x7FFFFFFF)).isPositive();
    assertThat(SequenceNumbers.isNewer(0x80000000, 0x7FFFFFFF)).isTrue();
  }

  @Test
  void ordinaryNumbersCompareAsIntegers() {
    assertThat(SequenceNumbers.compare(5, 6)).isNegative();
    assertThat(SequenceNumbers.compare(6, 5)).isPositive();
    assertThat(SequenceNumbers.max(5, 6)).isEqualTo(6);
  }

  @Test
  void numbersHalfTheSpaceApartAreEachOlderThanTheOther() {
    // (int) (a - b) is Integer.MIN_VALUE both ways: the signed rule of §6.1 says "stale" twice.
    assertThat(SequenceNumbers.compare(0, 0x80000000)).isNegative();
    assertThat(SequenceNumbers.compare(0x80000000, 0)).isNegative();
  }

  @Test
  void incrementIsUnsignedAndSkipsNothing() {
    assertThat(SequenceNumbers.increment(0xFFFFFFFF)).isZero();
    assertThat(SequenceNumbers.increment(0)).isEqualTo(1);
    assertThat(SequenceNumbers.increment(0x7FFFFFFF)).isEqualTo(0x80000000);
    assertThat(SequenceNumbers.toLong(SequenceNumbers.increment(0x7FFFFFFF)))
        .isEqualTo(2147483648L);
    for (int seq : new int[] {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF}) {
      assertThat(SequenceNumbers.isNewer(SequenceNumbers.increment(seq), seq)).isTrue();
    }
  }

  @Test
  void unsignedConversions() {
    assertThat(SequenceNumbers.toString(0xFFFFFFFF)).isEqualTo("4294967295");
    assertThat(SequenceNumbers.of(4294967295L)).isEqualTo(0xFFFFFFFF);
    assertThat(SequenceNumbers.toLong(0x80000000)).isEqualTo(2147483648L);
    assertThatThrownBy(() -> SequenceNumbers.of(1L << 32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SequenceNumbers.of(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
