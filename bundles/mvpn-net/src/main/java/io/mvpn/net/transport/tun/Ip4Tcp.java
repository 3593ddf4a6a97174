package io.mvpn.net.transport.tun;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;

/**
 * Offsets and the few header rewrites that cutting and joining TCP/UDP over IPv4 segments need,
 * read in place on a buffer whose IPv4 header starts at a given index (RFC 791, RFC 9293, RFC 768).
 */
final class Ip4Tcp {

  static final int PROTOCOL_TCP = 6;
  static final int PROTOCOL_UDP = 17;

  static final int MIN_IP_HEADER = 20;
  static final int MIN_TCP_HEADER = 20;
  static final int UDP_HEADER = 8;

  /** Offsets of the checksum fields in a TCP and a UDP header. */
  static final int TCP_CHECKSUM = 16;

  static final int UDP_CHECKSUM = 6;

  static final int FIN = 0x01;
  static final int SYN = 0x02;
  static final int RST = 0x04;
  static final int PSH = 0x08;
  static final int ACK = 0x10;
  static final int CWR = 0x80;

  static final int DONT_FRAGMENT = 0x4000;

  private Ip4Tcp() {}

  static int version(ByteBuf b, int ip) {
    return b.getUnsignedByte(ip) >> 4;
  }

  static int headerLength(ByteBuf b, int ip) {
    return (b.getUnsignedByte(ip) & 0x0F) * 4;
  }

  static int totalLength(ByteBuf b, int ip) {
    return b.getUnsignedShort(ip + 2);
  }

  static int identification(ByteBuf b, int ip) {
    return b.getUnsignedShort(ip + 4);
  }

  static int flagsAndFragment(ByteBuf b, int ip) {
    return b.getUnsignedShort(ip + 6);
  }

  static int protocol(ByteBuf b, int ip) {
    return b.getUnsignedByte(ip + 9);
  }

  static int source(ByteBuf b, int ip) {
    return b.getInt(ip + 12);
  }

  static int destination(ByteBuf b, int ip) {
    return b.getInt(ip + 16);
  }

  /** The TCP header's length from its data offset, at {@code tcp}. */
  static int udpDestinationPort(ByteBuf b, int udp) {
    return b.getUnsignedShort(udp + 2);
  }

  static int tcpHeaderLength(ByteBuf b, int tcp) {
    return (b.getUnsignedByte(tcp + 12) >> 4) * 4;
  }

  static int tcpFlags(ByteBuf b, int tcp) {
    return b.getUnsignedByte(tcp + 13);
  }

  /** Sets total length and identification and computes the header checksum anew. */
  static void rewriteIpHeader(ByteBuf b, int ip, int headerLength, int totalLength, int id) {
    b.setShort(ip + 2, totalLength);
    b.setShort(ip + 4, id);
    b.setShort(ip + 10, 0);
    b.setShort(ip + 10, InternetChecksum.compute(b, ip, headerLength));
  }

  /**
   * The ones' complement sum, not complemented, of the pseudo-header of a {@code length}-byte
   * segment: what a checksum field holds while the rest of the sum is left to whoever completes it.
   */
  static int pseudoHeaderSum(int source, int destination, int protocol, int length) {
    return InternetChecksum.fold(
        (long) (source >>> 16)
            + (source & 0xFFFF)
            + (destination >>> 16)
            + (destination & 0xFFFF)
            + protocol
            + length);
  }

  /**
   * Computes the TCP or UDP checksum of the segment from {@code l4} to the end of the IPv4 packet
   * at {@code ip} and stores it (UDP: all ones for a computed zero, RFC 768).
   */
  static void fillTransportChecksum(ByteBuf b, int ip, int l4, int packetLength, int protocol) {
    int field = l4 + (protocol == PROTOCOL_TCP ? TCP_CHECKSUM : UDP_CHECKSUM);
    int length = ip + packetLength - l4;
    b.setShort(field, 0);
    int sum =
        InternetChecksum.pseudoHeaderSum(
            source(b, ip), destination(b, ip), protocol, b, l4, length);
    int checksum = ~sum & 0xFFFF;
    b.setShort(field, checksum == 0 && protocol == PROTOCOL_UDP ? 0xFFFF : checksum);
  }
}
