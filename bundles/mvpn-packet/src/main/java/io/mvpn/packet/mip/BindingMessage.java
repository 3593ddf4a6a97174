package io.mvpn.packet.mip;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_EXTENSION;
import static io.mvpn.packet.MalformedPacketException.Reason.BAD_MIP_MESSAGE;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A route optimisation message (draft-ietf-mobileip-optim-11: binding warning, request, update,
 * acknowledge) in the appliance's private numbering, docs/protocols.md "Route optimisation": type
 * 255 (IANA's experimental message), a length byte counting the rest of the fixed part, and a
 * subtype naming the draft's message. Extensions follow as in registrations; the authentication is
 * a Generalized Authentication extension (RFC 3012, type 36) of a private subtype, covering every
 * byte before its authenticator. The type-and-length head makes the whole message read as one chain
 * of extensions, which is how tshark's mip dissector walks a type 255 message.
 *
 * <pre>
 *  0  Type = 255 | Length | Subtype | Flags or Status or Reserved
 *  4  Lifetime (2) | Reserved (2)
 *  8  Home Address (4)
 * 12  subtype-specific: Care-of Address, Identification or Target
 * </pre>
 *
 * A view over the buffer; nothing is copied.
 */
public abstract sealed class BindingMessage
    permits BindingWarning, BindingRequest, BindingUpdate, BindingAcknowledge {

  public static final int SUBTYPE_WARNING = 1;
  public static final int SUBTYPE_REQUEST = 2;
  public static final int SUBTYPE_UPDATE = 3;
  public static final int SUBTYPE_ACKNOWLEDGE = 4;

  /** Generalized Authentication subtype for a mobile node - correspondent key (private). */
  public static final int AUTH_SUBTYPE_MN_CN = 250;

  /** Type, subtype, 16-bit length and SPI of the authentication extension. */
  static final int AUTH_HEADER = 8;

  final ByteBuf buf;
  final int start;
  final int length;
  private final int authOffset; // index of the authentication extension's type byte, or -1

  BindingMessage(ByteBuf buf, int fixedLength) throws MalformedPacketException {
    this.buf = buf;
    this.start = buf.readerIndex();
    this.length = buf.readableBytes();
    if (length < fixedLength || buf.getUnsignedByte(start + 1) != fixedLength - 2) {
      throw new MalformedPacketException(
          BAD_MIP_MESSAGE,
          "binding message of "
              + length
              + " bytes, fixed part "
              + (length < 2 ? -1 : buf.getUnsignedByte(start + 1) + 2)
              + " where "
              + fixedLength
              + " is due");
    }
    int found = -1;
    int i = start + fixedLength;
    int end = start + length;
    while (i < end) {
      int type = buf.getUnsignedByte(i);
      if (type == MipConstants.EXT_GENERALIZED_AUTH) {
        if (i + 4 > end || i + 4 + buf.getUnsignedShort(i + 2) > end) {
          throw new MalformedPacketException(BAD_MIP_EXTENSION, "authentication extension cut");
        }
        int extLength = buf.getUnsignedShort(i + 2);
        if (extLength < 4) {
          throw new MalformedPacketException(BAD_MIP_EXTENSION, "authentication without an SPI");
        }
        if (found < 0 && buf.getUnsignedByte(i + 1) == AUTH_SUBTYPE_MN_CN) {
          found = i;
        }
        i += 4 + extLength;
        continue;
      }
      if (i + 2 > end || i + 2 + buf.getUnsignedByte(i + 1) > end) {
        throw new MalformedPacketException(BAD_MIP_EXTENSION, "extension " + type + " cut");
      }
      if (!MipConstants.isSkippable(type)) {
        throw new MalformedPacketException(BAD_MIP_EXTENSION, "unknown extension " + type);
      }
      i += 2 + buf.getUnsignedByte(i + 1);
    }
    this.authOffset = found;
  }

  /** True if the UDP payload at its reader index is a route optimisation message. */
  public static boolean isBindingMessage(ByteBuf udpPayload) {
    return udpPayload.readableBytes() >= 3
        && udpPayload.getUnsignedByte(udpPayload.readerIndex())
            == MipConstants.EXPERIMENTAL_MESSAGE;
  }

  /** Reads whichever of the four messages the subtype names. */
  public static BindingMessage parse(ByteBuf udpPayload) throws MalformedPacketException {
    int at = udpPayload.readerIndex();
    if (udpPayload.readableBytes() < 3
        || udpPayload.getUnsignedByte(at) != MipConstants.EXPERIMENTAL_MESSAGE) {
      throw new MalformedPacketException(BAD_MIP_MESSAGE, "not a binding message");
    }
    int subtype = udpPayload.getUnsignedByte(at + 2);
    return switch (subtype) {
      case SUBTYPE_WARNING -> new BindingWarning(udpPayload);
      case SUBTYPE_REQUEST -> new BindingRequest(udpPayload);
      case SUBTYPE_UPDATE -> new BindingUpdate(udpPayload);
      case SUBTYPE_ACKNOWLEDGE -> new BindingAcknowledge(udpPayload);
      default -> throw new MalformedPacketException(BAD_MIP_MESSAGE, "binding subtype " + subtype);
    };
  }

  public ByteBuf buffer() {
    return buf;
  }

  public int offset() {
    return start;
  }

  public int length() {
    return length;
  }

  public int subtype() {
    return buf.getUnsignedByte(start + 2);
  }

  public int homeAddress() {
    return buf.getInt(start + 8);
  }

  /** True if the message carries an MN-CN authentication extension. */
  public boolean isAuthenticated() {
    return authOffset >= 0;
  }

  /** The SPI of the MN-CN authentication extension; -1 without one. */
  public long spi() {
    return authOffset < 0 ? -1 : buf.getUnsignedInt(authOffset + 4);
  }

  /**
   * Checks the MN-CN authentication extension with the association (SPI, length and value, in
   * constant time); false without one.
   */
  public boolean verify(MobilitySecurityAssociation sa) {
    if (authOffset < 0 || spi() != sa.spi()) {
      return false;
    }
    int authenticatorLength = buf.getUnsignedShort(authOffset + 2) - 4;
    if (authenticatorLength != sa.algorithm().authenticatorLength()) {
      return false;
    }
    int covered = authOffset + AUTH_HEADER - start;
    byte[] expected = sa.authenticator(buf, start, covered);
    byte[] received = new byte[authenticatorLength];
    buf.getBytes(authOffset + AUTH_HEADER, received);
    return java.security.MessageDigest.isEqual(expected, received);
  }

  /** Starts a message: type, length, subtype and the flags byte; the caller writes the rest. */
  static ByteBuf head(ByteBufAllocator alloc, int fixedLength, int subtype, int flags) {
    ByteBuf out = alloc.buffer(fixedLength + AUTH_HEADER + 32);
    out.writeByte(MipConstants.EXPERIMENTAL_MESSAGE);
    out.writeByte(fixedLength - 2);
    out.writeByte(subtype);
    out.writeByte(flags);
    return out;
  }

  /**
   * Appends the MN-CN authentication extension over everything written so far (null: sent
   * unauthenticated, as a warning may be); returns the finished UDP payload.
   */
  static ByteBuf authenticate(ByteBuf out, MobilitySecurityAssociation sa) {
    if (sa == null) {
      return out;
    }
    int start = out.readerIndex();
    out.writeByte(MipConstants.EXT_GENERALIZED_AUTH);
    out.writeByte(AUTH_SUBTYPE_MN_CN);
    out.writeShort(4 + sa.algorithm().authenticatorLength());
    out.writeInt((int) sa.spi());
    out.writeBytes(sa.authenticator(out, start, out.writerIndex() - start));
    return out;
  }
}
