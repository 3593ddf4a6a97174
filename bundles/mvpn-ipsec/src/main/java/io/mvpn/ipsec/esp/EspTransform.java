package io.mvpn.ipsec.esp;

import io.mvpn.api.ipsec.EspSaKeys;
import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ESP transforms beside AES-GCM, which {@link EspSecurityAssociation} runs inline: AES-CBC (RFC
 * 3602) with HMAC-SHA2 truncated to half (RFC 4868), ChaCha20-Poly1305 (RFC 7634), and AES-GCM
 * keyed by a provider's key object, such as a PKCS#11 token's. Each seals and opens an ESP packet
 * in place in an array: SPI | sequence | IV | encrypted payload, padding, pad length, next header |
 * ICV.
 *
 * <p>Not thread-safe, like the SA that owns it.
 */
public abstract sealed class EspTransform {

  private byte[] scratch = new byte[0];

  /** The HMAC-SHA2 integrity transforms of RFC 4868, keyed with the hash's output length. */
  public enum Integrity {
    HMAC_SHA2_256_128("HmacSHA256", 32, EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_256_128),
    HMAC_SHA2_384_192("HmacSHA384", 48, EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_384_192),
    HMAC_SHA2_512_256("HmacSHA512", 64, EspSaKeys.Algorithm.AES_CBC_HMAC_SHA2_512_256);

    final String jceName;
    final int keyLength;
    private final EspSaKeys.Algorithm withAesCbc;

    Integrity(String jceName, int keyLength, EspSaKeys.Algorithm withAesCbc) {
      this.jceName = jceName;
      this.keyLength = keyLength;
      this.withAesCbc = withAesCbc;
    }

    /** The integrity transform of an AES-CBC suite. */
    public static Integrity of(EspSaKeys.Algorithm aesCbcSuite) {
      for (Integrity i : values()) {
        if (i.withAesCbc == aesCbcSuite) {
          return i;
        }
      }
      throw new IllegalArgumentException(aesCbcSuite + " is no AES-CBC suite");
    }

    public int keyLength() {
      return keyLength;
    }

    /** Half the hash output (RFC 4868 §2.3). */
    public int icvLength() {
      return keyLength / 2;
    }
  }

  /** AES-CBC with an HMAC-SHA2 integrity key: {@code aesKey} of 16, 24 or 32 bytes. */
  public static EspTransform aesCbc(byte[] aesKey, Integrity integrity, byte[] integrityKey) {
    return new AesCbcHmac(aesKey, integrity, integrityKey);
  }

  /** ChaCha20-Poly1305: the 32-byte key followed by the 4-byte salt (RFC 7634 §2). */
  public static EspTransform chaCha20Poly1305(byte[] keyAndSalt) {
    if (keyAndSalt.length != 36) {
      throw new IllegalArgumentException(
          "ChaCha20-Poly1305 key material is 36 bytes (key + salt), not " + keyAndSalt.length);
    }
    return new Aead(
        new SecretKeySpec(keyAndSalt, 0, 32, "ChaCha20"),
        Arrays.copyOfRange(keyAndSalt, 32, 36),
        null,
        EspSaKeys.Algorithm.CHACHA20_POLY1305);
  }

  /**
   * AES-GCM with a 16-byte ICV (RFC 4106) keyed by a {@link Key} the provider holds, such as a
   * PKCS#11 token object that never leaves the token (a node's SIM): the key is used, never read.
   * Such an SA has no {@link #keyMaterial} to hand over.
   *
   * @param provider the provider holding {@code aesKey}, or null for the JVM's choice
   */
  public static EspTransform aesGcm(Key aesKey, byte[] salt, Provider provider) {
    if (salt.length != 4) {
      throw new IllegalArgumentException("AES-GCM salt of " + salt.length + " bytes");
    }
    return new Aead(aesKey, salt.clone(), provider, EspSaKeys.Algorithm.AES_GCM_16);
  }

  private final int ivLength;
  private final int icvLength;
  private final int alignment;

  EspTransform(int ivLength, int icvLength, int alignment) {
    this.ivLength = ivLength;
    this.icvLength = icvLength;
    this.alignment = alignment;
  }

  final int ivLength() {
    return ivLength;
  }

  final int icvLength() {
    return icvLength;
  }

  /** Payload, padding, pad length and next header end on this boundary (RFC 4303 §2.4). */
  final int alignment() {
    return alignment;
  }

  /** The ESP packet length, SPI through ICV, for an inner datagram of {@code innerLength}. */
  final int sealedLength(int innerLength) {
    return 8 + ivLength() + plainLength(innerLength) + icvLength();
  }

  final int plainLength(int innerLength) {
    int a = alignment();
    return (innerLength + 2 + a - 1) / a * a;
  }

  /** The smallest ESP packet: headers, one aligned block of trailer, ICV. */
  final int minimumLength() {
    return 8 + ivLength() + alignment() + icvLength();
  }

  /**
   * Writes the IV after SPI and sequence at {@code at}, encrypts the {@code plainLength} bytes
   * after it in place and writes the ICV behind them.
   */
  abstract void seal(byte[] a, int at, int plainLength, long seq, boolean esn)
      throws GeneralSecurityException;

  /**
   * Verifies the ESP packet of {@code length} bytes at {@code at} and decrypts its payload into
   * {@code dst}; nothing is decrypted unless the ICV verifies.
   *
   * @return false when the ICV does not verify
   */
  abstract boolean open(
      byte[] src, int at, int length, byte[] dst, int dstAt, long seq, boolean esn)
      throws GeneralSecurityException;

  /**
   * As the array form, for the packet at {@code start} of {@code buf} into {@code out}'s array; a
   * packet in a direct buffer is first copied into a scratch array of this transform.
   */
  final boolean open(ByteBuf buf, int start, int length, ByteBuf out, long seq, boolean esn) {
    byte[] src = buf.hasArray() ? buf.array() : scratch(length);
    int srcAt = buf.hasArray() ? buf.arrayOffset() + start : 0;
    if (!buf.hasArray()) {
      buf.getBytes(start, src, 0, length);
    }
    try {
      return open(src, srcAt, length, out.array(), out.arrayOffset(), seq, esn);
    } catch (GeneralSecurityException e) {
      out.release();
      throw new IllegalStateException("ESP decryption failed", e);
    }
  }

  private byte[] scratch(int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2048)];
    }
    return scratch;
  }

  /** The key material as KEYMAT lays it out, for the data plane that takes the SA over. */
  abstract byte[] keyMaterial();

  /** The suite this transform runs. */
  abstract EspSaKeys.Algorithm algorithm();

  /**
   * Encrypt-then-MAC over SPI, sequence, IV and ciphertext, plus the ESN's high half (§3.3.2.1).
   */
  static final class AesCbcHmac extends EspTransform {
    private final SecretKeySpec key;
    private final Integrity integrity;
    private final byte[] integrityKey;
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] iv = new byte[16];
    private final byte[] icv;
    private final byte[] high = new byte[4];
    private final SecureRandom random = new SecureRandom();

    AesCbcHmac(byte[] aesKey, Integrity integrity, byte[] integrityKey) {
      super(16, integrity.icvLength(), 16);
      if (aesKey.length != 16 && aesKey.length != 24 && aesKey.length != 32) {
        throw new IllegalArgumentException("AES-CBC key of " + aesKey.length + " bytes");
      }
      if (integrityKey.length != integrity.keyLength) {
        throw new IllegalArgumentException(integrity + " key of " + integrityKey.length + " bytes");
      }
      this.key = new SecretKeySpec(aesKey, "AES");
      this.integrity = integrity;
      this.integrityKey = integrityKey.clone();
      this.icv = new byte[integrity.keyLength];
      try {
        cipher = Cipher.getInstance("AES/CBC/NoPadding");
        mac = Mac.getInstance(integrity.jceName);
        mac.init(new SecretKeySpec(integrityKey, integrity.jceName));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CBC or " + integrity + " unavailable", e);
      }
    }

    @Override
    void seal(byte[] a, int at, int plainLength, long seq, boolean esn)
        throws GeneralSecurityException {
      random.nextBytes(iv); // unpredictable, as CBC needs (RFC 3602 §3)
      System.arraycopy(iv, 0, a, at + 8, 16);
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      int plainAt = at + 8 + 16;
      cipher.doFinal(a, plainAt, plainLength, a, plainAt);
      mac(a, at, 8 + 16 + plainLength, seq, esn);
      System.arraycopy(icv, 0, a, plainAt + plainLength, integrity.icvLength());
    }

    @Override
    boolean open(byte[] src, int at, int length, byte[] dst, int dstAt, long seq, boolean esn)
        throws GeneralSecurityException {
      int icvLength = integrity.icvLength();
      int covered = length - icvLength;
      mac(src, at, covered, seq, esn);
      // Constant time, in place: a forger learns nothing from where the ICV first differs.
      int difference = 0;
      for (int i = 0; i < icvLength; i++) {
        difference |= icv[i] ^ src[at + covered + i];
      }
      if (difference != 0) {
        return false;
      }
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(src, at + 8, 16));
      cipher.doFinal(src, at + 8 + 16, covered - 8 - 16, dst, dstAt);
      return true;
    }

    private void mac(byte[] a, int at, int length, long seq, boolean esn)
        throws GeneralSecurityException {
      mac.update(a, at, length);
      if (esn) {
        EspFraming.putInt(high, 0, (int) (seq >>> 32));
        mac.update(high);
      }
      mac.doFinal(icv, 0);
    }

    @Override
    byte[] keyMaterial() {
      byte[] k = key.getEncoded();
      byte[] out = Arrays.copyOf(k, k.length + integrityKey.length);
      System.arraycopy(integrityKey, 0, out, k.length, integrityKey.length);
      return out;
    }

    @Override
    EspSaKeys.Algorithm algorithm() {
      return integrity.withAesCbc;
    }
  }

  /**
   * ChaCha20-Poly1305 (RFC 7634), or AES-GCM keyed by a provider's key object, framed as AES-GCM
   * (RFC 4106): nonce salt | IV, the IV the sequence number, AAD SPI | seq.
   */
  static final class Aead extends EspTransform {
    private final Key key;
    private final byte[] salt;
    private final Provider provider; // null: the JVM's choice
    private final EspSaKeys.Algorithm algorithm;
    private Cipher cipher;
    private final byte[] nonce = new byte[12];
    private final byte[] high = new byte[4];

    Aead(Key key, byte[] salt, Provider provider, EspSaKeys.Algorithm algorithm) {
      super(8, 16, 4);
      this.key = key;
      this.salt = salt;
      this.provider = provider;
      this.algorithm = algorithm;
      try {
        cipher = newCipher();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(algorithm + " unavailable", e);
      }
    }

    private Cipher newCipher() throws GeneralSecurityException {
      String name =
          algorithm == EspSaKeys.Algorithm.CHACHA20_POLY1305
              ? "ChaCha20-Poly1305"
              : "AES/GCM/NoPadding";
      return provider == null ? Cipher.getInstance(name) : Cipher.getInstance(name, provider);
    }

    @Override
    void seal(byte[] a, int at, int plainLength, long seq, boolean esn)
        throws GeneralSecurityException {
      EspFraming.putInt(a, at + 8, (int) (seq >>> 32));
      EspFraming.putInt(a, at + 12, (int) seq);
      init(Cipher.ENCRYPT_MODE, a, at, seq, esn);
      cipher.doFinal(a, at + 16, plainLength, a, at + 16);
    }

    @Override
    boolean open(byte[] src, int at, int length, byte[] dst, int dstAt, long seq, boolean esn)
        throws GeneralSecurityException {
      init(Cipher.DECRYPT_MODE, src, at, seq, esn);
      try {
        if (provider == null) {
          cipher.doFinal(src, at + 16, length - 16, dst, dstAt);
        } else {
          // PKCS#11 wants room for the ICV in the output too; the exact-size one would not do.
          byte[] plain = cipher.doFinal(src, at + 16, length - 16);
          System.arraycopy(plain, 0, dst, dstAt, plain.length);
        }
        return true;
      } catch (AEADBadTagException e) {
        return false;
      }
    }

    private void init(int mode, byte[] a, int at, long seq, boolean esn)
        throws GeneralSecurityException {
      System.arraycopy(salt, 0, nonce, 0, 4);
      System.arraycopy(a, at + 8, nonce, 4, 8);
      AlgorithmParameterSpec spec =
          algorithm == EspSaKeys.Algorithm.CHACHA20_POLY1305
              ? new IvParameterSpec(nonce)
              : new GCMParameterSpec(128, nonce);
      try {
        cipher.init(mode, key, spec);
      } catch (InvalidKeyException | InvalidAlgorithmParameterException sameNonce) {
        // The JDK refuses the nonce it was last set up with, decrypting too: a forged packet
        // must not keep the genuine one of that sequence number out, so start a fresh cipher.
        cipher = newCipher();
        cipher.init(mode, key, spec);
      }
      cipher.updateAAD(a, at, 4); // SPI
      if (esn) {
        EspFraming.putInt(high, 0, (int) (seq >>> 32));
        cipher.updateAAD(high);
      }
      cipher.updateAAD(a, at + 4, 4); // the sequence number's low half, as sent
    }

    @Override
    byte[] keyMaterial() {
      byte[] k = key.getEncoded();
      if (k == null) {
        throw new UnsupportedOperationException("the key is a token object and never leaves it");
      }
      byte[] out = Arrays.copyOf(k, k.length + 4);
      System.arraycopy(salt, 0, out, k.length, 4);
      return out;
    }

    @Override
    EspSaKeys.Algorithm algorithm() {
      return algorithm;
    }
  }
}
