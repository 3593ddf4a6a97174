package io.mvpn.packet.tcp;

import static io.mvpn.packet.Fixtures.buffer;
import static io.mvpn.packet.Fixtures.fields;
import static io.mvpn.packet.Fixtures.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.MalformedPacketException.Reason;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP segments scapy built (a SYN with Linux's options, a data segment), and broken ones. */
class TcpSegmentTest {

  private static final int IP = 20;

  @ParameterizedTest
  @ValueSource(strings = {"tcp-syn", "tcp-data"})
  void readsEveryFieldAsScapyWroteIt(String name) throws Exception {
    Properties f = fields(name);
    TcpSegment tcp = TcpSegment.parse(Ipv4Packet.parse(buffer(name)));
    assertThat(tcp.sourcePort()).isEqualTo(integer(f, "sport"));
    assertThat(tcp.destinationPort()).isEqualTo(integer(f, "dport"));
    assertThat(tcp.sequenceNumber()).isEqualTo(Long.parseLong(f.getProperty("seq")));
    assertThat(tcp.acknowledgmentNumber()).isEqualTo(Long.parseLong(f.getProperty("ack")));
    assertThat(tcp.flags()).isEqualTo(integer(f, "flags"));
    assertThat(tcp.window()).isEqualTo(integer(f, "window"));
    assertThat(tcp.headerLength()).isEqualTo(integer(f, "header_length"));
    assertThat(tcp.length()).isEqualTo(integer(f, "length") - IP);
  }

  @Test
  void aSynCarriesItsOptionsAndNoData() throws Exception {
    TcpSegment syn = TcpSegment.parse(Ipv4Packet.parse(buffer("tcp-syn")));
    assertThat(syn.isSyn()).isTrue();
    assertThat(syn.isAck()).isFalse();
    assertThat(syn.mss()).hasValue(1460);
    assertThat(syn.payload().readableBytes()).isZero();
  }

  @Test
  void aDataSegmentHasItsPayloadAfterTheHeader() throws Exception {
    TcpSegment data = TcpSegment.parse(Ipv4Packet.parse(buffer("tcp-data")));
    assertThat(data.flags()).isEqualTo(TcpSegment.PSH | TcpSegment.ACK);
    assertThat(data.mss()).isEmpty();
    assertThat(data.payload().toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void rewritingAddressAndPortKeepsBothChecksumsRight() throws Exception {
    ByteBuf buf = buffer("tcp-syn");
    TcpSegment tcp = TcpSegment.parse(Ipv4Packet.parse(buf));
    int publicAddress = Ipv4Address.parse("203.0.113.1").toInt();
    tcp.rewriteSource(publicAddress, 40001);
    // Parsing again verifies both checksums; the incremental update equals a full recompute.
    TcpSegment again = TcpSegment.parse(Ipv4Packet.parse(buf));
    assertThat(again.ip().source()).isEqualTo(publicAddress);
    assertThat(again.sourcePort()).isEqualTo(40001);
    int incremental = again.checksum();
    buf.setShort(IP + 16, 0);
    assertThat(TcpSegment.checksum(publicAddress, again.ip().destination(), buf, IP, tcp.length()))
        .isEqualTo(incremental);

    ByteBuf reply = buffer("tcp-data");
    TcpSegment back = TcpSegment.parse(Ipv4Packet.parse(reply));
    back.rewriteDestination(Ipv4Address.parse("10.9.0.9").toInt(), 1);
    assertThat(TcpSegment.parse(Ipv4Packet.parse(reply)).destinationPort()).isEqualTo(1);
  }

  @Test
  void builtSegmentsParseBack() throws Exception {
    ByteBuf payload = Unpooled.copiedBuffer("GET /", StandardCharsets.US_ASCII);
    ByteBuf built =
        TcpSegment.build(
            UnpooledByteBufAllocator.DEFAULT,
            Ipv4Builder.create(),
            Ipv4Address.parse("10.1.0.5").toInt(),
            Ipv4Address.parse("198.51.100.80").toInt(),
            43512,
            8080,
            0xFFFFFFF0L,
            7,
            TcpSegment.PSH | TcpSegment.ACK,
            1000,
            payload);
    TcpSegment tcp = TcpSegment.parse(Ipv4Packet.parse(built));
    assertThat(tcp.sequenceNumber()).isEqualTo(0xFFFFFFF0L);
    assertThat(tcp.acknowledgmentNumber()).isEqualTo(7);
    assertThat(tcp.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("GET /");
    assertThat(tcp.toString()).contains("10.1.0.5:43512 > 198.51.100.80:8080");
  }

  @Test
  void everyTruncationIsATypedError() {
    byte[] whole = io.mvpn.packet.Fixtures.bytes("tcp-syn");
    for (int tcpLength = 0; tcpLength < whole.length - IP; tcpLength++) {
      ByteBuf cut = Unpooled.buffer().writeBytes(whole, 0, IP + tcpLength);
      cut.setShort(2, IP + tcpLength);
      fixIpChecksum(cut);
      assertThat(reasonOf(cut))
          .as("cut to %d bytes of TCP", tcpLength)
          .isIn(Reason.TRUNCATED, Reason.BAD_TCP_OFFSET);
    }
  }

  @Test
  void badOffsetOptionsAndChecksumAreTyped() {
    // Data offset 4 words (below the fixed header) and 15 words (past the 40-byte segment).
    assertThat(reasonOf(withByte("tcp-syn", IP + 12, 0x40))).isEqualTo(Reason.BAD_TCP_OFFSET);
    assertThat(reasonOf(withByte("tcp-syn", IP + 12, 0xF0))).isEqualTo(Reason.BAD_TCP_OFFSET);
    // The MSS option's length claims 40 bytes; then 1 byte (an option cannot be shorter than 2).
    assertThat(reasonOf(withByte("tcp-syn", IP + 21, 40))).isEqualTo(Reason.BAD_TCP_OPTIONS);
    assertThat(reasonOf(withByte("tcp-syn", IP + 21, 1))).isEqualTo(Reason.BAD_TCP_OPTIONS);
    // Window scale shortened to 2 bytes: its last byte becomes a kind with no room for a length.
    assertThat(reasonOf(withByte("tcp-syn", IP + 38, 2))).isEqualTo(Reason.BAD_TCP_OPTIONS);
    // One flipped bit of data, checksum left as it was.
    ByteBuf data = buffer("tcp-data");
    data.setByte(IP + 20, 'h');
    assertThat(reasonOf(data)).isEqualTo(Reason.BAD_TCP_CHECKSUM);
  }

  @Test
  void anEndOfOptionsListEndsTheWalk() throws Exception {
    // EOL first: what follows it is padding, whatever its bytes.
    TcpSegment tcp = TcpSegment.parse(Ipv4Packet.parse(withByte("tcp-syn", IP + 20, 0)));
    assertThat(tcp.mss()).isEmpty();
  }

  @Test
  void anotherProtocolIsTheCallersMistake() throws Exception {
    Ipv4Packet udp = Ipv4Packet.parse(buffer("udp"));
    assertThatThrownBy(() -> TcpSegment.parse(udp)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Sets one byte of the TCP header and fixes the TCP checksum, so only that byte is wrong. */
  private static ByteBuf withByte(String fixture, int index, int value) {
    ByteBuf buf = buffer(fixture);
    buf.setByte(index, value);
    int tcpLength = buf.getUnsignedShort(2) - IP;
    buf.setShort(IP + 16, 0);
    buf.setShort(IP + 16, TcpSegment.checksum(buf.getInt(12), buf.getInt(16), buf, IP, tcpLength));
    return buf;
  }

  private static void fixIpChecksum(ByteBuf buf) {
    buf.setShort(10, 0);
    buf.setShort(10, InternetChecksum.compute(buf, 0, IP));
  }

  private static Reason reasonOf(ByteBuf buf) {
    return catchThrowableOfType(
            MalformedPacketException.class, () -> TcpSegment.parse(Ipv4Packet.parse(buf)))
        .reason();
  }
}
