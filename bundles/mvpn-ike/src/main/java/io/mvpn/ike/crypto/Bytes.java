package io.mvpn.ike.crypto;

import java.math.BigInteger;

/** Byte-array helpers the derivations share. */
final class Bytes {

  private Bytes() {}

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /**
   * An unsigned integer as exactly {@code width} big-endian bytes. IKE fixes the width of every D-H
   * value (RFC 7296 §2.14, RFC 5903 §7), while BigInteger drops leading zeros and may add a sign
   * byte.
   */
  static byte[] fixedWidth(BigInteger value, int width) {
    byte[] raw = value.toByteArray();
    if (raw.length == width) {
      return raw;
    }
    byte[] out = new byte[width];
    int skip = 0;
    while (raw.length - skip > width) {
      if (raw[skip] != 0) {
        throw new IllegalArgumentException("value does not fit in " + width + " bytes");
      }
      skip++;
    }
    System.arraycopy(raw, skip, out, width - (raw.length - skip), raw.length - skip);
    return out;
  }

  static BigInteger unsigned(byte[] data, int offset, int length) {
    return new BigInteger(1, data, offset, length);
  }

  /** Whether every byte is zero, looking at all of them whatever they hold. */
  static boolean allZero(byte[] data) {
    int acc = 0;
    for (byte b : data) {
      acc |= b;
    }
    return acc == 0;
  }
}
