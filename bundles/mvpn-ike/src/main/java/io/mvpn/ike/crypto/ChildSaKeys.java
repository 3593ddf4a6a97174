package io.mvpn.ike.crypto;

import java.util.Arrays;

/**
 * Keying material of one Child SA pair (RFC 7296 §2.17) for ESP with AES-GCM-16:
 *
 * <pre>
 * KEYMAT = prf+(SK_d, Ni | Nr)                   (no PFS, or the Child SA of IKE_AUTH)
 * KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr)      (CREATE_CHILD_SA with a KE payload)
 * </pre>
 *
 * KEYMAT is taken initiator-to-responder first, then responder-to-initiator, each direction's
 * encryption key before its integrity key (§2.17); an AEAD has no integrity key, and its encryption
 * material is the AES key followed by the 4-byte salt (RFC 4106 §8.1). Each half is what {@code
 * io.mvpn.ipsec.esp.EspSecurityAssociation} takes: 20 or 36 bytes. "Initiator" is the initiator of
 * the exchange that created the Child SA, not of the IKE SA.
 */
public final class ChildSaKeys {

  private final byte[] initiatorToResponder;
  private final byte[] responderToInitiator;

  private ChildSaKeys(byte[] keymat, int length) {
    initiatorToResponder = Arrays.copyOfRange(keymat, 0, length);
    responderToInitiator = Arrays.copyOfRange(keymat, length, 2 * length);
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
    int length = SkAead.keyMaterialLength(aesKeyBits);
    byte[] seed = girNew == null ? Bytes.concat(ni, nr) : Bytes.concat(girNew, ni, nr);
    return new ChildSaKeys(prf.prfPlus(skD, seed, 2 * length), length);
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
}
