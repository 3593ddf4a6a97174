package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes a registration request or reply: the fixed part, then extensions in the order they are
 * added; {@link #authenticate} appends an authentication extension computed over everything written
 * so far plus its own type, length and SPI (RFC 5944 §3.5.1). The result is a UDP payload.
 */
public final class RegistrationBuilder {

  private final ByteBuf out;
  private final int start;

  /** {@code out} holds the message from its reader index (a fresh buffer). */
  private RegistrationBuilder(ByteBuf out) {
    this.out = out;
    this.start = out.readerIndex();
  }

  public static RegistrationBuilder request(
      ByteBufAllocator alloc,
      int flags,
      int lifetime,
      int homeAddress,
      int homeAgent,
      int careOfAddress,
      long identification) {
    ByteBuf out = alloc.buffer(RegistrationRequest.FIXED_LENGTH + 64);
    out.writeByte(MipConstants.REGISTRATION_REQUEST);
    out.writeByte(flags);
    out.writeShort(lifetime);
    out.writeInt(homeAddress);
    out.writeInt(homeAgent);
    out.writeInt(careOfAddress);
    out.writeLong(identification);
    return new RegistrationBuilder(out);
  }

  public static RegistrationBuilder reply(
      ByteBufAllocator alloc,
      int code,
      int lifetime,
      int homeAddress,
      int homeAgent,
      long identification) {
    return replyWithHeadroom(alloc, 0, code, lifetime, homeAddress, homeAgent, identification);
  }

  /**
   * A reply written {@code headroom} bytes into its buffer, which {@link #build} returns with its
   * reader index there: room for the headers the reply is sent with ({@code UdpDatagram.HEADROOM}),
   * written in front of it instead of copying it behind them.
   */
  public static RegistrationBuilder replyWithHeadroom(
      ByteBufAllocator alloc,
      int headroom,
      int code,
      int lifetime,
      int homeAddress,
      int homeAgent,
      long identification) {
    return replyWithHeadroom(
        alloc.buffer(headroom + RegistrationReply.FIXED_LENGTH + 64),
        headroom,
        code,
        lifetime,
        homeAddress,
        homeAgent,
        identification);
  }

  /**
   * As {@link #replyWithHeadroom(ByteBufAllocator, int, int, int, int, int, long)}, written into
   * {@code out} from its start (whatever it held is overwritten; it grows if the extensions need
   * more than its capacity): a buffer kept for the next reply instead of a new one per reply.
   */
  public static RegistrationBuilder replyWithHeadroom(
      ByteBuf out,
      int headroom,
      int code,
      int lifetime,
      int homeAddress,
      int homeAgent,
      long identification) {
    out.clear().writerIndex(headroom).readerIndex(headroom);
    out.writeByte(MipConstants.REGISTRATION_REPLY);
    out.writeByte(code);
    out.writeShort(lifetime);
    out.writeInt(homeAddress);
    out.writeInt(homeAgent);
    out.writeLong(identification);
    return new RegistrationBuilder(out);
  }

  /**
   * Starts from the bytes of an existing message up to {@code length} (a foreign agent relaying a
   * request keeps everything through the authorization-enabling extension).
   */
  public static RegistrationBuilder copyOf(ByteBufAllocator alloc, MipMessage message, int length) {
    ByteBuf out = alloc.buffer(length + 64);
    out.writeBytes(message.buffer(), message.offset(), length);
    return new RegistrationBuilder(out);
  }

  /** Appends one extension (type, length, data). */
  public RegistrationBuilder extension(int type, ByteBuf data) {
    int length = data.readableBytes();
    if (length > 255) {
      throw new IllegalArgumentException("extension data of " + length + " bytes");
    }
    out.writeByte(type);
    out.writeByte(length);
    out.writeBytes(data, data.readerIndex(), length);
    return this;
  }

  /** Appends an authentication extension keyed by the association. */
  public RegistrationBuilder authenticate(int type, MobilitySecurityAssociation sa) {
    int authLength = sa.algorithm().authenticatorLength();
    out.writeByte(type);
    out.writeByte(4 + authLength);
    out.writeInt((int) sa.spi());
    sa.appendAuthenticator(out, start, out.writerIndex() - start);
    return this;
  }

  /** Appends a generalized authentication extension (type 36, RFC 4721 §5) of this subtype. */
  public RegistrationBuilder authenticateGeneralized(int subtype, MobilitySecurityAssociation sa) {
    GeneralizedAuthentication.append(out, start, subtype, sa);
    return this;
  }

  /** The message written so far. */
  public ByteBuf build() {
    return out;
  }
}
