package io.mvpn.packet.siu;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_SIU;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.MessageDigest;

/**
 * A Security Information Update (seed 001, Fig. 4 steps 34-36): sent by a home agent over UDP to
 * the security gateway a registration request came through. It names the mobile node, its old and
 * new care-of addresses, and carries the registration reply the gateway forwards through the
 * re-pointed SA. Layout (docs/protocols.md):
 *
 * <pre>
 *  0  Type = 1 | Version = 1 | Reply Port (2)
 *  4  Identification (8): NTP-format time, strictly increasing per home agent (replay protection)
 * 12  Home Address (4)
 * 16  Home Agent (4)
 * 20  Old Care-of Address (4)
 * 24  New Care-of Address (4)
 * 28  Reply Length (2) | Reserved (2) = 0
 * 32  Registration Reply (Reply Length bytes: the UDP payload of the reply)
 *     Authentication: Type = 1 | Length | SPI (4) | Authenticator (HMAC over every byte before it)
 * </pre>
 *
 * A view over the buffer; nothing is copied.
 */
public final class SecurityInformationUpdate {

  /** The UDP port a gateway listens on for updates (configurable; not IANA-assigned). */
  public static final int DEFAULT_PORT = 4434;

  public static final int TYPE = 1;
  public static final int VERSION = 1;
  public static final int FIXED_LENGTH = 32;
  public static final int AUTH_TYPE = 1;

  private final ByteBuf buf;
  private final int start;
  private final int replyLength;
  private final int authOffset;
  private final int authenticatorLength;

  private SecurityInformationUpdate(ByteBuf buf) throws MalformedPacketException {
    this.buf = buf;
    this.start = buf.readerIndex();
    int length = buf.readableBytes();
    if (length < FIXED_LENGTH + 6) {
      throw new MalformedPacketException(BAD_SIU, "SIU of " + length + " bytes");
    }
    if (buf.getUnsignedByte(start) != TYPE) {
      throw new MalformedPacketException(BAD_SIU, "type " + buf.getUnsignedByte(start));
    }
    if (buf.getUnsignedByte(start + 1) != VERSION) {
      throw new MalformedPacketException(BAD_SIU, "version " + buf.getUnsignedByte(start + 1));
    }
    replyLength = buf.getUnsignedShort(start + 28);
    authOffset = start + FIXED_LENGTH + replyLength;
    if (authOffset + 6 > start + length) {
      throw new MalformedPacketException(
          BAD_SIU, "reply of " + replyLength + " bytes leaves no room for the authenticator");
    }
    if (buf.getUnsignedByte(authOffset) != AUTH_TYPE) {
      throw new MalformedPacketException(
          BAD_SIU, "extension " + buf.getUnsignedByte(authOffset) + " where authentication is due");
    }
    int extLength = buf.getUnsignedByte(authOffset + 1);
    if (extLength < 4 || authOffset + 2 + extLength != start + length) {
      throw new MalformedPacketException(
          BAD_SIU, "authentication extension of " + extLength + " bytes does not end the message");
    }
    authenticatorLength = extLength - 4;
  }

  /** Parses the UDP payload at its reader index. */
  public static SecurityInformationUpdate parse(ByteBuf udpPayload)
      throws MalformedPacketException {
    return new SecurityInformationUpdate(udpPayload);
  }

  /**
   * Builds an authenticated update; {@code reply} (the reply's UDP payload) is read, not consumed.
   */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      int replyPort,
      long identification,
      Ipv4Address homeAddress,
      Ipv4Address homeAgent,
      Ipv4Address oldCareOf,
      Ipv4Address newCareOf,
      ByteBuf reply,
      MobilitySecurityAssociation key) {
    int replyLength = reply.readableBytes();
    if (replyLength > 0xFFFF) {
      throw new IllegalArgumentException("reply of " + replyLength + " bytes");
    }
    int authLength = key.algorithm().authenticatorLength();
    ByteBuf out = alloc.buffer(FIXED_LENGTH + replyLength + 6 + authLength);
    out.writeByte(TYPE)
        .writeByte(VERSION)
        .writeShort(replyPort)
        .writeLong(identification)
        .writeInt(homeAddress.toInt())
        .writeInt(homeAgent.toInt())
        .writeInt(oldCareOf.toInt())
        .writeInt(newCareOf.toInt())
        .writeShort(replyLength)
        .writeShort(0)
        .writeBytes(reply, reply.readerIndex(), replyLength)
        .writeByte(AUTH_TYPE)
        .writeByte(4 + authLength)
        .writeInt((int) key.spi());
    out.writeBytes(key.authenticator(out, out.readerIndex(), out.readableBytes()));
    return out;
  }

  public int replyPort() {
    return buf.getUnsignedShort(start + 2);
  }

  public long identification() {
    return buf.getLong(start + 4);
  }

  public Ipv4Address homeAddress() {
    return Ipv4Address.of(buf.getInt(start + 12));
  }

  public Ipv4Address homeAgent() {
    return Ipv4Address.of(buf.getInt(start + 16));
  }

  public Ipv4Address oldCareOf() {
    return Ipv4Address.of(buf.getInt(start + 20));
  }

  public Ipv4Address newCareOf() {
    return Ipv4Address.of(buf.getInt(start + 24));
  }

  /** The registration reply (its UDP payload), a slice of this message. */
  public ByteBuf reply() {
    return buf.slice(start + FIXED_LENGTH, replyLength);
  }

  public long spi() {
    return buf.getUnsignedInt(authOffset + 2);
  }

  /**
   * True if {@code key} is the association named by the SPI and the authenticator matches (compared
   * in constant time). Callers check this before they read anything else as true.
   */
  public boolean verify(MobilitySecurityAssociation key) {
    if (key.spi() != spi() || key.algorithm().authenticatorLength() != authenticatorLength) {
      return false;
    }
    byte[] expected = key.authenticator(buf, start, authOffset + 6 - start);
    byte[] received = new byte[authenticatorLength];
    buf.getBytes(authOffset + 6, received);
    return MessageDigest.isEqual(expected, received);
  }

  @Override
  public String toString() {
    return "SIU "
        + homeAddress()
        + " "
        + oldCareOf()
        + " -> "
        + newCareOf()
        + " id "
        + Long.toHexString(identification());
  }
}
