package io.mvpn.diameter.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Diameter message (RFC 6733 §3): the 20-octet header and its AVPs in order. Immutable; the
 * factory methods build requests and the answers that match them.
 */
public final class DiameterMessage {

  public static final int VERSION = 1;
  public static final int HEADER_LENGTH = 20;

  /** Largest message accepted: the Length field's 24 bits. */
  public static final int MAX_LENGTH = 0xFFFFFF;

  public static final int FLAG_REQUEST = 0x80;
  public static final int FLAG_PROXIABLE = 0x40;
  public static final int FLAG_ERROR = 0x20;
  public static final int FLAG_RETRANSMIT = 0x10;

  private final int flags;
  private final int commandCode;
  private final long applicationId;
  private final int hopByHop;
  private final int endToEnd;
  private final List<Avp> avps;

  public DiameterMessage(
      int flags, int commandCode, long applicationId, int hopByHop, int endToEnd, List<Avp> avps) {
    this.flags = flags & 0xFF;
    this.commandCode = commandCode;
    this.applicationId = applicationId & 0xFFFFFFFFL;
    this.hopByHop = hopByHop;
    this.endToEnd = endToEnd;
    this.avps = List.copyOf(avps);
  }

  /** A request; the caller sets the identifiers (the peer does, on sending). */
  public static DiameterMessage request(
      int commandCode, long applicationId, boolean proxiable, List<Avp> avps) {
    return new DiameterMessage(
        FLAG_REQUEST | (proxiable ? FLAG_PROXIABLE : 0), commandCode, applicationId, 0, 0, avps);
  }

  /**
   * The answer to {@code request}: same command, application, P bit and identifiers (§6.2); E set
   * for protocol errors (3xxx, §7.1.3).
   */
  public static DiameterMessage answer(DiameterMessage request, int resultCode, List<Avp> avps) {
    List<Avp> all = new ArrayList<>();
    request.find(AvpCode.SESSION_ID).ifPresent(all::add);
    all.add(Avp.unsigned32(AvpCode.RESULT_CODE, resultCode));
    all.addAll(avps);
    // Proxy-Info is carried back unchanged (§6.2).
    all.addAll(request.findAll(AvpCode.PROXY_INFO));
    int flags =
        (request.flags & FLAG_PROXIABLE)
            | (ResultCode.isProtocolError(resultCode) ? FLAG_ERROR : 0);
    return new DiameterMessage(
        flags, request.commandCode, request.applicationId, request.hopByHop, request.endToEnd, all);
  }

  public boolean isRequest() {
    return (flags & FLAG_REQUEST) != 0;
  }

  public boolean isProxiable() {
    return (flags & FLAG_PROXIABLE) != 0;
  }

  public boolean isError() {
    return (flags & FLAG_ERROR) != 0;
  }

  public boolean isRetransmit() {
    return (flags & FLAG_RETRANSMIT) != 0;
  }

  public int flags() {
    return flags;
  }

  public int commandCode() {
    return commandCode;
  }

  public long applicationId() {
    return applicationId;
  }

  public int hopByHop() {
    return hopByHop;
  }

  public int endToEnd() {
    return endToEnd;
  }

  public List<Avp> avps() {
    return avps;
  }

  /** The same message with other Hop-by-Hop and End-to-End identifiers. */
  public DiameterMessage withIdentifiers(int hopByHop, int endToEnd) {
    return new DiameterMessage(flags, commandCode, applicationId, hopByHop, endToEnd, avps);
  }

  /** The same message with the T bit set: a request re-sent after failover (§3). */
  public DiameterMessage retransmitted() {
    return new DiameterMessage(
        flags | FLAG_RETRANSMIT, commandCode, applicationId, hopByHop, endToEnd, avps);
  }

  /** The same message with one more AVP at the end (Route-Record on relaying, §6.1.9). */
  public DiameterMessage with(Avp avp) {
    List<Avp> more = new ArrayList<>(avps);
    more.add(avp);
    return new DiameterMessage(flags, commandCode, applicationId, hopByHop, endToEnd, more);
  }

  public java.util.Optional<Avp> find(int code) {
    for (Avp a : avps) {
      if (a.code() == code && a.vendorId() == 0) {
        return java.util.Optional.of(a);
      }
    }
    return java.util.Optional.empty();
  }

  public List<Avp> findAll(int code) {
    List<Avp> found = new ArrayList<>();
    for (Avp a : avps) {
      if (a.code() == code && a.vendorId() == 0) {
        found.add(a);
      }
    }
    return Collections.unmodifiableList(found);
  }

  /** The text of the first AVP with {@code code}, or null. */
  public String utf8(int code) {
    return find(code).map(Avp::asUtf8).orElse(null);
  }

  /** The Unsigned32 value of the first AVP with {@code code}, or -1 when absent. */
  public long unsigned32(int code) throws MalformedDiameterException {
    var a = find(code);
    return a.isPresent() ? a.get().asUnsigned32() : -1;
  }

  /** Result-Code, or -1 when absent. */
  public long resultCode() throws MalformedDiameterException {
    return unsigned32(AvpCode.RESULT_CODE);
  }

  /** Message Length: header and padded AVPs. */
  public int length() {
    int n = HEADER_LENGTH;
    for (Avp a : avps) {
      n += a.paddedLength();
    }
    return n;
  }

  public void encode(ByteBuf out) {
    out.writeByte(VERSION);
    out.writeMedium(length());
    out.writeByte(flags);
    out.writeMedium(commandCode);
    out.writeInt((int) applicationId);
    out.writeInt(hopByHop);
    out.writeInt(endToEnd);
    for (Avp a : avps) {
      a.encode(out);
    }
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(length());
    encode(out);
    return out;
  }

  public byte[] toBytes() {
    ByteBuf out = io.netty.buffer.Unpooled.buffer(length());
    encode(out);
    byte[] b = new byte[out.readableBytes()];
    out.readBytes(b);
    return b;
  }

  /**
   * Reads one whole message: {@code in} holds exactly its octets (a TCP frame). Header errors come
   * first (5011 version, 5015 length, 3008 header bits), then the AVPs' (5014, 5004).
   */
  public static DiameterMessage decode(ByteBuf in) throws MalformedDiameterException {
    int readable = in.readableBytes();
    if (readable < HEADER_LENGTH) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_MESSAGE_LENGTH, readable + " octets, shorter than the header");
    }
    int version = in.readUnsignedByte();
    int length = in.readUnsignedMedium();
    int flags = in.readUnsignedByte();
    int commandCode = in.readUnsignedMedium();
    long applicationId = in.readUnsignedInt();
    int hopByHop = in.readInt();
    int endToEnd = in.readInt();
    DiameterMessage header =
        new DiameterMessage(flags, commandCode, applicationId, hopByHop, endToEnd, List.of());
    if (version != VERSION) {
      throw new MalformedDiameterException(ResultCode.UNSUPPORTED_VERSION, "version " + version)
          .inMessage(header);
    }
    if (length != readable || (length & 3) != 0) {
      throw new MalformedDiameterException(
              ResultCode.INVALID_MESSAGE_LENGTH,
              "Length " + length + " for " + readable + " octets")
          .inMessage(header);
    }
    if ((flags & FLAG_REQUEST) != 0 && (flags & FLAG_ERROR) != 0) {
      throw new MalformedDiameterException(ResultCode.INVALID_HDR_BITS, "E bit on a request")
          .inMessage(header);
    }
    List<Avp> avps;
    try {
      avps = Avp.decodeAll(in, length - HEADER_LENGTH);
    } catch (MalformedDiameterException e) {
      throw e.inMessage(header);
    }
    return new DiameterMessage(flags, commandCode, applicationId, hopByHop, endToEnd, avps);
  }

  /**
   * Refuses the first AVP with the M bit that the dictionary does not know (5001, §4.1). Local
   * processing calls this; a relay forwards such AVPs untouched.
   */
  public void requireKnownMandatoryAvps() throws MalformedDiameterException {
    for (Avp a : avps) {
      if (a.isMandatory() && Dictionary.lookup(a.vendorId(), a.code()) == null) {
        throw new MalformedDiameterException(
            ResultCode.AVP_UNSUPPORTED, a.name() + " has the M bit and is unknown", a);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DiameterMessage m
        && m.flags == flags
        && m.commandCode == commandCode
        && m.applicationId == applicationId
        && m.hopByHop == hopByHop
        && m.endToEnd == endToEnd
        && m.avps.equals(avps);
  }

  @Override
  public int hashCode() {
    return (commandCode * 31 + hopByHop) * 31 + endToEnd;
  }

  @Override
  public String toString() {
    return CommandCode.abbreviation(commandCode, isRequest())
        + " app "
        + applicationId
        + " hbh "
        + Integer.toUnsignedString(hopByHop, 16)
        + " e2e "
        + Integer.toUnsignedString(endToEnd, 16)
        + " "
        + avps;
  }
}
