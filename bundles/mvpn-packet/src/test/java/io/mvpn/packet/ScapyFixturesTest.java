package io.mvpn.packet;

import static io.mvpn.packet.Fixtures.buffer;
import static io.mvpn.packet.Fixtures.bytes;
import static io.mvpn.packet.Fixtures.fields;
import static io.mvpn.packet.Fixtures.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our codecs against datagrams scapy built: every field reads as scapy was told, and our builders
 * given the same fields produce the same bytes.
 */
class ScapyFixturesTest {

  private static final io.netty.buffer.ByteBufAllocator ALLOC =
      io.netty.buffer.UnpooledByteBufAllocator.DEFAULT;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "udp",
        "ip-options-udp",
        "icmp-echo-request",
        "icmp-echo-reply",
        "icmp-port-unreachable",
        "icmp-time-exceeded",
        "icmp-router-advertisement",
        "icmp-router-solicitation",
        "ipip",
        "fragmented-whole",
        "fragmented-part0",
        "fragmented-part1",
        "fragmented-part2"
      })
  void ipv4HeaderReadsAsScapyWroteIt(String name) throws Exception {
    Properties f = fields(name);
    Ipv4Packet ip = Ipv4Packet.parse(buffer(name));
    assertThat(ip.totalLength()).isEqualTo(integer(f, "length"));
    assertThat(ip.sourceAddress()).isEqualTo(Ipv4Address.parse(f.getProperty("src")));
    assertThat(ip.destinationAddress()).isEqualTo(Ipv4Address.parse(f.getProperty("dst")));
    assertThat(ip.ttl()).isEqualTo(integer(f, "ttl"));
    assertThat(ip.identification()).isEqualTo(integer(f, "id"));
    assertThat(ip.dontFragment()).isEqualTo(Boolean.parseBoolean(f.getProperty("df")));
    assertThat(ip.tos()).isEqualTo(integer(f, "tos"));
    assertThat(ip.protocol()).isEqualTo(integer(f, "protocol"));
  }

  @Test
  void udpWithAndWithoutOptionsMatchesFieldsAndOurBuilder() throws Exception {
    for (String name : List.of("udp", "ip-options-udp")) {
      Properties f = fields(name);
      Ipv4Packet ip = Ipv4Packet.parse(buffer(name));
      UdpDatagram udp = UdpDatagram.parse(ip);
      assertThat(udp.sourcePort()).isEqualTo(integer(f, "sport"));
      assertThat(udp.destinationPort()).isEqualTo(integer(f, "dport"));
      assertThat(udp.payload().toString(StandardCharsets.US_ASCII))
          .isEqualTo(f.getProperty("payload"));

      Ipv4Builder header =
          Ipv4Builder.create()
              .ttl(ip.ttl())
              .tos(ip.tos())
              .identification(ip.identification())
              .dontFragment(ip.dontFragment())
              .options(ip.options().readableBytes() == 0 ? null : ip.options());
      ByteBuf ours =
          UdpDatagram.build(
              ALLOC,
              header,
              ip.source(),
              ip.destination(),
              udp.sourcePort(),
              udp.destinationPort(),
              udp.payload());
      assertThat(ByteBufUtil.getBytes(ours)).as(name).isEqualTo(bytes(name));
    }
    assertThat(Ipv4Packet.parse(buffer("ip-options-udp")).headerLength()).isEqualTo(28);
  }

  @Test
  void echoRequestAndReplyMatchFieldsAndOurBuilders() throws Exception {
    Properties f = fields("icmp-echo-request");
    IcmpMessage request = IcmpMessage.parse(Ipv4Packet.parse(buffer("icmp-echo-request")));
    assertThat(request.type()).isEqualTo(IcmpType.ECHO_REQUEST);
    assertThat(request.identifier()).isEqualTo(integer(f, "icmp_id"));
    assertThat(request.sequence()).isEqualTo(integer(f, "icmp_seq"));
    assertThat(request.body().readableBytes()).isEqualTo(integer(f, "data_length"));

    ByteBuf ourRequest =
        IcmpBuilder.echoRequest(
            ALLOC,
            request.ip().source(),
            request.ip().destination(),
            request.identifier(),
            request.sequence(),
            request.body(),
            64);
    ourRequest.setShort(4, request.ip().identification());
    fixIpChecksum(ourRequest);
    assertThat(ByteBufUtil.getBytes(ourRequest)).isEqualTo(bytes("icmp-echo-request"));

    ByteBuf ourReply = IcmpBuilder.echoReply(ALLOC, request, request.ip().destination());
    ourReply.setShort(4, 2);
    fixIpChecksum(ourReply);
    assertThat(ByteBufUtil.getBytes(ourReply)).isEqualTo(bytes("icmp-echo-reply"));
  }

  @Test
  void errorsQuoteTheOffendingHeaderAndEightBytesAsScapyDoes() throws Exception {
    for (String name : List.of("icmp-port-unreachable", "icmp-time-exceeded")) {
      Properties f = fields(name);
      IcmpMessage error = IcmpMessage.parse(Ipv4Packet.parse(buffer(name)));
      assertThat(error.type()).isEqualTo(integer(f, "icmp_type"));
      assertThat(error.code()).isEqualTo(integer(f, "icmp_code"));
      Ipv4Packet quoted = quotedHeader(error);
      assertThat(quoted.sourceAddress()).hasToString(f.getProperty("quoted_source"));
      assertThat(quoted.destinationAddress()).hasToString(f.getProperty("quoted_destination"));

      // The offending datagram, rebuilt, and our error about it: the same bytes as scapy's.
      ByteBuf offending =
          UdpDatagram.build(
              ALLOC,
              Ipv4Builder.create().identification(99),
              quoted.source(),
              quoted.destination(),
              5000,
              9,
              Unpooled.copiedBuffer("abcdefgh12345678", StandardCharsets.US_ASCII));
      Ipv4Packet off = Ipv4Packet.parse(offending);
      ByteBuf ours =
          error.type() == IcmpType.TIME_EXCEEDED
              ? IcmpBuilder.timeExceeded(ALLOC, error.ip().source(), error.code(), off)
              : IcmpBuilder.destinationUnreachable(
                  ALLOC, error.ip().source(), error.code(), off, 0);
      ours.setShort(4, error.ip().identification());
      fixIpChecksum(ours);
      assertThat(ByteBufUtil.getBytes(ours)).as(name).isEqualTo(bytes(name));
    }
  }

  @Test
  void routerAdvertisementEntriesAndExtensionsAndSolicitation() throws Exception {
    Properties f = fields("icmp-router-advertisement");
    IcmpMessage icmp = IcmpMessage.parse(Ipv4Packet.parse(buffer("icmp-router-advertisement")));
    RouterAdvertisement ra = RouterAdvertisement.parse(icmp);
    assertThat(ra.lifetimeSeconds()).isEqualTo(integer(f, "lifetime"));
    assertThat(ra.entries()).hasSize(integer(f, "entries"));
    assertThat(ra.entries().get(0).address() + "/" + ra.entries().get(0).preference())
        .isEqualTo(f.getProperty("entry0"));
    assertThat(ra.entries().get(1).address() + "/" + ra.entries().get(1).preference())
        .isEqualTo(f.getProperty("entry1"));
    assertThat(ra.extensions().readableBytes()).isEqualTo(integer(f, "extension_length"));
    assertThat(ra.extensions().getByte(ra.extensions().readerIndex())).isEqualTo((byte) 16);

    ByteBuf ours =
        IcmpBuilder.routerAdvertisement(
            ALLOC,
            icmp.ip().source(),
            icmp.ip().destination(),
            ra.lifetimeSeconds(),
            ra.entries(),
            ra.extensions(),
            1);
    ours.setShort(4, 5);
    fixIpChecksum(ours);
    assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(bytes("icmp-router-advertisement"));

    IcmpMessage rs = IcmpMessage.parse(Ipv4Packet.parse(buffer("icmp-router-solicitation")));
    assertThat(rs.type()).isEqualTo(IcmpType.ROUTER_SOLICITATION);
    ByteBuf solicitation =
        IcmpBuilder.routerSolicitation(ALLOC, rs.ip().source(), rs.ip().destination(), 1);
    solicitation.setShort(4, 6);
    fixIpChecksum(solicitation);
    assertThat(ByteBufUtil.getBytes(solicitation)).isEqualTo(bytes("icmp-router-solicitation"));
  }

  @Test
  void ipInIpDecapsulatesScapysTunnelAndEncapsulatesToTheSameBytes() throws Exception {
    Properties f = fields("ipip");
    Ipv4Packet outer = Ipv4Packet.parse(buffer("ipip"));
    Ipv4Packet inner = IpInIp.decapsulate(outer);
    assertThat(inner.sourceAddress()).hasToString(f.getProperty("inner_src"));
    assertThat(inner.destinationAddress()).hasToString(f.getProperty("inner_dst"));
    assertThat(inner.ttl()).isEqualTo(integer(f, "inner_ttl"));

    ByteBuf ours =
        IpInIp.encapsulate(
            ALLOC, outer.source(), outer.destination(), inner, 64, outer.identification());
    assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(bytes("ipip"));
  }

  @Test
  void scapysFragmentsReassembleToScapysWholeDatagram() throws Exception {
    Ipv4Reassembler reassembler = new Ipv4Reassembler(4, 1 << 16, 30_000_000_000L);
    // Out of order on purpose: last, first, middle.
    assertThat(reassembler.offer(Ipv4Packet.parse(buffer("fragmented-part2")), 0)).isNull();
    assertThat(reassembler.offer(Ipv4Packet.parse(buffer("fragmented-part0")), 1)).isNull();
    ByteBuf whole = reassembler.offer(Ipv4Packet.parse(buffer("fragmented-part1")), 2);
    assertThat(whole).isNotNull();
    assertThat(ByteBufUtil.getBytes(whole)).isEqualTo(bytes("fragmented-whole"));
    assertThat(reassembler.inProgress()).isZero();
    assertThat(reassembler.bytesHeld()).isZero();
    whole.release();
  }

  private static Ipv4Packet quotedHeader(IcmpMessage error) throws MalformedPacketException {
    // The quote is the header plus 8 bytes, so its total length exceeds what is there: read the
    // header fields directly rather than through parse, which would rightly refuse it.
    ByteBuf quote = error.body();
    ByteBuf header = Unpooled.buffer(20).writeBytes(quote, quote.readerIndex(), 20);
    header.setShort(2, 20);
    header.setShort(10, 0);
    header.setShort(10, InternetChecksum.compute(header, 0, 20));
    return Ipv4Packet.parse(header);
  }

  private static void fixIpChecksum(ByteBuf datagram) {
    int headerLength = (datagram.getUnsignedByte(0) & 0x0F) * 4;
    datagram.setShort(10, 0);
    datagram.setShort(10, InternetChecksum.compute(datagram, 0, headerLength));
  }
}
