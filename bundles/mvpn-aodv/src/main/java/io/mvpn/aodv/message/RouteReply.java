package io.mvpn.aodv.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * A Route Reply (RFC 3561 §5.2), 20 bytes plus extensions:
 *
 * <pre>
 * 0 Type=2 | 1 R A, 6 reserved bits | 2 3 reserved bits, Prefix Size (5 bits) | 3 Hop Count
 * 4 Destination IP | 8 Destination Seq | 12 Originator IP | 16 Lifetime (ms)
 * </pre>
 *
 * @param flags any of {@link #REPAIR}, {@link #ACK_REQUIRED}
 * @param prefixSize 0 to 31: a non-zero value says the next hop serves the whole subnet
 * @param destinationSequence unsigned 32 bits
 * @param lifetimeMillis unsigned 32 bits, 0 to 4294967295
 */
public record RouteReply(
    int flags,
    int prefixSize,
    int hopCount,
    Ipv4Address destination,
    int destinationSequence,
    Ipv4Address originator,
    long lifetimeMillis,
    List<AodvExtension> extensions)
    implements AodvMessage {

  public static final int FIXED_LENGTH = 20;

  /** R: repair flag, for multicast. */
  public static final int REPAIR = 0x80;

  /** A: the sender wants a RREP-ACK. */
  public static final int ACK_REQUIRED = 0x40;

  static final int DEFINED_FLAGS = REPAIR | ACK_REQUIRED;

  public static final int MAX_PREFIX_SIZE = 31;

  public RouteReply {
    AodvMessages.checkFlags("RREP", flags, DEFINED_FLAGS);
    if (prefixSize < 0 || prefixSize > MAX_PREFIX_SIZE) {
      throw new IllegalArgumentException("prefix size " + prefixSize);
    }
    AodvMessages.checkUnsignedByte("hop count", hopCount);
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(originator, "originator");
    if (lifetimeMillis < 0 || lifetimeMillis > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("lifetime " + lifetimeMillis + " ms");
    }
    extensions = List.copyOf(extensions);
  }

  /**
   * A Hello (§6.9): DestIP = {@code self}, DestSeq = the node's own latest sequence number, Hop
   * Count 0, Lifetime = {@code allowedHelloLoss} x {@code helloIntervalMillis}. The RFC leaves the
   * Originator IP open; it is {@code self} here too. With {@code advertiseInterval} the Hello
   * carries the Hello Interval extension (§9.1). The caller sends it broadcast with IP TTL 1.
   */
  public static RouteReply hello(
      Ipv4Address self,
      int ownSequence,
      long helloIntervalMillis,
      int allowedHelloLoss,
      boolean advertiseInterval) {
    if (helloIntervalMillis <= 0 || allowedHelloLoss <= 0) {
      throw new IllegalArgumentException(
          "hello interval " + helloIntervalMillis + " ms, loss " + allowedHelloLoss);
    }
    return new RouteReply(
        0,
        0,
        0,
        self,
        ownSequence,
        self,
        Math.multiplyExact(helloIntervalMillis, allowedHelloLoss),
        advertiseInterval ? List.of(AodvExtension.helloInterval(helloIntervalMillis)) : List.of());
  }

  /** The reply that is the buffer's readable bytes; the reader index is not moved. */
  public static RouteReply parse(ByteBuf udpPayload) throws AodvFormatException {
    int s = AodvMessages.start(udpPayload, AodvMessages.RREP, FIXED_LENGTH, "RREP");
    return new RouteReply(
        udpPayload.getUnsignedByte(s + 1) & DEFINED_FLAGS,
        udpPayload.getUnsignedByte(s + 2) & MAX_PREFIX_SIZE,
        udpPayload.getUnsignedByte(s + 3),
        Ipv4Address.of(udpPayload.getInt(s + 4)),
        udpPayload.getInt(s + 8),
        Ipv4Address.of(udpPayload.getInt(s + 12)),
        udpPayload.getUnsignedInt(s + 16),
        AodvExtension.parseAll(udpPayload, s + FIXED_LENGTH, udpPayload.writerIndex()));
  }

  @Override
  public int type() {
    return AodvMessages.RREP;
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  /** The same reply with another hop count (a forwarder adds 1, §6.7). */
  public RouteReply withHopCount(int newHopCount) {
    return new RouteReply(
        flags,
        prefixSize,
        newHopCount,
        destination,
        destinationSequence,
        originator,
        lifetimeMillis,
        extensions);
  }

  /** The same reply with {@code newExtensions} in place of its extensions. */
  public RouteReply withExtensions(List<AodvExtension> newExtensions) {
    return new RouteReply(
        flags,
        prefixSize,
        hopCount,
        destination,
        destinationSequence,
        originator,
        lifetimeMillis,
        newExtensions);
  }

  @Override
  public int encodedLength() {
    return FIXED_LENGTH + AodvExtension.encodedLength(extensions);
  }

  @Override
  public void writeTo(ByteBuf out) {
    out.writeByte(AodvMessages.RREP);
    out.writeByte(flags);
    out.writeByte(prefixSize);
    out.writeByte(hopCount);
    out.writeInt(destination.toInt());
    out.writeInt(destinationSequence);
    out.writeInt(originator.toInt());
    out.writeInt((int) lifetimeMillis);
    AodvExtension.writeAll(extensions, out);
  }

  @Override
  public String toString() {
    return String.format(
        "RREP flags 0x%02x prefix %d hops %d dest %s seq %s orig %s lifetime %d ms%s",
        flags,
        prefixSize,
        hopCount,
        destination,
        SequenceNumbers.toString(destinationSequence),
        originator,
        lifetimeMillis,
        extensions.isEmpty() ? "" : " " + extensions);
  }
}
