package io.mvpn.aodv.dhcp;

import static io.mvpn.aodv.dhcp.DhcpSamples.HOME;
import static io.mvpn.aodv.dhcp.DhcpSamples.MAC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.dhcp.DhcpFormatException.Reason;
import io.mvpn.aodv.message.HelloAuthentication;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DhcpHelloTest {

  private static final byte[] KEY =
      "a key shared with the home MSM..".getBytes(StandardCharsets.UTF_8);

  @Test
  void theOptionCarriesSpiTimestampIdentityAndAuthenticator() throws Exception {
    HelloAuthentication hello = DhcpHello.sign(HOME, MAC, "alice@acme.example", 0x100, 42, KEY);
    byte[] option = DhcpHello.toOption(hello);

    assertThat(HexFormat.of().formatHex(option, 0, 13))
        .isEqualTo("00000100" + "000000000000002a" + "12");
    assertThat(new String(option, 13, 18, StandardCharsets.UTF_8)).isEqualTo("alice@acme.example");
    assertThat(option).hasSize(HelloAuthentication.FIXED_LENGTH + 18);
    assertThat(DhcpHello.parse(option)).isEqualTo(hello);
  }

  @Test
  void theSignedBytesHoldTheAddressWhereTheMsmReadsItAndEndWithTheIdentity() {
    HelloAuthentication hello = DhcpHello.sign(HOME, MAC, "alice@acme.example", 0x100, 42, KEY);
    byte[] signed = DhcpHello.signedBytes(hello, HOME, DhcpMessage.HTYPE_ETHERNET, MAC);

    assertThat(HexFormat.of().formatHex(signed, 0, 16))
        .isEqualTo("63825363" + "0a010014" + "0106" + "020000aa0001");
    byte[] id = "alice@acme.example".getBytes(StandardCharsets.UTF_8);
    int head = signed.length - id.length - 13;
    assertThat(signed[head + 12]).isEqualTo((byte) id.length);
    assertThat(Arrays.copyOfRange(signed, head + 13, signed.length)).isEqualTo(id);
    assertThat(hello.authenticator()).isEqualTo(HelloAuthentication.hmac(KEY, signed));
  }

  @Test
  void anotherStationOrAddressSignsOtherBytes() {
    HelloAuthentication hello = DhcpHello.sign(HOME, MAC, "alice@acme.example", 0x100, 42, KEY);
    byte[] otherMac = MAC.clone();
    otherMac[5] ^= 1;
    byte[] mine = DhcpHello.signedBytes(hello, HOME, DhcpMessage.HTYPE_ETHERNET, MAC);

    assertThat(DhcpHello.signedBytes(hello, HOME, DhcpMessage.HTYPE_ETHERNET, otherMac))
        .isNotEqualTo(mine);
    assertThat(DhcpHello.signedBytes(hello, DhcpSamples.SINK, DhcpMessage.HTYPE_ETHERNET, MAC))
        .isNotEqualTo(mine);
  }

  @Test
  void badOptionDataGivesTypedErrors() {
    byte[] good = DhcpHello.toOption(DhcpHello.sign(HOME, MAC, "n@acme.example", 1, 1, KEY));
    assertReason(Arrays.copyOf(good, HelloAuthentication.FIXED_LENGTH), Reason.BAD_OPTION_LENGTH);
    assertReason(Arrays.copyOf(good, good.length - 1), Reason.BAD_OPTION_LENGTH);
    byte[] noIdentity = good.clone();
    noIdentity[12] = 0;
    assertReason(noIdentity, Reason.BAD_OPTION_LENGTH);
    byte[] notUtf8 = good.clone();
    notUtf8[13] = (byte) 0xC3;
    notUtf8[14] = (byte) 0x28;
    assertReason(notUtf8, Reason.BAD_OPTION_VALUE);
  }

  @Test
  void aMessageWithoutTheOptionHasNoHello() throws Exception {
    assertThat(DhcpHello.of(DhcpMessage.parse(DhcpSamples.bytes(DhcpSamples.DISCOVER)))).isNull();
  }

  private static void assertReason(byte[] d, Reason reason) {
    assertThatThrownBy(() -> DhcpHello.parse(d))
        .isInstanceOfSatisfying(
            DhcpFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
