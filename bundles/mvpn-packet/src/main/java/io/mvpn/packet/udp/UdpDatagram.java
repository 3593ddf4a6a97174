package io.mvpn.packet.udp;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_UDP_CHECKSUM;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_UDP_LENGTH;
import static io.mvpn.packet.MalformedPacketException.Reason.TRUNCATED;

import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** A validated view of a UDP datagram (RFC 768) inside an IPv4 packet; no copies. */
public final class UdpDatagram {

  public static final int HEADER_LENGTH = 8;

  /**
   * The room a payload leaves in front of it for {@link #encapsulate}: an IPv4 header without
   * options and the UDP header.
   */
  public static final int HEADROOM = Ipv4Packet.MIN_HEADER_LENGTH + HEADER_LENGTH;

  private final Ipv4Packet ip;
  private final ByteBuf buf;
  private final int start;
  private final int length;

  private UdpDatagram(Ipv4Packet ip, int length) {
    this.ip = ip;
    this.buf = ip.buffer();
    this.start = ip.payloadOffset();
    this.length = length;
  }

  /** Checks the length field and, unless it is zero ("none"), the pseudo-header checksum. */
  public static UdpDatagram parse(Ipv4Packet ip) throws MalformedPacketException {
    return parse(ip, true);
  }

  /**
   * As {@link #parse(Ipv4Packet)}; without {@code verifyChecksum} only the length is checked, for a
   * payload that authenticates itself (ESP in UDP: the ICV covers it, RFC 3948 §2.1), so that a
   * large datagram is not summed for nothing. {@link #checksumValid} still tells, on demand.
   */
  public static UdpDatagram parse(Ipv4Packet ip, boolean verifyChecksum)
      throws MalformedPacketException {
    ip.requireWhole(IpProtocol.UDP, "UDP");
    int available = ip.payloadLength();
    if (available < HEADER_LENGTH) {
      throw new MalformedPacketException(TRUNCATED, "UDP header needs 8 bytes, got " + available);
    }
    ByteBuf buf = ip.buffer();
    int start = ip.payloadOffset();
    int length = buf.getUnsignedShort(start + 4);
    if (length < HEADER_LENGTH || length > available) {
      throw new MalformedPacketException(
          BAD_UDP_LENGTH, "UDP length " + length + " with " + available + " bytes of IP payload");
    }
    UdpDatagram udp = new UdpDatagram(ip, length);
    if (verifyChecksum && !udp.checksumValid()) {
      throw new MalformedPacketException(
          BAD_UDP_CHECKSUM, String.format("UDP checksum 0x%04x is wrong", udp.checksum()));
    }
    return udp;
  }

  /**
   * The destination port of the UDP header in {@code ip}'s payload, or -1 if there is no whole
   * header: for picking the receiver before the datagram is parsed.
   */
  public static int destinationPortOf(Ipv4Packet ip) {
    return ip.payloadLength() < HEADER_LENGTH
        ? -1
        : ip.buffer().getUnsignedShort(ip.payloadOffset() + 2);
  }

  /** Whether the checksum is zero ("none") or the pseudo-header sum verifies. */
  public boolean checksumValid() {
    return checksum() == 0
        || InternetChecksum.pseudoHeaderSum(
                ip.source(), ip.destination(), IpProtocol.UDP, buf, start, length)
            == 0xFFFF;
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

  public int length() {
    return length;
  }

  public int checksum() {
    return buf.getUnsignedShort(start + 6);
  }

  /** The payload: a slice of {@code length - 8} bytes. */
  public ByteBuf payload() {
    return buf.slice(start + HEADER_LENGTH, length - HEADER_LENGTH);
  }

  /** Index of the first payload byte in the IP datagram's {@link Ipv4Packet#buffer()}. */
  public int payloadOffset() {
    return start + HEADER_LENGTH;
  }

  /**
   * The payload's length, {@code length - 8}: with {@link #payloadOffset} a view without a slice.
   */
  public int payloadLength() {
    return length - HEADER_LENGTH;
  }

  /**
   * A complete IPv4/UDP datagram with both checksums, the payload's readable bytes copied once (the
   * payload is neither consumed nor released).
   */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      int source,
      int destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload,
      int ttl) {
    return build(
        alloc,
        Ipv4Builder.create().ttl(ttl),
        source,
        destination,
        sourcePort,
        destinationPort,
        payload);
  }

  /** As {@link #build(ByteBufAllocator, int, int, int, int, ByteBuf, int)} with more IP fields. */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      Ipv4Builder ipHeader,
      int source,
      int destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload) {
    checkLength(payload);
    ByteBuf out = copyWithRoom(alloc, ipHeader.headerLength() + HEADER_LENGTH, payload);
    return encapsulate(ipHeader, source, destination, sourcePort, destinationPort, out);
  }

  /**
   * A new buffer holding the payload's readable bytes (neither consumed nor released) behind {@code
   * headroom} bytes of room, its reader index at the copy: a payload for {@link #encapsulate}.
   */
  public static ByteBuf copyWithRoom(ByteBufAllocator alloc, int headroom, ByteBuf payload) {
    int length = payload.readableBytes();
    ByteBuf out = alloc.buffer(headroom + length);
    out.writerIndex(headroom).readerIndex(headroom);
    return out.writeBytes(payload, payload.readerIndex(), length);
  }

  /**
   * Makes a complete IPv4/UDP datagram, both checksums filled in, of a payload that was written
   * with room in front of it (at least the IPv4 header's length plus 8 bytes before its reader
   * index, {@link #HEADROOM} without options): the headers go there, and nothing is copied. Returns
   * the payload's buffer, its reader index moved back to the IPv4 header.
   */
  public static ByteBuf encapsulate(
      Ipv4Builder ipHeader,
      int source,
      int destination,
      int sourcePort,
      int destinationPort,
      ByteBuf payload) {
    int length = checkLength(payload);
    ipHeader.source(source).destination(destination).protocol(IpProtocol.UDP);
    int start = payload.readerIndex() - HEADER_LENGTH;
    int ipStart = start - ipHeader.headerLength();
    if (ipStart < 0) {
      throw new IllegalArgumentException(
          "a payload with " + payload.readerIndex() + " bytes in front has no room for headers");
    }
    ipHeader.setHeader(payload, ipStart, length);
    payload.setShort(start, sourcePort);
    payload.setShort(start + 2, destinationPort);
    payload.setShort(start + 4, length);
    payload.setShort(start + 6, 0);
    payload.setShort(start + 6, checksum(source, destination, payload, start, length));
    return payload.readerIndex(ipStart);
  }

  /** The UDP length of a datagram around {@code payload}; too long for 16 bits, refused. */
  private static int checkLength(ByteBuf payload) {
    int length = HEADER_LENGTH + payload.readableBytes();
    if (length > 0xFFFF) {
      throw new IllegalArgumentException("UDP datagram of " + length + " bytes");
    }
    return length;
  }

  /**
   * The checksum for a UDP datagram whose checksum field is zero: RFC 768's pseudo-header sum, with
   * a computed 0 sent as 0xFFFF (0 means "no checksum").
   */
  public static int checksum(int source, int destination, ByteBuf udp, int offset, int length) {
    int checksum =
        ~InternetChecksum.pseudoHeaderSum(source, destination, IpProtocol.UDP, udp, offset, length)
            & 0xFFFF;
    return checksum == 0 ? 0xFFFF : checksum;
  }

  @Override
  public String toString() {
    return "UDP "
        + ip.sourceAddress()
        + ":"
        + sourcePort()
        + " > "
        + ip.destinationAddress()
        + ":"
        + destinationPort()
        + " len "
        + length;
  }
}
