package io.mvpn.diameter.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One attribute-value pair (RFC 6733 §4.1): code, flags, optional Vendor-ID and the payload, kept
 * as the octets received so a relay forwards what it does not understand unchanged.
 */
public final class Avp {

  public static final int FLAG_VENDOR = 0x80;
  public static final int FLAG_MANDATORY = 0x40;
  public static final int FLAG_PROTECTED = 0x20;

  private static final int HEADER = 8;

  private final int code;
  private final int flags;
  private final int vendorId;
  private final byte[] data;

  private Avp(int code, int flags, int vendorId, byte[] data) {
    this.code = code;
    this.flags = vendorId != 0 ? flags | FLAG_VENDOR : flags & ~FLAG_VENDOR;
    this.vendorId = vendorId;
    this.data = data;
  }

  /** An AVP with raw payload octets (copied). */
  public static Avp of(int code, int flags, int vendorId, byte[] data) {
    return new Avp(code, flags, vendorId, data.clone());
  }

  /** A base or NASREQ AVP with the M bit set. */
  public static Avp mandatory(int code, byte[] data) {
    return new Avp(code, FLAG_MANDATORY, 0, data.clone());
  }

  public static Avp unsigned32(int code, long value) {
    return new Avp(code, FLAG_MANDATORY, 0, u32(value));
  }

  /** UTF8String, DiameterIdentity and IPFilterRule AVPs alike: text in UTF-8. */
  public static Avp utf8(int code, String value) {
    return new Avp(code, FLAG_MANDATORY, 0, value.getBytes(StandardCharsets.UTF_8));
  }

  /** An Address AVP: family 1 (IPv4) or 2 (IPv6) and the address (§4.3.1). */
  public static Avp address(int code, InetAddress address) {
    byte[] a = address.getAddress();
    byte[] d = new byte[2 + a.length];
    d[1] = (byte) (a.length == 4 ? 1 : 2);
    System.arraycopy(a, 0, d, 2, a.length);
    return new Avp(code, FLAG_MANDATORY, 0, d);
  }

  /** A Grouped AVP: the members, each padded, one after the other (§4.4). */
  public static Avp grouped(int code, List<Avp> members) {
    ByteBuf buf = Unpooled.buffer();
    for (Avp m : members) {
      m.encode(buf);
    }
    byte[] d = new byte[buf.readableBytes()];
    buf.readBytes(d);
    return new Avp(code, FLAG_MANDATORY, 0, d);
  }

  /** The same AVP without the M bit: Product-Name and Firmware-Revision are sent so (§5.3). */
  public Avp notMandatory() {
    return new Avp(code, flags & ~FLAG_MANDATORY, vendorId, data);
  }

  public int code() {
    return code;
  }

  public int flags() {
    return flags;
  }

  public int vendorId() {
    return vendorId;
  }

  public boolean isMandatory() {
    return (flags & FLAG_MANDATORY) != 0;
  }

  /** The payload octets (a copy). */
  public byte[] data() {
    return data.clone();
  }

  public int dataLength() {
    return data.length;
  }

  /** The AVP Length field: header, Vendor-ID if present, payload; padding excluded. */
  public int length() {
    return HEADER + (vendorId != 0 ? 4 : 0) + data.length;
  }

  /** Octets on the wire, padding included. */
  public int paddedLength() {
    return (length() + 3) & ~3;
  }

  /** The payload as an Unsigned32 (or Enumerated, Integer32 read as unsigned). */
  public long asUnsigned32() throws MalformedDiameterException {
    if (data.length != 4) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_LENGTH, name() + " is not 4 octets", this);
    }
    return ((data[0] & 0xFFL) << 24)
        | ((data[1] & 0xFF) << 16)
        | ((data[2] & 0xFF) << 8)
        | (data[3] & 0xFF);
  }

  /** The payload as UTF-8 text. */
  public String asUtf8() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** The payload of an Address AVP. */
  public InetAddress asAddress() throws MalformedDiameterException {
    int family = data.length >= 2 ? ((data[0] & 0xFF) << 8) | (data[1] & 0xFF) : -1;
    int expected = family == 1 ? 4 : family == 2 ? 16 : -1;
    if (expected < 0 || data.length != 2 + expected) {
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_VALUE,
          name() + " has family " + family + " and " + data.length + " octets",
          this);
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(data, 2, data.length));
    } catch (UnknownHostException e) {
      throw new MalformedDiameterException(ResultCode.INVALID_AVP_VALUE, e.getMessage(), this);
    }
  }

  /** The members of a Grouped AVP. */
  public List<Avp> asGrouped() throws MalformedDiameterException {
    return decodeAll(Unpooled.wrappedBuffer(data), data.length, 0, !isFailedAvp());
  }

  /**
   * Whether this is a Failed-AVP, whose members are the offending AVPs as received (§7.5): read for
   * their framing only, or no error answer naming an AVP of the wrong length could be read.
   */
  private boolean isFailedAvp() {
    return code == AvpCode.FAILED_AVP && vendorId == 0;
  }

  /**
   * How deep Grouped AVPs may nest: the base and NASREQ grammars need two levels (Failed-AVP or
   * Proxy-Info holding an AVP); each level is checked on a copy, so without a bound a message of
   * nested headers alone would cost its size again at every level before any peer is known.
   */
  static final int MAX_GROUPED_DEPTH = 8;

  /** The dictionary name, for logs. */
  public String name() {
    return Dictionary.name(vendorId, code);
  }

  /** Writes this AVP and its zero padding. */
  public void encode(ByteBuf out) {
    out.writeInt(code);
    out.writeByte(flags);
    out.writeMedium(length());
    if (vendorId != 0) {
      out.writeInt(vendorId);
    }
    out.writeBytes(data);
    out.writeZero(paddedLength() - length());
  }

  /**
   * Reads AVPs from {@code in} until {@code length} octets are used, checking each known AVP's
   * length against its type (5014) and, for Grouped ones, their members too.
   */
  public static List<Avp> decodeAll(ByteBuf in, int length) throws MalformedDiameterException {
    return decodeAll(in, length, 0, true);
  }

  /** {@code typed}: each known AVP checked against its type, else only the framing. */
  private static List<Avp> decodeAll(ByteBuf in, int length, int depth, boolean typed)
      throws MalformedDiameterException {
    List<Avp> avps = new ArrayList<>();
    int end = in.readerIndex() + length;
    while (in.readerIndex() < end) {
      avps.add(decode(in, end, depth, typed));
    }
    return avps;
  }

  private static Avp decode(ByteBuf in, int end, int depth, boolean typed)
      throws MalformedDiameterException {
    int left = end - in.readerIndex();
    if (left < HEADER) {
      in.readerIndex(end);
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_LENGTH, left + " octets left, less than an AVP header");
    }
    int code = in.readInt();
    int flags = in.readUnsignedByte();
    int length = in.readUnsignedMedium();
    boolean vendor = (flags & FLAG_VENDOR) != 0;
    int vendorId = 0;
    int header = HEADER;
    if (vendor) {
      if (left < HEADER + 4) {
        throw new MalformedDiameterException(
            ResultCode.INVALID_AVP_LENGTH, "vendor AVP " + code + " cut short");
      }
      vendorId = in.readInt();
      header += 4;
    }
    int padded = (length + 3) & ~3;
    if (length < header || padded > left) {
      // The AVP as far as it goes, for Failed-AVP (§7.5: the offending AVP's header).
      byte[] some = new byte[Math.max(0, Math.min(left - header, Math.max(0, length - header)))];
      in.readBytes(some);
      in.readerIndex(end);
      throw new MalformedDiameterException(
          ResultCode.INVALID_AVP_LENGTH,
          "AVP " + code + " claims " + length + " octets, " + left + " left",
          new Avp(code, flags, vendorId, some));
    }
    byte[] data = new byte[length - header];
    in.readBytes(data);
    in.skipBytes(padded - length);
    Avp avp = new Avp(code, flags, vendorId, data);
    Dictionary.Entry known = typed ? Dictionary.lookup(vendorId, code) : null;
    if (known != null) {
      if (!known.type().allowsLength(data.length)) {
        throw new MalformedDiameterException(
            ResultCode.INVALID_AVP_LENGTH, known.name() + " of " + data.length + " octets", avp);
      }
      if (known.type() == AvpType.ADDRESS) {
        avp.asAddress();
      } else if (known.type() == AvpType.GROUPED) {
        if (depth >= MAX_GROUPED_DEPTH) {
          throw new MalformedDiameterException(
              ResultCode.INVALID_AVP_VALUE,
              known.name() + " nested deeper than " + MAX_GROUPED_DEPTH + " Grouped AVPs",
              avp);
        }
        decodeAll(Unpooled.wrappedBuffer(avp.data), avp.data.length, depth + 1, !avp.isFailedAvp());
      }
    }
    return avp;
  }

  static byte[] u32(long value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Avp a
        && a.code == code
        && a.flags == flags
        && a.vendorId == vendorId
        && Arrays.equals(a.data, data);
  }

  @Override
  public int hashCode() {
    return (code * 31 + vendorId) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return name() + (isMandatory() ? "(M)" : "") + "[" + data.length + "]";
  }
}
