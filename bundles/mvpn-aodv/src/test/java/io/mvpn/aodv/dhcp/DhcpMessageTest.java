package io.mvpn.aodv.dhcp;

import static io.mvpn.aodv.dhcp.DhcpSamples.HOME;
import static io.mvpn.aodv.dhcp.DhcpSamples.MAC;
import static io.mvpn.aodv.dhcp.DhcpSamples.SINK;
import static io.mvpn.aodv.dhcp.DhcpSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.dhcp.DhcpFormatException.Reason;
import io.mvpn.api.Ipv4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DhcpMessageTest {

  @Test
  void aDiscoverIsReadFieldByField() throws Exception {
    DhcpMessage m = DhcpMessage.parse(bytes(DhcpSamples.DISCOVER));

    assertThat(m.op()).isEqualTo(DhcpMessage.BOOTREQUEST);
    assertThat(m.htype()).isEqualTo(DhcpMessage.HTYPE_ETHERNET);
    assertThat(m.xid()).isEqualTo(0x3903f326);
    assertThat(m.broadcast()).isFalse();
    assertThat(m.chaddr()).isEqualTo(MAC);
    assertThat(m.messageType()).isEqualTo(DhcpOption.DISCOVER);
    assertThat(m.requestedAddress()).isEqualTo(HOME);
    assertThat(m.serverIdentifier()).isNull();
    assertThat(new String(m.option(DhcpOption.HOST_NAME), StandardCharsets.US_ASCII))
        .isEqualTo("node");
    assertThat(m.option(DhcpOption.PARAMETER_REQUEST_LIST)).containsExactly(1, 3, 6, 51, 54);
    assertThat(m.options().keySet()).containsExactly(53, 61, 50, 12, 55, 57);
    assertThat(m.clientKey()).isEqualTo("id:01020000aa0001");
  }

  @Test
  void anOfferWritesTheBytesOfTheFixture() throws Exception {
    DhcpMessage built =
        new DhcpMessage.Builder(DhcpMessage.BOOTREPLY)
            .xid(0x3903f326)
            .flags(DhcpMessage.BROADCAST_FLAG)
            .yiaddr(HOME)
            .chaddr(DhcpMessage.HTYPE_ETHERNET, MAC)
            .messageType(DhcpOption.OFFER)
            .address(DhcpOption.SERVER_IDENTIFIER, SINK)
            .seconds(DhcpOption.LEASE_TIME, 3600)
            .address(DhcpOption.SUBNET_MASK, Ipv4Address.parse("255.255.255.0"))
            .address(DhcpOption.ROUTER, SINK)
            .build();

    assertThat(HexFormat.of().formatHex(built.toBytes())).isEqualTo(DhcpSamples.OFFER);
    DhcpMessage parsed = DhcpMessage.parse(bytes(DhcpSamples.OFFER));
    assertThat(parsed).isEqualTo(built);
    assertThat(parsed.leaseSeconds()).isEqualTo(3600);
    assertThat(parsed.yiaddr()).isEqualTo(HOME);
  }

  @Test
  void everyFixtureReadsBackFromItsOwnBytes() throws Exception {
    for (String hex : DhcpSamples.all().values()) {
      DhcpMessage m = DhcpMessage.parse(bytes(hex));
      assertThat(DhcpMessage.parse(m.toBytes())).isEqualTo(m);
    }
  }

  @Test
  void overloadedFieldsAreReadAfterTheOptionsAndPartsConcatenated() throws Exception {
    DhcpMessage m = DhcpMessage.parse(bytes(DhcpSamples.OVERLOADED_REQUEST));

    // RFC 2131 §4.1: options, then file, then sname; RFC 3396: the parts of one option joined.
    assertThat(m.requestedAddress()).isEqualTo(HOME);
    assertThat(new String(m.option(DhcpOption.HOST_NAME), StandardCharsets.US_ASCII))
        .isEqualTo("node");
    assertThat(m.has(DhcpOption.OVERLOAD)).isFalse();
  }

  @Test
  void anOptionLongerThan255BytesIsWrittenInPartsAndReadWhole() throws Exception {
    byte[] name = new byte[600];
    Arrays.fill(name, (byte) 'a');
    DhcpMessage m =
        new DhcpMessage.Builder(DhcpMessage.BOOTREQUEST)
            .messageType(DhcpOption.INFORM)
            .option(DhcpOption.HOST_NAME, name)
            .build();
    byte[] wire = m.toBytes();

    assertThat(wire[DhcpMessage.OPTIONS_OFFSET + 3] & 0xFF).isEqualTo(DhcpOption.HOST_NAME);
    assertThat(wire[DhcpMessage.OPTIONS_OFFSET + 4] & 0xFF).isEqualTo(255);
    assertThat(DhcpMessage.parse(wire).option(DhcpOption.HOST_NAME)).isEqualTo(name);
  }

  @Test
  void badBytesGiveTypedErrors() {
    byte[] good = bytes(DhcpSamples.DISCOVER);
    assertReason(Arrays.copyOf(good, 239), Reason.TRUNCATED);
    assertReason(with(good, 0, 3), Reason.BAD_HEADER);
    assertReason(with(good, 2, 17), Reason.BAD_HEADER);
    assertReason(with(good, 239, 0x64), Reason.BAD_COOKIE);
    // Message type 0 and a lease of 3 bytes break RFC 2132 §9.6 and §9.2.
    assertReason(with(good, 242, 0), Reason.BAD_OPTION_VALUE);
    byte[] shortLease = bytes(DhcpSamples.OFFER);
    shortLease[240 + 9 + 1] = 3;
    assertReason(shortLease, Reason.BAD_OPTION_LENGTH);
    // An option whose length runs past the end of the message.
    byte[] cut = Arrays.copyOf(good, good.length - 3);
    assertReason(cut, Reason.TRUNCATED_OPTION);
  }

  @Test
  void theBuilderRefusesWhatTheParserWouldRefuse() {
    DhcpMessage.Builder b = new DhcpMessage.Builder(DhcpMessage.BOOTREPLY);
    assertThatThrownBy(() -> b.option(DhcpOption.LEASE_TIME, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.option(DhcpOption.END, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.chaddr(1, new byte[17]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] with(byte[] d, int at, int value) {
    byte[] copy = d.clone();
    copy[at] = (byte) value;
    return copy;
  }

  private static void assertReason(byte[] d, Reason reason) {
    assertThatThrownBy(() -> DhcpMessage.parse(d))
        .isInstanceOfSatisfying(
            DhcpFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
