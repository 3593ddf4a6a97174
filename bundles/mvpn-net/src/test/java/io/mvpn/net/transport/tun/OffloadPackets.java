package io.mvpn.net.transport.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * TCP and UDP over IPv4 packets and virtio_net_hdr frames for the offload tests, written field by
 * field from RFC 791/9293/768, with checksums as a sending host's kernel leaves them: complete on a
 * segment, the pseudo-header sum alone on a super-packet it hands over with NEEDS_CSUM.
 */
final class OffloadPackets {

  static final int CLIENT = 0x0A000001; // 10.0.0.1
  static final int SERVER = 0x0A000002; // 10.0.0.2

  private OffloadPackets() {}

  /** A TCP segment of flow {@code sourcePort} -> 443 with a 12-byte timestamp option. */
  static ByteBuf tcp(int sourcePort, int id, int sequence, int ack, int flags, byte[] payload) {
    return tcp(sourcePort, id, sequence, ack, flags, payload, 0, payload.length);
  }

  static ByteBuf tcp(
      int sourcePort, int id, int sequence, int ack, int flags, byte[] data, int from, int length) {
    int total = 20 + 32 + length;
    ByteBuf p = Unpooled.directBuffer(total);
    ip(p, total, id, Ip4Tcp.PROTOCOL_TCP);
    p.writeShort(sourcePort).writeShort(443).writeInt(sequence).writeInt(ack);
    p.writeByte(8 << 4).writeByte(flags).writeShort(501).writeShort(0).writeShort(0);
    p.writeInt(0x0101080A).writeInt(0x11223344).writeInt(0x55667788); // NOP NOP timestamps
    p.writeBytes(data, from, length);
    Ip4Tcp.fillTransportChecksum(p, 0, 20, total, Ip4Tcp.PROTOCOL_TCP);
    return p;
  }

  static ByteBuf udp(int id, byte[] payload) {
    int total = 20 + 8 + payload.length;
    ByteBuf p = Unpooled.directBuffer(total);
    ip(p, total, id, Ip4Tcp.PROTOCOL_UDP);
    p.writeShort(4500).writeShort(4500).writeShort(8 + payload.length).writeShort(0);
    p.writeBytes(payload);
    Ip4Tcp.fillTransportChecksum(p, 0, 20, total, Ip4Tcp.PROTOCOL_UDP);
    return p;
  }

  private static void ip(ByteBuf p, int total, int id, int protocol) {
    p.writeByte(0x45).writeByte(0).writeShort(total).writeShort(id).writeShort(0x4000);
    p.writeByte(64).writeByte(protocol).writeShort(0).writeInt(CLIENT).writeInt(SERVER);
    Ip4Tcp.rewriteIpHeader(p, 0, 20, total, id);
  }

  /**
   * The frame a kernel with TSO/USO hands over for {@code packet} (a whole TCP or UDP packet made
   * above): the transport checksum replaced by the pseudo-header sum, NEEDS_CSUM.
   */
  static ByteBuf superFrame(ByteBuf packet, int gsoType, int gsoSize) {
    int protocol = Ip4Tcp.protocol(packet, 0);
    int l4Header = protocol == Ip4Tcp.PROTOCOL_TCP ? Ip4Tcp.tcpHeaderLength(packet, 20) : 8;
    int field = 20 + (protocol == Ip4Tcp.PROTOCOL_TCP ? Ip4Tcp.TCP_CHECKSUM : Ip4Tcp.UDP_CHECKSUM);
    ByteBuf frame = Unpooled.directBuffer(VirtioNetHeader.SIZE + packet.readableBytes());
    frame.writeByte(VirtioNetHeader.FLAG_NEEDS_CSUM).writeByte(gsoType);
    frame.writeShortLE(20 + l4Header).writeShortLE(gsoSize);
    frame.writeShortLE(20).writeShortLE(field - 20);
    int at = frame.writerIndex();
    frame.writeBytes(packet, 0, packet.readableBytes());
    frame.setShort(
        at + field, Ip4Tcp.pseudoHeaderSum(CLIENT, SERVER, protocol, packet.readableBytes() - 20));
    return frame;
  }

  static ByteBuf plainFrame(ByteBuf packet) {
    ByteBuf frame = Unpooled.directBuffer(VirtioNetHeader.SIZE + packet.readableBytes());
    VirtioNetHeader.writePlain(frame);
    return frame.writeBytes(packet, 0, packet.readableBytes());
  }

  static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
