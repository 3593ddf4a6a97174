package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A reply written behind room for its headers and sent from that buffer is the very datagram the
 * reply copied behind separately written headers was, byte for byte.
 */
class ReplyInPlaceTest {

  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final int HA = 0xC633640A;
  static final int NODE = 0xCB007133;

  @Test
  void aReplyBuiltWithHeadroomAndEncapsulatedIsTheCopiedDatagram() throws Exception {
    for (ByteBufAllocator alloc :
        new ByteBufAllocator[] {UnpooledByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT}) {
      ByteBuf copied = copiedReply(alloc);
      ByteBuf inPlace =
          UdpDatagram.encapsulate(
              header(), HA, NODE, 434, 5001, reply(alloc, UdpDatagram.HEADROOM));
      try {
        assertThat(ByteBufUtil.getBytes(inPlace)).isEqualTo(ByteBufUtil.getBytes(copied));
        UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(inPlace));
        RegistrationReply reply = RegistrationReply.parse(udp.payload());
        assertThat(reply.code()).isEqualTo(ReplyCode.ACCEPTED);
        assertThat(reply.identification()).isEqualTo(0x0123456789ABCDEFL);
        assertThat(association().verify(reply, reply.find(MipConstants.EXT_MN_HA_AUTH))).isTrue();
      } finally {
        copied.release();
        inPlace.release();
      }
    }
  }

  @Test
  void headersNeedTheRoomInFrontOfThePayload() {
    ByteBuf payload = reply(UnpooledByteBufAllocator.DEFAULT, UdpDatagram.HEADROOM - 1);
    assertThatThrownBy(() -> UdpDatagram.encapsulate(header(), HA, NODE, 434, 434, payload))
        .isInstanceOf(IllegalArgumentException.class);
    // With options the IPv4 header is longer, and so is the room it needs.
    ByteBuf room = reply(UnpooledByteBufAllocator.DEFAULT, UdpDatagram.HEADROOM);
    Ipv4Builder withOptions = header().options(Unpooled.wrappedBuffer(new byte[] {1, 1, 1, 1}));
    assertThatThrownBy(() -> UdpDatagram.encapsulate(withOptions, HA, NODE, 434, 434, room))
        .isInstanceOf(IllegalArgumentException.class);
    payload.release();
    room.release();
  }

  private static ByteBuf copiedReply(ByteBufAllocator alloc) {
    ByteBuf payload = reply(alloc, 0);
    try {
      return UdpDatagram.build(alloc, header(), HA, NODE, 434, 5001, payload);
    } finally {
      payload.release();
    }
  }

  private static Ipv4Builder header() {
    return Ipv4Builder.create().ttl(64).identification(4711);
  }

  private static ByteBuf reply(ByteBufAllocator alloc, int headroom) {
    ByteBuf tunnelReply = UdpTunnel.replyData(alloc, UdpTunnel.REPLY_ACCEPTED, 110);
    try {
      return RegistrationBuilder.replyWithHeadroom(
              alloc, headroom, ReplyCode.ACCEPTED, 300, 0x0A010005, HA, 0x0123456789ABCDEFL)
          .extension(MipConstants.EXT_UDP_TUNNEL_REPLY, tunnelReply)
          .authenticate(MipConstants.EXT_MN_HA_AUTH, association())
          .build();
    } finally {
      tunnelReply.release();
    }
  }

  private static MobilitySecurityAssociation association() {
    return new MobilitySecurityAssociation(
        1000, MobilitySecurityAssociation.Algorithm.HMAC_MD5, KEY);
  }
}
