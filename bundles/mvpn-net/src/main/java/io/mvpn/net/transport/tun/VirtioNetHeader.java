package io.mvpn.net.transport.tun;

import io.netty.buffer.ByteBuf;

/**
 * The virtio_net_hdr that leads every read and write of a TUN device opened with IFF_VNET_HDR
 * (include/uapi/linux/virtio_net.h): flags(1), gso_type(1), hdr_len(2), gso_size(2), csum_start(2),
 * csum_offset(2), little-endian on the machines {@link LinuxTun} accepts. It says whether a packet
 * is a super-packet to cut into segments of gso_size payload bytes, and whether its transport
 * checksum is still to be completed from csum_start on.
 */
final class VirtioNetHeader {

  /** Bytes of the header, set explicitly with TUNSETVNETHDRSZ. */
  static final int SIZE = 10;

  static final int FLAG_NEEDS_CSUM = 1;

  static final int GSO_NONE = 0;
  static final int GSO_TCPV4 = 1;
  static final int GSO_UDP = 3;
  static final int GSO_TCPV6 = 4;
  static final int GSO_UDP_L4 = 5;
  static final int GSO_ECN = 0x80;

  private VirtioNetHeader() {}

  static int flags(ByteBuf frame, int at) {
    return frame.getUnsignedByte(at);
  }

  static int gsoType(ByteBuf frame, int at) {
    return frame.getUnsignedByte(at + 1);
  }

  static int hdrLen(ByteBuf frame, int at) {
    return frame.getUnsignedShortLE(at + 2);
  }

  static int gsoSize(ByteBuf frame, int at) {
    return frame.getUnsignedShortLE(at + 4);
  }

  static int csumStart(ByteBuf frame, int at) {
    return frame.getUnsignedShortLE(at + 6);
  }

  static int csumOffset(ByteBuf frame, int at) {
    return frame.getUnsignedShortLE(at + 8);
  }

  /** Appends a header that says: one packet, checksums complete. */
  static void writePlain(ByteBuf out) {
    out.writeZero(SIZE);
  }

  /**
   * Appends the header of a TCP/IPv4 super-packet whose TCP checksum field holds the pseudo-header
   * sum: the kernel completes the checksum and cuts segments of {@code segmentSize} if it has to.
   */
  static void writeTcp4Super(
      ByteBuf out, int ipHeaderLength, int tcpHeaderLength, int segmentSize) {
    out.writeByte(FLAG_NEEDS_CSUM);
    out.writeByte(GSO_TCPV4);
    out.writeShortLE(ipHeaderLength + tcpHeaderLength);
    out.writeShortLE(segmentSize);
    out.writeShortLE(ipHeaderLength);
    out.writeShortLE(Ip4Tcp.TCP_CHECKSUM);
  }
}
