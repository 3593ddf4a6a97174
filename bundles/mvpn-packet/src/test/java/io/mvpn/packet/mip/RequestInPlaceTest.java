package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A request read in place in its datagram, without a slice of the UDP payload, is the request read
 * from the slice: same fields, same extensions found, same authenticator verdict; and a message
 * keeps no extension objects, so every lookup walks the extensions the parse validated.
 */
class RequestInPlaceTest {

  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final int HA = 0xC633640A;
  static final int NODE = 0xCB007133;
  static final int HOME = 0x0A010005;

  @Test
  void aRequestParsedInPlaceIsTheRequestParsedFromTheSlice() throws Exception {
    for (ByteBufAllocator alloc :
        new ByteBufAllocator[] {UnpooledByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT}) {
      ByteBuf datagram = datagram(alloc);
      try {
        int readerIndex = datagram.readerIndex();
        UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(datagram));
        RegistrationRequest sliced = RegistrationRequest.parse(udp.payload());
        RegistrationRequest inPlace =
            RegistrationRequest.parse(udp.ip().buffer(), udp.payloadOffset(), udp.payloadLength());
        assertThat(datagram.readerIndex()).as("indexes left alone").isEqualTo(readerIndex);
        assertThat(udp.payloadLength()).isEqualTo(udp.payload().readableBytes());
        assertThat(inPlace.length()).isEqualTo(sliced.length());
        assertThat(inPlace.homeAddress()).isEqualTo(HOME);
        assertThat(inPlace.careOfAddress()).isEqualTo(sliced.careOfAddress());
        assertThat(inPlace.identification()).isEqualTo(sliced.identification());
        assertThat(inPlace.toString()).isEqualTo(sliced.toString());
        assertThat(types(inPlace.extensions())).isEqualTo(types(sliced.extensions()));
        assertThat(types(inPlace.extensions()))
            .containsExactly(MipConstants.EXT_UDP_TUNNEL_REQUEST, 200, MipConstants.EXT_MN_HA_AUTH);
        assertThat(inPlace.firstAuthentication().type()).isEqualTo(MipConstants.EXT_MN_HA_AUTH);
        assertThat(inPlace.find(200).dataLength()).isEqualTo(3);
        assertThat(inPlace.find(MipConstants.EXT_FA_HA_AUTH)).isNull();
        assertThat(inPlace.firstUnknownNonSkippable(Set.of(MipConstants.EXT_MN_HA_AUTH)))
            .isNull(); // 144 and 200 are skippable
        assertThat(inPlace.firstUnknownNonSkippable(Set.of())).isNotNull();
        // The same, the known types as a test of the number.
        assertThat(inPlace.firstUnknownNonSkippable(type -> type == MipConstants.EXT_MN_HA_AUTH))
            .isNull();
        assertThat(inPlace.firstUnknownNonSkippable(type -> false).type())
            .isEqualTo(MipConstants.EXT_MN_HA_AUTH);
        MipExtension auth = inPlace.find(MipConstants.EXT_MN_HA_AUTH);
        assertThat(association().verify(inPlace, auth)).isTrue();
        assertThat(association().verify(sliced, sliced.find(MipConstants.EXT_MN_HA_AUTH))).isTrue();
        assertThat(UdpTunnel.isData(udp.ip().buffer(), udp.payloadOffset(), udp.payloadLength()))
            .isFalse();
      } finally {
        datagram.release();
      }
    }
  }

  @Test
  void inPlaceAMessageEndsWhereItsLengthSaysNotAtTheBuffersEnd() {
    ByteBuf request = request(UnpooledByteBufAllocator.DEFAULT);
    int length = request.readableBytes();
    // Bytes after the message (another layer's, or padding) are no extension of it.
    ByteBuf padded = Unpooled.buffer().writeZero(5).writeBytes(request).writeByte(0x01);
    assertThatThrownBy(() -> RegistrationRequest.parse(padded.slice(5, length + 1)))
        .isInstanceOf(MalformedPacketException.class);
    try {
      RegistrationRequest inPlace = RegistrationRequest.parse(padded, 5, length);
      assertThat(inPlace.extensions()).hasSize(3);
      assertThat(association().verify(inPlace, inPlace.firstAuthentication())).isTrue();
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    }
    // Cut inside its last extension, it is refused with the reason a slice gets.
    assertThatThrownBy(() -> RegistrationRequest.parse(padded, 5, length - 1))
        .isInstanceOfSatisfying(
            MalformedPacketException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(MalformedPacketException.Reason.BAD_MIP_EXTENSION));
    request.release();
  }

  @Test
  void aDatagramWrittenHereIsViewedWithoutParsingAsItWouldParse() throws Exception {
    ByteBuf datagram = datagram(UnpooledByteBufAllocator.DEFAULT);
    Ipv4Packet parsed = Ipv4Packet.parse(datagram);
    Ipv4Packet own = Ipv4Packet.ofOwn(datagram);
    assertThat(own.offset()).isEqualTo(parsed.offset());
    assertThat(own.headerLength()).isEqualTo(parsed.headerLength());
    assertThat(own.totalLength()).isEqualTo(parsed.totalLength());
    assertThat(own.destination()).isEqualTo(HA);
    datagram.release();
  }

  private static List<Integer> types(List<MipExtension> extensions) {
    return extensions.stream().map(MipExtension::type).toList();
  }

  private static MobilitySecurityAssociation association() {
    return new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, KEY);
  }

  /** A request with an RFC 3519 tunnel request, an unknown skippable extension and MN-HA. */
  private static ByteBuf request(ByteBufAllocator alloc) {
    ByteBuf tunnel = UdpTunnel.requestData(alloc, 0);
    ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
    try {
      return RegistrationBuilder.request(alloc, 0, 300, HOME, HA, NODE, 0xE000000100000001L)
          .extension(MipConstants.EXT_UDP_TUNNEL_REQUEST, tunnel)
          .extension(200, unknown)
          .authenticate(MipConstants.EXT_MN_HA_AUTH, association())
          .build();
    } finally {
      tunnel.release();
    }
  }

  private static ByteBuf datagram(ByteBufAllocator alloc) {
    ByteBuf payload = request(alloc);
    try {
      return UdpDatagram.build(alloc, NODE, HA, 434, 434, payload, 64);
    } finally {
      payload.release();
    }
  }
}
