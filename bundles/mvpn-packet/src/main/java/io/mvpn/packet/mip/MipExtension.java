package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;

/**
 * One extension of a registration message, as a view: {@code offset} is the index of its type byte
 * in the buffer, {@code dataLength} what its length byte says (type and length excluded).
 */
public record MipExtension(ByteBuf buffer, int offset, int type, int dataLength) {

  /** Index of the first data byte. */
  public int dataOffset() {
    return offset + 2;
  }

  /** The data, as a slice. */
  public ByteBuf data() {
    return buffer.slice(dataOffset(), dataLength);
  }

  public boolean isAuthentication() {
    return type == MipConstants.EXT_MN_HA_AUTH
        || type == MipConstants.EXT_MN_FA_AUTH
        || type == MipConstants.EXT_FA_HA_AUTH;
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
