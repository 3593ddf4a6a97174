package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NatDetectionTest {

  static final HexFormat HEX = HexFormat.of();
  static final byte[] SPI_I = HEX.parseHex("8a4f3c2b1d0e9f76");
  static final byte[] SPI_R = new byte[8]; // zero in the first IKE_SA_INIT request

  @Test
  void ipv4MatchesAnIndependentComputation() throws Exception {
    InetAddress address = InetAddress.getByName("198.51.100.10");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    byte[] expected =
        sha1.digest(HEX.parseHex("8a4f3c2b1d0e9f76" + "0000000000000000" + "c633640a" + "01f4"));
    assertThat(NatDetection.hash(SPI_I, SPI_R, address, 500)).isEqualTo(expected).hasSize(20);
    assertThat(NatDetection.matches(expected, SPI_I, SPI_R, address, 500)).isTrue();
    assertThat(NatDetection.matches(expected, SPI_I, SPI_R, address, 4500)).isFalse();
  }

  @Test
  void ipv6UsesAll16AddressBytes() throws Exception {
    InetAddress address = InetAddress.getByName("2001:db8::1");
    byte[] spiR = HEX.parseHex("0102030405060708");
    byte[] expected =
        MessageDigest.getInstance("SHA-1")
            .digest(
                HEX.parseHex(
                    "8a4f3c2b1d0e9f76"
                        + "0102030405060708"
                        + "20010db8000000000000000000000001"
                        + "1194"));
    assertThat(NatDetection.hash(SPI_I, spiR, address, 4500)).isEqualTo(expected);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> NatDetection.hash(SPI_I, new byte[4], new byte[4], 500))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NatDetection.hash(SPI_I, SPI_R, new byte[5], 500))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NatDetection.hash(SPI_I, SPI_R, new byte[4], 65536))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
