package io.mvpn.aodv.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 3561 §6.1: unsigned numbers compared by signed difference. */
class SeqTest {

  @Test
  void rfc3561_s6_1_higherIsNewer() {
    assertThat(Seq.isNewer(6, 5)).isTrue();
    assertThat(Seq.isNewer(5, 6)).isFalse();
    assertThat(Seq.isNewer(5, 5)).isFalse();
    assertThat(Seq.isOlder(5, 6)).isTrue();
    assertThat(Seq.isOlder(5, 5)).isFalse();
  }

  @Test
  void rfc3561_s6_1_incrementWrapsToZero() {
    assertThat(Seq.next(0xFFFFFFFF)).isZero();
    assertThat(Seq.next(0x7FFFFFFF)).isEqualTo(0x80000000);
  }

  @Test
  void rfc3561_s6_1_rolloverCountsAsNewer() {
    assertThat(Seq.isNewer(0, 0xFFFFFFFF)).isTrue();
    assertThat(Seq.isNewer(3, 0xFFFFFFF0)).isTrue();
    assertThat(Seq.isOlder(0xFFFFFFF0, 3)).isTrue();
    assertThat(Seq.isNewer(0x80000000, 0x7FFFFFFF)).isTrue(); // past the signed boundary
  }

  @Test
  void rfc3561_s6_1_maxUsesTheSignedComparison() {
    assertThat(Seq.max(0xFFFFFFFF, 1)).isEqualTo(1);
    assertThat(Seq.max(7, 2)).isEqualTo(7);
  }

  @Test
  void printedUnsigned() {
    assertThat(Seq.toString(0xFFFFFFFF)).isEqualTo("4294967295");
  }
}
