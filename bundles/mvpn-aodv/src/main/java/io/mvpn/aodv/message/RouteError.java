package io.mvpn.aodv.message;

import io.mvpn.api.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * A Route Error (RFC 3561 §5.3), 4 + 8 x DestCount bytes plus extensions:
 *
 * <pre>
 * 0 Type=3 | 1 N, 7 reserved bits | 2 reserved | 3 DestCount (at least 1)
 * then DestCount x (4 Unreachable Destination IP, 4 its Sequence Number)
 * </pre>
 *
 * @param flags {@link #NO_DELETE} or 0
 * @param destinations 1 to 255 unreachable destinations, in message order
 */
public record RouteError(int flags, List<Unreachable> destinations, List<AodvExtension> extensions)
    implements AodvMessage {

  public static final int FIXED_LENGTH = 4;

  /** Bytes per unreachable destination. */
  public static final int ENTRY_LENGTH = 8;

  /** N: a node repaired the link locally; upstream nodes must not delete the route (§6.12). */
  public static final int NO_DELETE = 0x80;

  public static final int MAX_DESTINATIONS = 255;

  /**
   * One unreachable destination and its sequence number (unsigned 32 bits, §6.11: incremented by
   * the node that detected the break).
   */
  public record Unreachable(Ipv4Address address, int sequence) {
    public Unreachable {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
      return address + " seq " + SequenceNumbers.toString(sequence);
    }
  }

  public RouteError {
    AodvMessages.checkFlags("RERR", flags, NO_DELETE);
    destinations = List.copyOf(destinations);
    if (destinations.isEmpty() || destinations.size() > MAX_DESTINATIONS) {
      throw new IllegalArgumentException("RERR with " + destinations.size() + " destinations");
    }
    extensions = List.copyOf(extensions);
  }

  /** The error that is the buffer's readable bytes; the reader index is not moved. */
  public static RouteError parse(ByteBuf udpPayload) throws AodvFormatException {
    int s = AodvMessages.start(udpPayload, AodvMessages.RERR, FIXED_LENGTH, "RERR");
    int count = udpPayload.getUnsignedByte(s + 3);
    if (count == 0) {
      throw new AodvFormatException(
          AodvFormatException.Reason.BAD_DESTINATION_COUNT, "RERR with DestCount 0");
    }
    int fixed = FIXED_LENGTH + ENTRY_LENGTH * count;
    if (udpPayload.readableBytes() < fixed) {
      throw new AodvFormatException(
          AodvFormatException.Reason.TRUNCATED,
          "RERR of "
              + count
              + " destinations needs "
              + fixed
              + " bytes, got "
              + udpPayload.readableBytes());
    }
    Unreachable[] entries = new Unreachable[count];
    for (int i = 0; i < count; i++) {
      int at = s + FIXED_LENGTH + ENTRY_LENGTH * i;
      entries[i] =
          new Unreachable(Ipv4Address.of(udpPayload.getInt(at)), udpPayload.getInt(at + 4));
    }
    return new RouteError(
        udpPayload.getUnsignedByte(s + 1) & NO_DELETE,
        List.of(entries),
        AodvExtension.parseAll(udpPayload, s + fixed, udpPayload.writerIndex()));
  }

  @Override
  public int type() {
    return AodvMessages.RERR;
  }

  public boolean noDelete() {
    return (flags & NO_DELETE) != 0;
  }

  @Override
  public int encodedLength() {
    return FIXED_LENGTH
        + ENTRY_LENGTH * destinations.size()
        + AodvExtension.encodedLength(extensions);
  }

  @Override
  public void writeTo(ByteBuf out) {
    out.writeByte(AodvMessages.RERR);
    out.writeByte(flags);
    out.writeByte(0);
    out.writeByte(destinations.size());
    for (Unreachable u : destinations) {
      out.writeInt(u.address().toInt());
      out.writeInt(u.sequence());
    }
    AodvExtension.writeAll(extensions, out);
  }

  @Override
  public String toString() {
    return (noDelete() ? "RERR N " : "RERR ")
        + destinations
        + (extensions.isEmpty() ? "" : " " + extensions);
  }
}
