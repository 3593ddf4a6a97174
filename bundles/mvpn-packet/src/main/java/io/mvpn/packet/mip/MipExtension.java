package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;

/**
 * One extension of a registration message, as a view: {@code offset} is the index of its type byte
 * in the buffer, {@code dataLength} what its length field says (type and length excluded). The
 * generalized authentication extension (type 36, RFC 4721 §5) has a subtype byte and a 16-bit
 * length; every other extension a one-byte length.
 */
public record MipExtension(ByteBuf buffer, int offset, int type, int dataLength) {

  /** Bytes before the data: 4 for type 36 (type, subtype, 16-bit length), 2 otherwise. */
  public int headerLength() {
    return type == GeneralizedAuthentication.TYPE ? 4 : 2;
  }

  /** Type 36: its subtype (1 MN-AAA); other types: 0. */
  public int subtype() {
    return type == GeneralizedAuthentication.TYPE ? buffer.getUnsignedByte(offset + 1) : 0;
  }

  /** Index of the first data byte. */
  public int dataOffset() {
    return offset + headerLength();
  }

  /** The data, as a slice. */
  public ByteBuf data() {
    return buffer.slice(dataOffset(), dataLength);
  }

  public boolean isAuthentication() {
    return isAuthentication(type);
  }

  /** Whether extensions of this type are authentication extensions (SPI, then authenticator). */
  public static boolean isAuthentication(int type) {
    return type == MipConstants.EXT_MN_HA_AUTH
        || type == MipConstants.EXT_MN_FA_AUTH
        || type == MipConstants.EXT_FA_HA_AUTH
        || type == GeneralizedAuthentication.TYPE;
  }

  /** Authentication extensions: the Security Parameter Index. */
  public int spi() {
    return buffer.getInt(dataOffset());
  }

  /** Authentication extensions: where the authenticator starts (everything before is covered). */
  public int authenticatorOffset() {
    return dataOffset() + 4;
  }

  public int authenticatorLength() {
    return dataLength - 4;
  }

  /** Index just past this extension. */
  public int end() {
    return dataOffset() + dataLength;
  }
}
