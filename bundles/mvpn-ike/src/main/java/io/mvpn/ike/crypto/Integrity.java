package io.mvpn.ike.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * The integrity transforms (type 3) that go with a non-AEAD cipher: HMAC-SHA2 truncated to half its
 * output (RFC 4868 §2.1), keyed with as many bytes as the hash gives (§2.1.2).
 */
public enum Integrity {
  HMAC_SHA2_256_128(12, Prf.HMAC_SHA2_256),
  HMAC_SHA2_384_192(13, Prf.HMAC_SHA2_384),
  HMAC_SHA2_512_256(14, Prf.HMAC_SHA2_512);

  private final int transformId;
  private final Prf hmac;

  /** The same HMAC as the PRF of that hash, its output cut in half. */
  Integrity(int transformId, Prf hmac) {
    this.transformId = transformId;
    this.hmac = hmac;
  }

  public static Optional<Integrity> forTransformId(int id) {
    return Arrays.stream(values()).filter(i -> i.transformId == id).findFirst();
  }

  public int transformId() {
    return transformId;
  }

  /** SK_ai, SK_ar and ESP's integrity keys have this many bytes (RFC 7296 §2.14). */
  public int keyLength() {
    return hmac.outputLength();
  }

  /** The truncated ICV length. */
  public int icvLength() {
    return hmac.outputLength() / 2;
  }

  /**
   * A MAC keyed for this transform: this thread's one Mac of its hash, so finish with it before
   * asking for the next. HMAC takes any key length (RFC 4231's vectors use several); the SAs check
   * theirs are {@link #keyLength()}.
   */
  public Mac newMac(byte[] key) {
    return hmac.mac(key);
  }

  /** The truncated ICV over the concatenated parts. */
  public byte[] icv(byte[] key, byte[]... parts) {
    Mac mac = newMac(key);
    for (byte[] part : parts) {
      mac.update(part);
    }
    return Arrays.copyOf(mac.doFinal(), icvLength());
  }

  /** Compares an ICV in constant time, so a forger learns nothing from how long it took. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }
}
