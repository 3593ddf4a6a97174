package io.mvpn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

  @Test
  void parsesAndPrintsDottedQuad() {
    Ipv4Address a = Ipv4Address.parse("198.51.100.10");
    assertThat(a.toInt()).isEqualTo(0xC633640A);
    assertThat(a).hasToString("198.51.100.10");
    assertThat(Ipv4Address.parse("255.255.255.255").isLimitedBroadcast()).isTrue();
    assertThat(Ipv4Address.parse("0.0.0.0")).isEqualTo(Ipv4Address.ANY);
  }

  @Test
  void bytesRoundTripInNetworkOrder() {
    Ipv4Address a = Ipv4Address.parse("203.0.113.254");
    assertThat(a.toBytes()).containsExactly(203, 0, 113, 254 - 256);
    assertThat(Ipv4Address.of(a.toBytes())).isEqualTo(a);
  }

  @Test
  void ordersAsUnsigned() {
    assertThat(Ipv4Address.parse("200.0.0.1")).isGreaterThan(Ipv4Address.parse("10.0.0.1"));
  }

  @Test
  void classifiesSpecialAddresses() {
    assertThat(Ipv4Address.parse("224.0.0.11").isMulticast()).isTrue();
    assertThat(Ipv4Address.parse("127.0.0.1").isLoopback()).isTrue();
    assertThat(Ipv4Address.parse("10.1.0.5").isMulticast()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.",
        ".1.2.3",
        "01.2.3.4",
        "a.b.c.d",
        "1..2.3",
        "1.2.3.4 ",
        "1234.1.1.1"
      })
  void refusesMalformedText(String text) {
    assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(AddressFormatException.class);
  }

  @Test
  void refusesWrongByteCount() {
    assertThatThrownBy(() -> Ipv4Address.of(new byte[3]))
        .isInstanceOf(AddressFormatException.class);
  }
}
