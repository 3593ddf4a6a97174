package io.mvpn.ike.message;

import java.security.GeneralSecurityException;

/**
 * The cipher of one direction of an IKE SA, as the SK payload needs it (RFC 7296 §3.14, RFC 5282
 * §3, §5.1). The message codec frames and chains payloads; the cipher owns everything inside the SK
 * payload's body: IV, Padding and Pad Length, encryption and the Integrity Checksum (the AEAD tag,
 * or the MAC of a non-combined transform).
 *
 * <p>The AAD is the message from the first byte of the IKE header through the 4-byte generic header
 * of the SK payload: header, any unencrypted payloads before SK, SK's Next Payload, flags and
 * Payload Length. For AEAD transforms it is the associated data; a non-combined transform's MAC
 * covers {@code aad | body-without-ICV} (§3.14). Because the header's Length and the SK payload's
 * Length are inside the AAD, {@link IkeMessage#encodeWithSk} asks {@link #sealedLength(int)} first
 * and then calls {@link #seal(byte[], byte[])}.
 */
public interface SkCipher {

  /**
   * The body length {@link #seal} will return for {@code plaintextLength} bytes of inner payloads:
   * IV + the encrypted payloads, Padding and Pad Length + ICV.
   */
  int sealedLength(int plaintextLength);

  /**
   * The SK body for the inner payloads {@code plaintext} (their generic headers included): exactly
   * {@link #sealedLength(int) sealedLength(plaintext.length)} bytes.
   */
  byte[] seal(byte[] aad, byte[] plaintext);

  /**
   * The inner payloads of an SK body, Padding and Pad Length removed.
   *
   * @throws GeneralSecurityException when the ICV does not verify or the body is too short or badly
   *     padded; the engine drops such a message silently (§2.21.2)
   */
  byte[] open(byte[] aad, byte[] body) throws GeneralSecurityException;
}
