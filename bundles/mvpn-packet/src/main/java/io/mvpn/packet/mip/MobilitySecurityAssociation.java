package io.mvpn.packet.mip;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A mobility security association (RFC 5944 §1.6, §3.5.1): an SPI naming an algorithm and a key,
 * shared by two parties (MN-HA, MN-FA or FA-HA). Computes authenticators over the bytes a
 * registration message's authentication extension covers, with JCE's HMAC.
 *
 * <p>Keeps one {@link Mac} and is therefore not thread-safe: each engine thread holds its own.
 */
public final class MobilitySecurityAssociation {

  /** The algorithms an SPI may name. HMAC-MD5 is the RFC's mandatory default. */
  public enum Algorithm {
    HMAC_MD5("HmacMD5", 16),
    HMAC_SHA256("HmacSHA256", 32);

    final String jceName;
    final int authenticatorLength;

    Algorithm(String jceName, int authenticatorLength) {
      this.jceName = jceName;
      this.authenticatorLength = authenticatorLength;
    }

    public int authenticatorLength() {
      return authenticatorLength;
    }

    /** "hmac-md5" or "hmac-sha256", as configuration files name them. */
    public static Algorithm parse(String text) {
      return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "hmac-md5", "md5" -> HMAC_MD5;
        case "hmac-sha256", "hmac-sha-256", "sha256" -> HMAC_SHA256;
        default ->
            throw new IllegalArgumentException(
                "algorithm '" + text + "': expected hmac-md5 or hmac-sha256");
      };
    }
  }

  private final long spi;
  private final Algorithm algorithm;
  private final Mac mac;
  // Per-message work allocates nothing: the covered bytes of a direct buffer are copied here (the
  // JCE copies them anyway), and authenticators are computed into a buffer of their own.
  private byte[] covered = new byte[128];
  private final byte[] computed;

  public MobilitySecurityAssociation(long spi, Algorithm algorithm, byte[] key) {
    if (spi < 256 || spi > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("SPI " + spi + ": 0-255 are reserved (RFC 5944 §1.6)");
    }
    Objects.requireNonNull(key, "key");
    if (key.length < 16) {
      throw new IllegalArgumentException("key of " + key.length + " bytes; at least 16 needed");
    }
    this.spi = spi;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    try {
      mac = Mac.getInstance(algorithm.jceName);
      mac.init(new SecretKeySpec(key, algorithm.jceName));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm.jceName + " unavailable in this JVM", e);
    }
    computed = new byte[algorithm.authenticatorLength];
  }

  public long spi() {
    return spi;
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The authenticator over {@code length} bytes at {@code offset}, read in place. */
  public byte[] authenticator(ByteBuf buf, int offset, int length) {
    update(buf, offset, length);
    return mac.doFinal();
  }

  /** Appends the authenticator over {@code length} bytes of {@code out} at {@code offset}. */
  void appendAuthenticator(ByteBuf out, int offset, int length) {
    out.writeBytes(compute(out, offset, length));
  }

  private void update(ByteBuf buf, int offset, int length) {
    if (buf.hasArray()) {
      mac.update(buf.array(), buf.arrayOffset() + offset, length);
      return;
    }
    if (covered.length < length) {
      covered = new byte[Math.max(length, 2 * covered.length)];
    }
    buf.getBytes(offset, covered, 0, length);
    mac.update(covered, 0, length);
  }

  /** The authenticator in {@link #computed}, valid until the next call. */
  private byte[] compute(ByteBuf buf, int offset, int length) {
    update(buf, offset, length);
    try {
      mac.doFinal(computed, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    return computed;
  }

  /**
   * Verifies an authentication extension of a parsed message: the SPI is ours, the length fits the
   * algorithm and the authenticator matches (compared in constant time).
   */
  public boolean verify(MipMessage message, MipExtension extension) {
    if ((extension.spi() & 0xFFFFFFFFL) != spi
        || extension.authenticatorLength() != algorithm.authenticatorLength) {
      return false;
    }
    byte[] expected =
        compute(
            message.buffer(), message.offset(), extension.authenticatorOffset() - message.offset());
    // Constant time, like MessageDigest.isEqual, without copying the received authenticator out:
    // eight bytes a read (each read through the message's slices checks its bounds), the rest by
    // byte; every byte is compared whatever the earlier ones gave.
    ByteBuf buf = message.buffer();
    int at = extension.authenticatorOffset();
    long difference = 0;
    int i = 0;
    for (; i + Long.BYTES <= expected.length; i += Long.BYTES) {
      difference |= bigEndianLong(expected, i) ^ buf.getLong(at + i);
    }
    for (; i < expected.length; i++) {
      difference |= expected[i] ^ buf.getByte(at + i);
    }
    return difference == 0;
  }

  private static long bigEndianLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = v << 8 | (b[at + i] & 0xFF);
    }
    return v;
  }

  @Override
  public String toString() {
    return "SPI " + spi + " " + algorithm;
  }
}
