package io.mvpn.packet.ipv4;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_FRAGMENT;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_HEADER_CHECKSUM;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_IHL;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_OPTIONS;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_TOTAL_LENGTH;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_VERSION;
import static io.mvpn.packet.MalformedPacketException.Reason.TRUNCATED;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;

/**
 * A validated view of one IPv4 datagram (RFC 791) that starts at a buffer's reader index. Reads go
 * straight to the buffer (no copy); slices share its memory. The buffer's indexes are never moved.
 * Bytes past the total length (link padding) are ignored.
 */
public final class Ipv4Packet {

  public static final int MIN_HEADER_LENGTH = 20;
  public static final int MAX_LENGTH = 65535;

  private static final int OPTION_EOL = 0;
  private static final int OPTION_NOP = 1;

  private final ByteBuf buf;
  private final int start;
  private final int headerLength;
  private final int totalLength;

  private Ipv4Packet(ByteBuf buf, int start, int headerLength, int totalLength) {
    this.buf = buf;
    this.start = start;
    this.headerLength = headerLength;
    this.totalLength = totalLength;
  }

  /** Checks version, header length, total length, checksum, options and fragment bounds. */
  public static Ipv4Packet parse(ByteBuf buf) throws MalformedPacketException {
    int start = buf.readerIndex();
    int available = buf.readableBytes();
    if (available < MIN_HEADER_LENGTH) {
      throw new MalformedPacketException(TRUNCATED, "IPv4 header needs 20 bytes, got " + available);
    }
    int versionIhl = buf.getUnsignedByte(start);
    if (versionIhl >>> 4 != 4) {
      throw new MalformedPacketException(BAD_VERSION, "IP version " + (versionIhl >>> 4));
    }
    int headerLength = (versionIhl & 0x0F) * 4;
    if (headerLength < MIN_HEADER_LENGTH) {
      throw new MalformedPacketException(BAD_IHL, "IHL " + (headerLength / 4) + " below 5");
    }
    if (headerLength > available) {
      throw new MalformedPacketException(
          TRUNCATED, "IPv4 header of " + headerLength + " bytes, got " + available);
    }
    int totalLength = buf.getUnsignedShort(start + 2);
    if (totalLength < headerLength) {
      throw new MalformedPacketException(
          BAD_TOTAL_LENGTH, "total length " + totalLength + " below header " + headerLength);
    }
    if (totalLength > available) {
      throw new MalformedPacketException(
          BAD_TOTAL_LENGTH,
          "total length " + totalLength + " beyond the " + available + " bytes received");
    }
    if (!InternetChecksum.verify(buf, start, headerLength)) {
      throw new MalformedPacketException(
          BAD_HEADER_CHECKSUM,
          String.format("header checksum 0x%04x is wrong", buf.getUnsignedShort(start + 10)));
    }
    checkOptions(buf, start + MIN_HEADER_LENGTH, start + headerLength);
    Ipv4Packet packet = new Ipv4Packet(buf, start, headerLength, totalLength);
    if (packet.fragmentOffset() + totalLength - headerLength > MAX_LENGTH) {
      throw new MalformedPacketException(
          BAD_FRAGMENT,
          "fragment ends beyond 65535 bytes (offset " + packet.fragmentOffset() + ")");
    }
    if ((buf.getUnsignedByte(start + 6) & 0x80) != 0) {
      throw new MalformedPacketException(BAD_FRAGMENT, "reserved flag bit set");
    }
    return packet;
  }

  /**
   * A view of a datagram this process has just written itself ({@link Ipv4Builder}, {@code
   * UdpDatagram.encapsulate}): its lengths are read, nothing is checked. Never for received bytes.
   */
  public static Ipv4Packet ofOwn(ByteBuf buf) {
    int start = buf.readerIndex();
    return new Ipv4Packet(
        buf, start, (buf.getUnsignedByte(start) & 0x0F) * 4, buf.getUnsignedShort(start + 2));
  }

  private static void checkOptions(ByteBuf buf, int from, int end) throws MalformedPacketException {
    int i = from;
    while (i < end) {
      int type = buf.getUnsignedByte(i);
      if (type == OPTION_EOL) {
        return;
      }
      if (type == OPTION_NOP) {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        throw new MalformedPacketException(BAD_OPTIONS, "option " + type + " has no length");
      }
      int length = buf.getUnsignedByte(i + 1);
      if (length < 2 || i + length > end) {
        throw new MalformedPacketException(
            BAD_OPTIONS, "option " + type + " length " + length + " does not fit the header");
      }
      i += length;
    }
  }

  /** The buffer this view reads (the datagram starts at its reader index). */
  public ByteBuf buffer() {
    return buf;
  }

  /** Index of the first header byte in {@link #buffer()}. */
  public int offset() {
    return start;
  }

  public int headerLength() {
    return headerLength;
  }

  public int totalLength() {
    return totalLength;
  }

  public int tos() {
    return buf.getUnsignedByte(start + 1);
  }

  public int identification() {
    return buf.getUnsignedShort(start + 4);
  }

  public boolean dontFragment() {
    return (buf.getUnsignedByte(start + 6) & 0x40) != 0;
  }

  public boolean moreFragments() {
    return (buf.getUnsignedByte(start + 6) & 0x20) != 0;
  }

  /** Offset of this fragment's data in the original datagram, in bytes. */
  public int fragmentOffset() {
    return (buf.getUnsignedShort(start + 6) & 0x1FFF) * 8;
  }

  public boolean isFragment() {
    return moreFragments() || fragmentOffset() != 0;
  }

  public int ttl() {
    return buf.getUnsignedByte(start + 8);
  }

  public int protocol() {
    return buf.getUnsignedByte(start + 9);
  }

  public int headerChecksum() {
    return buf.getUnsignedShort(start + 10);
  }

  public int source() {
    return buf.getInt(start + 12);
  }

  public int destination() {
    return buf.getInt(start + 16);
  }

  public Ipv4Address sourceAddress() {
    return Ipv4Address.of(source());
  }

  public Ipv4Address destinationAddress() {
    return Ipv4Address.of(destination());
  }

  /** The options (may be empty), as a slice of the header. */
  public ByteBuf options() {
    return buf.slice(start + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
  }

  /** The payload: a slice of {@code totalLength - headerLength} bytes, no copy. */
  public ByteBuf payload() {
    return buf.slice(start + headerLength, totalLength - headerLength);
  }

  /** Index of the first payload byte in {@link #buffer()}. */
  public int payloadOffset() {
    return start + headerLength;
  }

  public int payloadLength() {
    return totalLength - headerLength;
  }

  /**
   * What a parser of the payload first checks: this is a whole datagram (not a fragment) of {@code
   * protocol}. Anything else is the caller's mistake, not bad input.
   */
  public void requireWhole(int protocol, String name) {
    if (protocol() != protocol) {
      throw new IllegalArgumentException("not " + name + ": protocol " + protocol());
    }
    if (isFragment()) {
      throw new IllegalArgumentException("a fragment: reassemble before parsing " + name);
    }
  }

  /** The whole datagram: a slice of exactly {@code totalLength} bytes. */
  public ByteBuf datagram() {
    return buf.slice(start, totalLength);
  }

  /** Decrements the TTL in place, updating the checksum incrementally (RFC 1624). */
  public void decrementTtl() {
    int oldWord = buf.getUnsignedShort(start + 8);
    int newWord = oldWord - 0x0100;
    buf.setByte(start + 8, ttl() - 1);
    updateChecksum(oldWord, newWord);
  }

  /** Rewrites the source address in place with an incremental checksum update (for NAPT). */
  public void setSource(int address) {
    rewriteAddress(start + 12, address);
  }

  /** Rewrites the destination address in place with an incremental checksum update. */
  public void setDestination(int address) {
    rewriteAddress(start + 16, address);
  }

  private void rewriteAddress(int index, int address) {
    int old = buf.getInt(index);
    buf.setInt(index, address);
    buf.setShort(start + 10, InternetChecksum.adjust32(headerChecksum(), old, address));
  }

  /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
  private void updateChecksum(int oldWord, int newWord) {
    buf.setShort(start + 10, InternetChecksum.adjust(headerChecksum(), oldWord, newWord));
  }

  @Override
  public String toString() {
    return String.format(
        "IPv4 %s > %s proto %d ttl %d len %d id %d%s%s",
        Ipv4Address.toString(source()),
        Ipv4Address.toString(destination()),
        protocol(),
        ttl(),
        totalLength,
        identification(),
        dontFragment() ? " DF" : "",
        isFragment() ? " frag@" + fragmentOffset() + (moreFragments() ? "+" : "") : "");
  }
}
