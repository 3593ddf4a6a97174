package io.mvpn.ipsec.esp;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one thread needs of its own to seal or open with an SA while other threads do too: the
 * AES-GCM cipher with its nonce and AAD (a JCE cipher holds the packet it works on), a scratch
 * array for ciphertext that has no usable array, and whether the last packet this thread opened
 * moved the SA's replay window. One per SA and thread, made on the thread's first packet on the SA.
 */
final class EspThreadState {

  private final Cipher cipher; // null: the SA runs a transform, which has its own
  private final byte[] nonce = new byte[12];
  private final byte[] aad;
  private byte[] scratch = new byte[0];
  boolean newest;

  EspThreadState(boolean gcm, boolean extendedSequenceNumbers) {
    this.aad = new byte[extendedSequenceNumbers ? 12 : 8];
    if (!gcm) {
      cipher = null;
      return;
    }
    try {
      cipher = AesGcm.newCipher();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
    }
  }

  /**
   * The cipher, set up for one packet: nonce = salt + IV (RFC 4106 §4); AAD = SPI + sequence, 32 or
   * 64 bits (§5).
   */
  Cipher init(int mode, SecretKeySpec key, byte[] salt, int spi, long iv, long seq)
      throws GeneralSecurityException {
    System.arraycopy(salt, 0, nonce, 0, EspSecurityAssociation.SALT_LENGTH);
    for (int i = 0; i < 8; i++) {
      nonce[EspSecurityAssociation.SALT_LENGTH + i] = (byte) (iv >>> (56 - 8 * i));
    }
    EspFraming.putInt(aad, 0, spi);
    if (aad.length == 12) {
      EspFraming.putInt(aad, 4, (int) (seq >>> 32));
      EspFraming.putInt(aad, 8, (int) seq);
    } else {
      EspFraming.putInt(aad, 4, (int) seq);
    }
    cipher.init(mode, key, new GCMParameterSpec(EspSecurityAssociation.ICV_LENGTH * 8, nonce));
    cipher.updateAAD(aad);
    return cipher;
  }

  /**
   * Decrypts and verifies the AES-GCM ESP packet at {@code start} ({@code cipherLength} bytes after
   * the IV, the ICV last) into the heap buffer {@code out}, straight from the packet's array when
   * it has one; a packet in a direct or composite buffer is first copied into this thread's
   * scratch.
   */
  void decrypt(
      SecretKeySpec key,
      byte[] salt,
      int spi,
      ByteBuf buf,
      int start,
      int cipherLength,
      long seq,
      ByteBuf out)
      throws GeneralSecurityException {
    int cipherAt = start + 8 + EspSecurityAssociation.IV_LENGTH;
    int plainLength = cipherLength - EspSecurityAssociation.ICV_LENGTH;
    Cipher c = init(Cipher.DECRYPT_MODE, key, salt, spi, buf.getLong(start + 8), seq);
    byte[] dst = out.array();
    int dstAt = out.arrayOffset();
    byte[] src;
    int srcAt;
    // The JDK copies the whole input when both sides share an array and the output does not lie
    // before the input, as two buffers of one pooled chunk may: cheaper to copy it here, once.
    if (buf.hasArray()
        && (buf.array() != dst || buf.arrayOffset() + cipherAt > dstAt + plainLength)) {
      src = buf.array();
      srcAt = buf.arrayOffset() + cipherAt;
    } else {
      src = scratch(cipherLength);
      srcAt = 0;
      buf.getBytes(cipherAt, src, 0, cipherLength);
    }
    c.doFinal(src, srcAt, cipherLength, dst, dstAt);
  }

  /** A scratch array of at least {@code length} bytes, kept for this thread's next packets. */
  private byte[] scratch(int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2048)];
    }
    return scratch;
  }
}
