package io.mvpn.aodv.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * A Route Request (RFC 3561 §5.1), 24 bytes plus extensions:
 *
 * <pre>
 * 0 Type=1 | 1 J R G D U, 3 reserved bits | 2 reserved | 3 Hop Count
 * 4 RREQ ID | 8 Destination IP | 12 Destination Seq | 16 Originator IP | 20 Originator Seq
 * </pre>
 *
 * @param flags any of {@link #JOIN}, {@link #REPAIR}, {@link #GRATUITOUS}, {@link
 *     #DESTINATION_ONLY}, {@link #UNKNOWN_SEQUENCE}
 * @param rreqId unsigned 32 bits
 * @param destinationSequence unsigned 32 bits; meaningless when {@link #UNKNOWN_SEQUENCE} is set
 * @param originatorSequence unsigned 32 bits
 */
public record RouteRequest(
    int flags,
    int hopCount,
    int rreqId,
    Ipv4Address destination,
    int destinationSequence,
    Ipv4Address originator,
    int originatorSequence,
    List<AodvExtension> extensions)
    implements AodvMessage {

  public static final int FIXED_LENGTH = 24;

  /** J: join flag, reserved for multicast. */
  public static final int JOIN = 0x80;

  /** R: repair flag, reserved for multicast. */
  public static final int REPAIR = 0x40;

  /** G: a gratuitous RREP should be unicast to the destination (§6.6.3). */
  public static final int GRATUITOUS = 0x20;

  /** D: only the destination may answer. */
  public static final int DESTINATION_ONLY = 0x10;

  /** U: the destination sequence number is unknown. */
  public static final int UNKNOWN_SEQUENCE = 0x08;

  static final int DEFINED_FLAGS = JOIN | REPAIR | GRATUITOUS | DESTINATION_ONLY | UNKNOWN_SEQUENCE;

  public RouteRequest {
    AodvMessages.checkFlags("RREQ", flags, DEFINED_FLAGS);
    AodvMessages.checkUnsignedByte("hop count", hopCount);
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(originator, "originator");
    extensions = List.copyOf(extensions);
  }

  /** The request that is the buffer's readable bytes; the reader index is not moved. */
  public static RouteRequest parse(ByteBuf udpPayload) throws AodvFormatException {
    int s = AodvMessages.start(udpPayload, AodvMessages.RREQ, FIXED_LENGTH, "RREQ");
    return new RouteRequest(
        udpPayload.getUnsignedByte(s + 1) & DEFINED_FLAGS,
        udpPayload.getUnsignedByte(s + 3),
        udpPayload.getInt(s + 4),
        Ipv4Address.of(udpPayload.getInt(s + 8)),
        udpPayload.getInt(s + 12),
        Ipv4Address.of(udpPayload.getInt(s + 16)),
        udpPayload.getInt(s + 20),
        AodvExtension.parseAll(udpPayload, s + FIXED_LENGTH, udpPayload.writerIndex()));
  }

  @Override
  public int type() {
    return AodvMessages.RREQ;
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  /** Whether the destination sequence number means anything (the U flag is clear). */
  public boolean destinationSequenceKnown() {
    return !hasFlag(UNKNOWN_SEQUENCE);
  }

  /** The same request with another hop count (a forwarder adds 1, §6.5). */
  public RouteRequest withHopCount(int newHopCount) {
    return new RouteRequest(
        flags,
        newHopCount,
        rreqId,
        destination,
        destinationSequence,
        originator,
        originatorSequence,
        extensions);
  }

  @Override
  public int encodedLength() {
    return FIXED_LENGTH + AodvExtension.encodedLength(extensions);
  }

  @Override
  public void writeTo(ByteBuf out) {
    out.writeByte(AodvMessages.RREQ);
    out.writeByte(flags);
    out.writeByte(0);
    out.writeByte(hopCount);
    out.writeInt(rreqId);
    out.writeInt(destination.toInt());
    out.writeInt(destinationSequence);
    out.writeInt(originator.toInt());
    out.writeInt(originatorSequence);
    AodvExtension.writeAll(extensions, out);
  }

  @Override
  public String toString() {
    return String.format(
        "RREQ flags 0x%02x hops %d id %s dest %s seq %s orig %s seq %s%s",
        flags,
        hopCount,
        Integer.toUnsignedString(rreqId),
        destination,
        SequenceNumbers.toString(destinationSequence),
        originator,
        SequenceNumbers.toString(originatorSequence),
        extensions.isEmpty() ? "" : " " + extensions);
  }
}
