package io.mvpn.packet.ipv4;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes IPv4 headers (RFC 791) with the total length and header checksum filled in. Options are
 * padded with End-of-Option-List bytes to a 4-byte boundary.
 */
public final class Ipv4Builder {

  public static final int DEFAULT_TTL = 64;

  private int source;
  private int destination;
  private int protocol;
  private int ttl = DEFAULT_TTL;
  private int tos;
  private int identification;
  private boolean dontFragment;
  private boolean moreFragments;
  private int fragmentOffset;
  private ByteBuf options;

  private Ipv4Builder() {}

  public static Ipv4Builder create() {
    return new Ipv4Builder();
  }

  public Ipv4Builder source(int address) {
    this.source = address;
    return this;
  }

  public Ipv4Builder source(Ipv4Address address) {
    return source(address.toInt());
  }

  public Ipv4Builder destination(int address) {
    this.destination = address;
    return this;
  }

  public Ipv4Builder destination(Ipv4Address address) {
    return destination(address.toInt());
  }

  public Ipv4Builder protocol(int protocol) {
    this.protocol = checkByte(protocol, "protocol");
    return this;
  }

  public Ipv4Builder ttl(int ttl) {
    this.ttl = checkByte(ttl, "TTL");
    return this;
  }

  public Ipv4Builder tos(int tos) {
    this.tos = checkByte(tos, "TOS");
    return this;
  }

  public Ipv4Builder identification(int identification) {
    this.identification = identification & 0xFFFF;
    return this;
  }

  public Ipv4Builder dontFragment(boolean dontFragment) {
    this.dontFragment = dontFragment;
    return this;
  }

  /** For building fragments: the More Fragments flag. */
  public Ipv4Builder moreFragments(boolean moreFragments) {
    this.moreFragments = moreFragments;
    return this;
  }

  /** For building fragments: the offset in bytes, a multiple of 8. */
  public Ipv4Builder fragmentOffset(int bytes) {
    if (bytes % 8 != 0 || bytes < 0 || bytes > 0x1FFF * 8) {
      throw new IllegalArgumentException("fragment offset " + bytes);
    }
    this.fragmentOffset = bytes;
    return this;
  }

  /** Options bytes (read, not consumed); at most 40 after padding. */
  public Ipv4Builder options(ByteBuf options) {
    if (options != null && ((options.readableBytes() + 3) & ~3) > 40) {
      throw new IllegalArgumentException("IPv4 options are at most 40 bytes");
    }
    this.options = options;
    return this;
  }

  public int headerLength() {
    int optionLength = options == null ? 0 : options.readableBytes();
    return Ipv4Packet.MIN_HEADER_LENGTH + ((optionLength + 3) & ~3);
  }

  /**
   * A new buffer holding the whole datagram: this header, then the payload's readable bytes (copied
   * once; the payload is neither consumed nor released).
   */
  public ByteBuf build(ByteBufAllocator alloc, ByteBuf payload) {
    int payloadLength = payload.readableBytes();
    ByteBuf out = alloc.buffer(headerLength() + payloadLength);
    writeHeader(out, payloadLength);
    out.writeBytes(payload, payload.readerIndex(), payloadLength);
    return out;
  }

  /** Writes the header at the writer index, for a payload the caller writes next. */
  public int writeHeader(ByteBuf out, int payloadLength) {
    int headerLength = headerLength();
    out.ensureWritable(headerLength);
    setHeader(out, out.writerIndex(), payloadLength);
    out.writerIndex(out.writerIndex() + headerLength);
    return headerLength;
  }

  /**
   * Writes the header at {@code index}, in front of a payload already there (the buffer's indexes
   * are left as they are); returns the header's length.
   */
  public int setHeader(ByteBuf out, int index, int payloadLength) {
    int headerLength = headerLength();
    int totalLength = headerLength + payloadLength;
    if (totalLength > Ipv4Packet.MAX_LENGTH) {
      throw new IllegalArgumentException("datagram of " + totalLength + " bytes exceeds 65535");
    }
    out.setByte(index, 0x40 | (headerLength / 4));
    out.setByte(index + 1, tos);
    out.setShort(index + 2, totalLength);
    out.setShort(index + 4, identification);
    out.setShort(
        index + 6,
        (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | (fragmentOffset / 8));
    out.setByte(index + 8, ttl);
    out.setByte(index + 9, protocol);
    out.setShort(index + 10, 0);
    out.setInt(index + 12, source);
    out.setInt(index + 16, destination);
    if (options != null) {
      int optionLength = options.readableBytes();
      out.setBytes(
          index + Ipv4Packet.MIN_HEADER_LENGTH, options, options.readerIndex(), optionLength);
      out.setZero(
          index + Ipv4Packet.MIN_HEADER_LENGTH + optionLength,
          headerLength - Ipv4Packet.MIN_HEADER_LENGTH - optionLength);
    }
    out.setShort(index + 10, InternetChecksum.compute(out, index, headerLength));
    return headerLength;
  }

  private static int checkByte(int value, String what) {
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException(what + " " + value + " outside 0..255");
    }
    return value;
  }
}
