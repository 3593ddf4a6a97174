package io.mvpn.ike.crypto;

import java.util.Arrays;

/**
 * Keying material of one Child SA pair (RFC 7296 §2.17), for ESP with AES-GCM-16 and, sized by the
 * caller from the suite ({@code io.mvpn.api.ipsec.EspSaKeys.Algorithm}), ChaCha20-Poly1305 or
 * AES-CBC with HMAC-SHA2:
 *
 * <pre>
 * KEYMAT = prf+(SK_d, Ni | Nr)                   (no PFS, or the Child SA of IKE_AUTH)
 * KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)      (CREATE_CHILD_SA with a KE payload)
 * </pre>
 *
 * KEYMAT is taken initiator-to-responder first, then responder-to-initiator, each direction's
 * encryption key before its integrity key (§2.17); an AEAD has no integrity key, and its encryption
 * material is the key followed by the 4-byte salt (RFC 4106 §8.1, RFC 7634 §4). Each direction's
 * whole slice ({@link #inboundKeymat}, {@link #outboundKeymat}) is what {@code
 * EspSaKeys.fromKeymat} takes. "Initiator" is the initiator of the exchange that created the Child
 * SA, not of the IKE SA.
 */
public final class ChildSaKeys {

  private final byte[] initiatorToResponder;
  private final byte[] integrityInitiatorToResponder;
  private final byte[] responderToInitiator;
  private final byte[] integrityResponderToInitiator;

  /** KEYMAT cut as §2.17 orders it: each direction's encryption key, then its integrity key. */
  private ChildSaKeys(byte[] keymat, int length, int integrityLength) {
    int at = 0;
    initiatorToResponder = Arrays.copyOfRange(keymat, at, at += length);
    integrityInitiatorToResponder = Arrays.copyOfRange(keymat, at, at += integrityLength);
    responderToInitiator = Arrays.copyOfRange(keymat, at, at += length);
    integrityResponderToInitiator = Arrays.copyOfRange(keymat, at, at + integrityLength);
  }

  /**
   * @param prf the IKE SA's PRF
   * @param aesKeyBits 128 or 256: the key sizes the ESP SA accepts
   * @param girNew the new D-H shared secret when the exchange carried KE payloads (PFS), else null
   * @param ni the nonce of the exchange's initiator: from IKE_SA_INIT for the first Child SA, from
   *     the CREATE_CHILD_SA request otherwise
   */
  public static ChildSaKeys derive(
      Prf prf, byte[] skD, int aesKeyBits, byte[] girNew, byte[] ni, byte[] nr) {
    if (aesKeyBits != 128 && aesKeyBits != 256) {
      throw new IllegalArgumentException("ESP AES-GCM key of " + aesKeyBits + " bits");
    }
    return derive(prf, skD, SkAead.keyMaterialLength(aesKeyBits), 0, girNew, ni, nr);
  }

  /**
   * KEYMAT for any ESP transform: {@code encryptionLength} bytes of encryption key (an AEAD's with
   * its salt) and {@code integrityLength} of integrity key (0 with an AEAD) per direction.
   */
  public static ChildSaKeys derive(
      Prf prf,
      byte[] skD,
      int encryptionLength,
      int integrityLength,
      byte[] girNew,
      byte[] ni,
      byte[] nr) {
    byte[] seed = girNew == null ? Bytes.concat(ni, nr) : Bytes.concat(girNew, ni, nr);
    int total = 2 * (encryptionLength + integrityLength);
    return new ChildSaKeys(prf.prfPlus(skD, seed, total), encryptionLength, integrityLength);
  }

  /** Key and salt of the SA carrying traffic from the exchange's initiator to its responder. */
  public byte[] initiatorToResponder() {
    return initiatorToResponder.clone();
  }

  /** Key and salt of the SA carrying traffic from the exchange's responder to its initiator. */
  public byte[] responderToInitiator() {
    return responderToInitiator.clone();
  }

  /** Key and salt for our outbound SA. */
  public byte[] outbound(boolean weInitiated) {
    return weInitiated ? initiatorToResponder() : responderToInitiator();
  }

  /** Key and salt for our inbound SA. */
  public byte[] inbound(boolean weInitiated) {
    return weInitiated ? responderToInitiator() : initiatorToResponder();
  }

  /** The integrity key of our outbound SA; empty with an AEAD. */
  public byte[] outboundIntegrity(boolean weInitiated) {
    return (weInitiated ? integrityInitiatorToResponder : integrityResponderToInitiator).clone();
  }

  /** The integrity key of our inbound SA; empty with an AEAD. */
  public byte[] inboundIntegrity(boolean weInitiated) {
    return (weInitiated ? integrityResponderToInitiator : integrityInitiatorToResponder).clone();
  }

  /** Our outbound SA's whole slice of KEYMAT: its encryption key (and salt), then integrity key. */
  public byte[] outboundKeymat(boolean weInitiated) {
    return Bytes.concat(outbound(weInitiated), outboundIntegrity(weInitiated));
  }

  /** Our inbound SA's whole slice of KEYMAT, as {@code io.mvpn.api.ipsec.EspSaKeys} takes it. */
  public byte[] inboundKeymat(boolean weInitiated) {
    return Bytes.concat(inbound(weInitiated), inboundIntegrity(weInitiated));
  }
}
