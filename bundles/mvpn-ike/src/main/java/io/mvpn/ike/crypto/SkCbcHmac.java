package io.mvpn.ike.crypto;

import io.mvpn.ike.message.SkCipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One side's SK cipher with AES-CBC (RFC 3602) and an HMAC-SHA2 integrity transform (RFC 4868), RFC
 * 7296 §3.14: IV (16) | ciphertext | ICV. The plaintext is the inner payloads, padding to the block
 * size, then the Pad Length byte. Encrypt-then-MAC: the ICV covers the AAD (IKE header through the
 * SK generic header), IV and ciphertext, and is checked before anything is decrypted.
 *
 * <p>The IV is random (§3.14 asks that it be unpredictable), never derived from the last block.
 */
public final class SkCbcHmac implements SkCipher {

  public static final int BLOCK = 16;

  /** Where IVs come from unless a test gives its own; thread-safe. */
  static final SecureRandom IV_SOURCE = new SecureRandom();

  private final SecretKeySpec sendKey;
  private final byte[] sendIntegrityKey;
  private final SecretKeySpec receiveKey;
  private final byte[] receiveIntegrityKey;
  private final Integrity integrity;
  private final SecureRandom random;

  /**
   * @param sendEncryption our SK_e (16 or 32 bytes), {@code sendIntegrity} our SK_a; the receive
   *     pair is the peer's
   */
  public SkCbcHmac(
      Integrity integrity,
      byte[] sendEncryption,
      byte[] sendIntegrity,
      byte[] receiveEncryption,
      byte[] receiveIntegrity,
      SecureRandom random) {
    this.integrity = integrity;
    this.sendKey = aesKey(sendEncryption);
    this.receiveKey = aesKey(receiveEncryption);
    this.sendIntegrityKey = checkedIntegrityKey(sendIntegrity);
    this.receiveIntegrityKey = checkedIntegrityKey(receiveIntegrity);
    this.random = random;
  }

  /** For the end that {@code initiator} of the IKE SA, with the keys derived for it. */
  public static SkCbcHmac of(
      Integrity integrity, IkeSaKeys keys, boolean initiator, SecureRandom random) {
    return initiator
        ? new SkCbcHmac(integrity, keys.skEi(), keys.skAi(), keys.skEr(), keys.skAr(), random)
        : new SkCbcHmac(integrity, keys.skEr(), keys.skAr(), keys.skEi(), keys.skAi(), random);
  }

  private static SecretKeySpec aesKey(byte[] key) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("AES-CBC key of " + key.length + " bytes");
    }
    return new SecretKeySpec(key, "AES");
  }

  private byte[] checkedIntegrityKey(byte[] key) {
    if (key.length != integrity.keyLength()) {
      throw new IllegalArgumentException(integrity + " key of " + key.length + " bytes");
    }
    return key.clone();
  }

  @Override
  public int sealedLength(int plaintextLength) {
    return BLOCK + paddedLength(plaintextLength) + integrity.icvLength();
  }

  /** Inner payloads, Padding and Pad Length rounded up to whole blocks. */
  private static int paddedLength(int plaintextLength) {
    return (plaintextLength + 1 + BLOCK - 1) / BLOCK * BLOCK;
  }

  @Override
  public byte[] seal(byte[] aad, byte[] plaintext) {
    byte[] padded = Arrays.copyOf(plaintext, paddedLength(plaintext.length));
    padded[padded.length - 1] = (byte) (padded.length - plaintext.length - 1);
    byte[] iv = new byte[BLOCK];
    random.nextBytes(iv);
    byte[] ciphertext = aesCbc(Cipher.ENCRYPT_MODE, sendKey, iv, padded, 0, padded.length);
    byte[] icv = integrity.icv(sendIntegrityKey, aad, iv, ciphertext);
    return Bytes.concat(iv, ciphertext, icv);
  }

  @Override
  public byte[] open(byte[] aad, byte[] body) throws GeneralSecurityException {
    int icvLength = integrity.icvLength();
    int encrypted = body.length - BLOCK - icvLength;
    if (encrypted < BLOCK || encrypted % BLOCK != 0) {
      throw refused(
          IkeCryptoException.Reason.TRUNCATED,
          "SK body of " + body.length + " bytes is no IV, whole blocks and ICV");
    }
    var mac = integrity.newMac(receiveIntegrityKey);
    mac.update(aad);
    mac.update(body, 0, body.length - icvLength);
    byte[] expected = Arrays.copyOf(mac.doFinal(), icvLength);
    if (!Integrity.matches(
        expected, Arrays.copyOfRange(body, body.length - icvLength, body.length))) {
      throw refused(IkeCryptoException.Reason.ICV, "SK payload ICV mismatch");
    }
    byte[] iv = Arrays.copyOf(body, BLOCK);
    byte[] plaintext = aesCbc(Cipher.DECRYPT_MODE, receiveKey, iv, body, BLOCK, encrypted);
    int padLength = Byte.toUnsignedInt(plaintext[plaintext.length - 1]);
    if (padLength > plaintext.length - 1) {
      throw refused(
          IkeCryptoException.Reason.PADDING,
          "Pad Length " + padLength + " with " + (plaintext.length - 1) + " bytes decrypted");
    }
    return Arrays.copyOf(plaintext, plaintext.length - 1 - padLength);
  }

  private static GeneralSecurityException refused(IkeCryptoException.Reason reason, String why) {
    return new GeneralSecurityException(why, new IkeCryptoException(reason, why));
  }

  /** Raw AES-CBC without padding, as RFC 3602's vectors are given. */
  public static byte[] aesCbc(
      int mode, SecretKeySpec key, byte[] iv, byte[] input, int offset, int length) {
    try {
      Cipher cipher = JcaInstances.cipher("AES/CBC/NoPadding");
      cipher.init(mode, key, new IvParameterSpec(iv));
      return cipher.doFinal(input, offset, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC unavailable in this JVM", e);
    }
  }
}
