package io.mvpn.ike.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The IKEv2 pseudo-random functions (transform type 2) and prf+ (RFC 7296 §2.13). HMAC-SHA1 is here
 * because RFC 8247 still requires it and because the published IKEv2 KDF vectors use it; proposals
 * should prefer the SHA-2 ones (RFC 4868).
 */
public enum Prf {
  HMAC_SHA1(2, "HmacSHA1", 20),
  HMAC_SHA2_256(5, "HmacSHA256", 32),
  HMAC_SHA2_384(6, "HmacSHA384", 48),
  HMAC_SHA2_512(7, "HmacSHA512", 64);

  /** prf+ counts its blocks in one byte (§2.13). */
  public static final int MAX_PRF_PLUS_BLOCKS = 255;

  private final int transformId;
  private final String jceName;
  private final int outputLength;

  Prf(int transformId, String jceName, int outputLength) {
    this.transformId = transformId;
    this.jceName = jceName;
    this.outputLength = outputLength;
  }

  public static Optional<Prf> forTransformId(int id) {
    for (Prf prf : values()) {
      if (prf.transformId == id) {
        return Optional.of(prf);
      }
    }
    return Optional.empty();
  }

  public int transformId() {
    return transformId;
  }

  public int outputLength() {
    return outputLength;
  }

  /**
   * The preferred key length: SK_d, SK_pi and SK_pr get this many bytes (§2.14). For HMAC it is the
   * output length (RFC 4868 §2.1.2).
   */
  public int keyLength() {
    return outputLength;
  }

  /** prf(key, data), data being the concatenation of the parts (saves copying them first). */
  public byte[] prf(byte[] key, byte[]... data) {
    Mac mac = mac(key);
    for (byte[] part : data) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  /**
   * prf+(K, S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, T(n-1) | S | n), cut to {@code
   * length} bytes.
   *
   * @throws IllegalArgumentException if it would need more than 255 blocks: the counter is one byte
   *     and must not wrap (§2.13)
   */
  public byte[] prfPlus(byte[] key, byte[] seed, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    int blocks = (length + outputLength - 1) / outputLength;
    if (blocks > MAX_PRF_PLUS_BLOCKS) {
      throw new IllegalArgumentException(
          "prf+ gives at most " + MAX_PRF_PLUS_BLOCKS * outputLength + " bytes, not " + length);
    }
    Mac mac = mac(key);
    byte[] out = new byte[blocks * outputLength];
    byte[] previous = new byte[0];
    for (int n = 1; n <= blocks; n++) {
      mac.update(previous);
      mac.update(seed);
      mac.update((byte) n);
      previous = mac.doFinal();
      System.arraycopy(previous, 0, out, (n - 1) * outputLength, outputLength);
    }
    return out.length == length ? out : Arrays.copyOf(out, length);
  }

  /**
   * An HMAC keyed with {@code key}, of any length; also what {@link Integrity} truncates. It is
   * this thread's one Mac of the algorithm ({@link JcaInstances}): finish with it before the next.
   */
  Mac mac(byte[] key) {
    try {
      Mac mac = JcaInstances.mac(jceName);
      mac.init(new SecretKeySpec(key, jceName));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jceName + " unavailable in this JVM", e);
    }
  }
}
