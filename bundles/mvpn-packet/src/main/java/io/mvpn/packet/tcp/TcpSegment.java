package io.mvpn.packet.tcp;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_TCP_CHECKSUM;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_TCP_OFFSET;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_TCP_OPTIONS;
import static io.mvpn.packet.MalformedPacketException.Reason.TRUNCATED;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.OptionalInt;

/**
 * A validated view of a TCP segment (RFC 9293 §3.1) inside an IPv4 packet; no copies. The header's
 * options are walked only to check that they fit; a router has no use for their values except the
 * MSS. The port and address setters rewrite the datagram in place, updating the TCP checksum (and
 * the IPv4 header checksum for an address) incrementally as RFC 1624 does, which is what a NAPT
 * needs.
 */
public final class TcpSegment {

  /** The fixed header: 5 32-bit words. */
  public static final int HEADER_LENGTH = 20;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  public static final int ECE = 0x40;
  public static final int CWR = 0x80;

  private static final int OPTION_END = 0;
  private static final int OPTION_NOP = 1;
  private static final int OPTION_MSS = 2;

  private final Ipv4Packet ip;
  private final ByteBuf buf;
  private final int start;
  private final int length;
  private final int headerLength;
  private final int mss;

  private TcpSegment(Ipv4Packet ip, int headerLength, int mss) {
    this.ip = ip;
    this.buf = ip.buffer();
    this.start = ip.payloadOffset();
    this.length = ip.payloadLength();
    this.headerLength = headerLength;
    this.mss = mss;
  }

  /** Checks the data offset, the options' lengths and the pseudo-header checksum. */
  public static TcpSegment parse(Ipv4Packet ip) throws MalformedPacketException {
    ip.requireWhole(IpProtocol.TCP, "TCP");
    int length = ip.payloadLength();
    if (length < HEADER_LENGTH) {
      throw new MalformedPacketException(TRUNCATED, "TCP header needs 20 bytes, got " + length);
    }
    ByteBuf buf = ip.buffer();
    int start = ip.payloadOffset();
    int headerLength = (buf.getUnsignedByte(start + 12) >>> 4) * 4;
    if (headerLength < HEADER_LENGTH || headerLength > length) {
      throw new MalformedPacketException(
          BAD_TCP_OFFSET,
          "TCP data offset " + headerLength + " bytes in a " + length + "-byte segment");
    }
    int mss = walkOptions(buf, start + HEADER_LENGTH, start + headerLength);
    if (InternetChecksum.pseudoHeaderSum(
            ip.source(), ip.destination(), IpProtocol.TCP, buf, start, length)
        != 0xFFFF) {
      throw new MalformedPacketException(
          BAD_TCP_CHECKSUM,
          String.format("TCP checksum 0x%04x is wrong", buf.getUnsignedShort(start + 16)));
    }
    return new TcpSegment(ip, headerLength, mss);
  }

  /**
   * Checks that the options fit (RFC 9293 §3.1: kinds 0 and 1 are one byte, every other option has
   * a length of at least 2) and returns the MSS option's value, or -1 without one.
   */
  private static int walkOptions(ByteBuf buf, int from, int to) throws MalformedPacketException {
    int mss = -1;
    int i = from;
    while (i < to) {
      int kind = buf.getUnsignedByte(i);
      if (kind == OPTION_END) {
        break;
      }
      if (kind == OPTION_NOP) {
        i++;
        continue;
      }
      if (i + 1 >= to) {
        throw new MalformedPacketException(
            BAD_TCP_OPTIONS, "TCP option " + kind + " has no length");
      }
      int optionLength = buf.getUnsignedByte(i + 1);
      if (optionLength < 2 || i + optionLength > to) {
        throw new MalformedPacketException(
            BAD_TCP_OPTIONS, "TCP option " + kind + " of length " + optionLength + " does not fit");
      }
      if (kind == OPTION_MSS && optionLength == 4) {
        mss = buf.getUnsignedShort(i + 2);
      }
      i += optionLength;
    }
    return mss;
  }

  public Ipv4Packet ip() {
    return ip;
  }

  public int sourcePort() {
    return buf.getUnsignedShort(start);
  }

  public int destinationPort() {
    return buf.getUnsignedShort(start + 2);
  }

  public long sequenceNumber() {
    return buf.getUnsignedInt(start + 4);
  }

  public long acknowledgmentNumber() {
    return buf.getUnsignedInt(start + 8);
  }

  /** The header's length in bytes: the data offset times 4. */
  public int headerLength() {
    return headerLength;
  }

  /** The control bits, CWR (0x80) to FIN (0x01). */
  public int flags() {
    return buf.getUnsignedByte(start + 13);
  }

  public boolean isSyn() {
    return (flags() & SYN) != 0;
  }

  public boolean isAck() {
    return (flags() & ACK) != 0;
  }

  public boolean isFin() {
    return (flags() & FIN) != 0;
  }

  public boolean isRst() {
    return (flags() & RST) != 0;
  }

  public int window() {
    return buf.getUnsignedShort(start + 14);
  }

  public int checksum() {
    return buf.getUnsignedShort(start + 16);
  }

  public int urgentPointer() {
    return buf.getUnsignedShort(start + 18);
  }

  /** The maximum segment size option, if the header carries one. */
  public OptionalInt mss() {
    return mss < 0 ? OptionalInt.empty() : OptionalInt.of(mss);
  }

  /** The whole segment's length, header included. */
  public int length() {
    return length;
  }

  /** The data after the header: a slice. */
  public ByteBuf payload() {
    return buf.slice(start + headerLength, length - headerLength);
  }

  /** Rewrites the source address and port in place; both checksums stay right. */
  public void rewriteSource(int address, int port) {
    int oldAddress = ip.source();
    ip.setSource(address);
    setChecksum(InternetChecksum.adjust32(checksum(), oldAddress, address));
    setPort(start, port);
  }

  /** Rewrites the destination address and port in place; both checksums stay right. */
  public void rewriteDestination(int address, int port) {
    int oldAddress = ip.destination();
    ip.setDestination(address);
    setChecksum(InternetChecksum.adjust32(checksum(), oldAddress, address));
    setPort(start + 2, port);
  }

  private void setPort(int index, int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("TCP port " + port);
    }
    int old = buf.getUnsignedShort(index);
    buf.setShort(index, port);
    setChecksum(InternetChecksum.adjust(checksum(), old, port));
  }

  private void setChecksum(int checksum) {
    buf.setShort(start + 16, checksum);
  }

  /**
   * A complete IPv4/TCP datagram without options, with both checksums; the payload's readable bytes
   * are copied once and left to the caller. For tests and probes: mvpn relays TCP, it does not
   * terminate it.
   */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      Ipv4Builder ipHeader,
      int source,
      int destination,
      int sourcePort,
      int destinationPort,
      long sequence,
      long acknowledgment,
      int flags,
      int window,
      ByteBuf payload) {
    int length = HEADER_LENGTH + payload.readableBytes();
    ipHeader.source(source).destination(destination).protocol(IpProtocol.TCP);
    ByteBuf out = alloc.buffer(ipHeader.headerLength() + length);
    ipHeader.writeHeader(out, length);
    int start = out.writerIndex();
    out.writeShort(sourcePort);
    out.writeShort(destinationPort);
    out.writeInt((int) sequence);
    out.writeInt((int) acknowledgment);
    out.writeByte((HEADER_LENGTH / 4) << 4);
    out.writeByte(flags);
    out.writeShort(window);
    out.writeShort(0);
    out.writeShort(0);
    out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    out.setShort(start + 16, checksum(source, destination, out, start, length));
    return out;
  }

  /** The checksum for a segment whose checksum field is zero: the pseudo-header sum of §3.1. */
  public static int checksum(int source, int destination, ByteBuf tcp, int offset, int length) {
    return ~InternetChecksum.pseudoHeaderSum(
            source, destination, IpProtocol.TCP, tcp, offset, length)
        & 0xFFFF;
  }

  @Override
  public String toString() {
    return "TCP "
        + ip.sourceAddress()
        + ":"
        + sourcePort()
        + " > "
        + ip.destinationAddress()
        + ":"
        + destinationPort()
        + " flags 0x"
        + Integer.toHexString(flags())
        + " seq "
        + sequenceNumber()
        + " len "
        + (length - headerLength);
  }
}
