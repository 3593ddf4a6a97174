package io.mvpn.ipsec.esp;

import io.netty.buffer.ByteBuf;

/**
 * UDP encapsulation of ESP (RFC 3948): what arrives on port 4500 is IKE behind a non-ESP marker, a
 * NAT keepalive, or ESP.
 */
public final class EspInUdp {

  /** Shared with IKE (RFC 7296 §2.23). */
  public static final int PORT = 4500;

  /** What a UDP payload on port 4500 is. */
  public enum Kind {
    /** Four zero bytes first: IKE, the marker to be stripped (§2.2). */
    IKE,
    /** One 0xFF byte: a NAT keepalive, to be ignored (§2.3). */
    KEEPALIVE,
    ESP,
    /** Too short to be anything of the above. */
    INVALID
  }

  private EspInUdp() {}

  public static Kind classify(ByteBuf payload) {
    int n = payload.readableBytes();
    int at = payload.readerIndex();
    if (n == 1 && payload.getUnsignedByte(at) == 0xFF) {
      return Kind.KEEPALIVE;
    }
    if (n >= 4 && payload.getInt(at) == 0) {
      return Kind.IKE;
    }
    return n >= 8 ? Kind.ESP : Kind.INVALID;
  }

  /** The SPI of an ESP payload (never 0 on the wire). */
  public static int spi(ByteBuf payload) {
    return payload.getInt(payload.readerIndex());
  }
}
