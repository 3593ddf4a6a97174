package io.mvpn.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Encrypted and Authenticated (SK) payload body with an AEAD: AES-GCM-16 (RFC 5282) or
 * ChaCha20-Poly1305 (RFC 7634), RFC 7296 §3.14: IV (8) | ciphertext | ICV (16). Both build their
 * 12-byte nonce alike and take the same AAD. The plaintext is the inner payloads, any padding, then
 * the Pad Length byte; neither needs block padding, so we send none but still write the byte
 * (§3.14) and accept any padding a peer sends.
 *
 * <p>The nonce is the 4-byte salt from the key material followed by the 8-byte IV (RFC 5282 §4, RFC
 * 7634 §2). A nonce must never repeat under one key, so the IV comes from a per-sender counter:
 * keep exactly one sender per SK_e key, made when the keys are derived, and never make a second.
 *
 * <p>AAD is the IKE header through the SK payload's generic header (RFC 5282 §5.1); the codec
 * builds it, and it includes the lengths, which {@link #sealedLength} gives in advance.
 */
public final class SkAead {

  /** The two AEADs of the SK payload and of ESP, with their JCE names. */
  public enum Algorithm {
    AES_GCM_16("AES/GCM/NoPadding", "AES"),
    CHACHA20_POLY1305("ChaCha20-Poly1305", "ChaCha20");

    private final String transformation;
    private final String keyAlgorithm;

    Algorithm(String transformation, String keyAlgorithm) {
      this.transformation = transformation;
      this.keyAlgorithm = keyAlgorithm;
    }

    /** Key plus salt: AES-GCM 20, 28 or 36 bytes (RFC 5282 §7.1), ChaCha20 36 (RFC 7634 §2). */
    public int keyMaterialLength(int keyBits) {
      boolean valid =
          this == AES_GCM_16 ? keyBits == 128 || keyBits == 192 || keyBits == 256 : keyBits == 256;
      if (!valid) {
        throw new IllegalArgumentException(this + " key of " + keyBits + " bits");
      }
      return keyBits / 8 + SALT_LENGTH;
    }
  }

  public static final int IV_LENGTH = 8;
  public static final int ICV_LENGTH = 16;
  public static final int SALT_LENGTH = 4;

  /** IV, Pad Length byte and ICV: the smallest SK body, with no inner payloads. */
  public static final int OVERHEAD = IV_LENGTH + 1 + ICV_LENGTH;

  private final Algorithm algorithm;
  private final SecretKeySpec key;
  private final byte[] salt;
  private final AtomicLong counter; // null: a receiver

  private SkAead(Algorithm algorithm, byte[] keyAndSalt, boolean sender) {
    int keyLength = keyAndSalt.length - SALT_LENGTH;
    if (keyLength <= 0 || algorithm.keyMaterialLength(keyLength * 8) != keyAndSalt.length) {
      throw new IllegalArgumentException(
          algorithm + " key material (key + 4-byte salt) of " + keyAndSalt.length + " bytes");
    }
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(keyAndSalt, 0, keyLength, algorithm.keyAlgorithm);
    this.salt = Arrays.copyOfRange(keyAndSalt, keyLength, keyAndSalt.length);
    this.counter = sender ? new AtomicLong() : null;
  }

  /** The encrypting side of SK_ei (we are the original initiator) or SK_er. */
  public static SkAead forSender(byte[] keyAndSalt) {
    return new SkAead(Algorithm.AES_GCM_16, keyAndSalt, true);
  }

  /** The encrypting side of an SK_e key with {@code algorithm}. */
  public static SkAead forSender(Algorithm algorithm, byte[] keyAndSalt) {
    return new SkAead(algorithm, keyAndSalt, true);
  }

  /** The decrypting side of the peer's SK_e key with {@code algorithm}. */
  public static SkAead forReceiver(Algorithm algorithm, byte[] keyAndSalt) {
    return new SkAead(algorithm, keyAndSalt, false);
  }

  /** The decrypting side of the peer's SK_e key. */
  public static SkAead forReceiver(byte[] keyAndSalt) {
    return new SkAead(Algorithm.AES_GCM_16, keyAndSalt, false);
  }

  /** SK_e length for an AES key of {@code keyBits}: the key plus the salt (RFC 5282 §7.1). */
  public static int keyMaterialLength(int keyBits) {
    return Algorithm.AES_GCM_16.keyMaterialLength(keyBits);
  }

  /** The SK payload body length {@link #seal} gives for inner payloads of this length. */
  public static int sealedLength(int innerLength) {
    return OVERHEAD + innerLength;
  }

  /**
   * Encrypts the inner payloads under the next IV.
   *
   * @return IV | ciphertext | ICV, the SK payload body
   */
  public byte[] seal(byte[] aad, byte[] innerPayloads) {
    if (counter == null) {
      throw new IllegalStateException("a receiver does not encrypt");
    }
    long iv = counter.incrementAndGet();
    if (iv == 0) {
      throw new IllegalStateException("IV space exhausted: rekey the IKE SA");
    }
    byte[] ivBytes = new byte[IV_LENGTH];
    for (int i = 0; i < IV_LENGTH; i++) {
      ivBytes[i] = (byte) (iv >>> (56 - 8 * i));
    }
    byte[] plaintext = Arrays.copyOf(innerPayloads, innerPayloads.length + 1); // Pad Length 0
    return Bytes.concat(ivBytes, encrypt(ivBytes, aad, plaintext));
  }

  /**
   * Verifies and decrypts an SK payload body.
   *
   * @return the inner payloads, padding and Pad Length removed
   * @throws IkeCryptoException TRUNCATED or ICV (drop the message silently), or PADDING
   */
  public byte[] open(byte[] aad, byte[] ivCiphertextIcv) throws IkeCryptoException {
    if (ivCiphertextIcv.length < OVERHEAD) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.TRUNCATED,
          "SK body of " + ivCiphertextIcv.length + " bytes, at least " + OVERHEAD + " needed");
    }
    byte[] iv = Arrays.copyOf(ivCiphertextIcv, IV_LENGTH);
    byte[] plaintext =
        decrypt(iv, aad, ivCiphertextIcv, IV_LENGTH, ivCiphertextIcv.length - IV_LENGTH);
    int padLength = Byte.toUnsignedInt(plaintext[plaintext.length - 1]);
    if (padLength > plaintext.length - 1) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.PADDING,
          "Pad Length " + padLength + " with " + (plaintext.length - 1) + " bytes decrypted");
    }
    return Arrays.copyOf(plaintext, plaintext.length - 1 - padLength);
  }

  /** The raw AEAD: ciphertext | ICV of {@code plaintext} under salt | iv. */
  public static byte[] sealRaw(byte[] keyAndSalt, byte[] iv, byte[] aad, byte[] plaintext) {
    return sealRaw(Algorithm.AES_GCM_16, keyAndSalt, iv, aad, plaintext);
  }

  /** The raw AEAD of {@code algorithm}: ciphertext | ICV of {@code plaintext} under salt | iv. */
  public static byte[] sealRaw(
      Algorithm algorithm, byte[] keyAndSalt, byte[] iv, byte[] aad, byte[] plaintext) {
    checkIv(iv);
    return new SkAead(algorithm, keyAndSalt, false).encrypt(iv, aad, plaintext);
  }

  /** The raw AEAD the other way: the plaintext, or ICV if the tag does not verify. */
  public static byte[] openRaw(byte[] keyAndSalt, byte[] iv, byte[] aad, byte[] ciphertextIcv)
      throws IkeCryptoException {
    return openRaw(Algorithm.AES_GCM_16, keyAndSalt, iv, aad, ciphertextIcv);
  }

  /** The raw AEAD of {@code algorithm} the other way. */
  public static byte[] openRaw(
      Algorithm algorithm, byte[] keyAndSalt, byte[] iv, byte[] aad, byte[] ciphertextIcv)
      throws IkeCryptoException {
    checkIv(iv);
    if (ciphertextIcv.length < ICV_LENGTH) {
      throw new IkeCryptoException(IkeCryptoException.Reason.TRUNCATED, "shorter than the ICV");
    }
    return new SkAead(algorithm, keyAndSalt, false)
        .decrypt(iv, aad, ciphertextIcv, 0, ciphertextIcv.length);
  }

  private static void checkIv(byte[] iv) {
    if (iv.length != IV_LENGTH) {
      throw new IllegalArgumentException("the IV is 8 bytes, not " + iv.length);
    }
  }

  private byte[] encrypt(byte[] iv, byte[] aad, byte[] plaintext) {
    try {
      return crypt(Cipher.ENCRYPT_MODE, iv, aad, plaintext, 0, plaintext.length);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("encryption checks no tag", e);
    }
  }

  private byte[] decrypt(byte[] iv, byte[] aad, byte[] input, int offset, int length)
      throws IkeCryptoException {
    try {
      return crypt(Cipher.DECRYPT_MODE, iv, aad, input, offset, length);
    } catch (AEADBadTagException e) {
      throw new IkeCryptoException(IkeCryptoException.Reason.ICV, "SK payload ICV mismatch");
    }
  }

  /**
   * One AEAD operation, with this thread's Cipher of the algorithm ({@link JcaInstances}): an SA
   * may be used from more than one thread. The JDK refuses to re-init a GCM cipher for encryption,
   * and a ChaCha20-Poly1305 one at all, with the key and nonce it last had: an SA's sender never
   * repeats a nonce (its IV is a counter), but the raw known-answer calls may, and both ends of an
   * SA in one thread (tests, benchmarks) open what they sealed; those get a fresh Cipher, as every
   * call had before.
   */
  private byte[] crypt(int mode, byte[] iv, byte[] aad, byte[] input, int offset, int length)
      throws AEADBadTagException {
    try {
      byte[] nonce = Bytes.concat(salt, iv);
      AlgorithmParameterSpec parameters =
          algorithm == Algorithm.AES_GCM_16
              ? new GCMParameterSpec(ICV_LENGTH * 8, nonce)
              : new IvParameterSpec(nonce);
      Cipher cipher = JcaInstances.cipher(algorithm.transformation);
      try {
        cipher.init(mode, key, parameters);
      } catch (InvalidAlgorithmParameterException | InvalidKeyException sameKeyAndNonce) {
        cipher = Cipher.getInstance(algorithm.transformation);
        cipher.init(mode, key, parameters);
      }
      cipher.updateAAD(aad);
      return cipher.doFinal(input, offset, length);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " unavailable in this JVM", e);
    }
  }
}
