package io.mvpn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrefixTest {

  @Test
  void containsOnlyItsOwnAddresses() {
    Prefix realm = Prefix.parse("10.1.0.0/16");
    assertThat(realm.contains(Ipv4Address.parse("10.1.255.255"))).isTrue();
    assertThat(realm.contains(Ipv4Address.parse("10.2.0.0"))).isFalse();
    assertThat(Prefix.DEFAULT_ROUTE.contains(Ipv4Address.parse("203.0.113.1"))).isTrue();
  }

  @Test
  void bareAddressIsHostRoute() {
    assertThat(Prefix.parse("10.1.0.5").length()).isEqualTo(32);
  }

  @Test
  void overlapMeansOneContainsTheOther() {
    assertThat(Prefix.parse("10.1.0.0/16").overlaps(Prefix.parse("10.1.2.0/24"))).isTrue();
    assertThat(Prefix.parse("10.1.2.0/24").overlaps(Prefix.parse("10.1.0.0/16"))).isTrue();
    assertThat(Prefix.parse("10.1.0.0/16").overlaps(Prefix.parse("10.2.0.0/16"))).isFalse();
  }

  @Test
  void masks() {
    assertThat(Prefix.mask(0)).isZero();
    assertThat(Prefix.mask(24)).isEqualTo(0xFFFFFF00);
    assertThat(Prefix.mask(32)).isEqualTo(-1);
  }

  @Test
  void refusesHostBitsAndBadLengths() {
    assertThatThrownBy(() -> Prefix.parse("10.1.0.5/16"))
        .isInstanceOf(AddressFormatException.class)
        .hasMessageContaining("host bits");
    assertThatThrownBy(() -> Prefix.parse("10.0.0.0/33"))
        .isInstanceOf(AddressFormatException.class);
    assertThatThrownBy(() -> Prefix.parse("10.0.0.0/")).isInstanceOf(AddressFormatException.class);
    assertThatThrownBy(() -> Prefix.parse("10.0.0.0/-1"))
        .isInstanceOf(AddressFormatException.class);
  }

  @Test
  void valueSemantics() {
    assertThat(Prefix.parse("10.1.0.0/16")).isEqualTo(Prefix.parse(" 10.1.0.0/16 "));
    assertThat(Prefix.parse("10.1.0.0/16")).hasToString("10.1.0.0/16");
    assertThat(Prefix.parse("10.1.0.0/16")).isLessThan(Prefix.parse("10.1.0.0/24"));
  }
}
