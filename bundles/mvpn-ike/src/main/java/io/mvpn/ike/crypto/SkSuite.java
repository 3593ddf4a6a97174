package io.mvpn.ike.crypto;

import io.mvpn.ike.message.SkCipher;
import io.mvpn.ike.message.Transform;

/**
 * The encryption and integrity transforms an IKE SA negotiated, as key derivation and the SK
 * payload need them: AES-GCM-16 or ChaCha20-Poly1305 alone (AEAD, no integrity key), or AES-CBC
 * with an HMAC-SHA2 integrity transform.
 *
 * @param encryptionId ENCR_AES_GCM_16, ENCR_CHACHA20_POLY1305 or ENCR_AES_CBC
 * @param keyBits the Key Length attribute; 256 for ChaCha20-Poly1305, which carries none
 * @param integrity null with an AEAD
 */
public record SkSuite(int encryptionId, int keyBits, Integrity integrity) {

  public SkSuite {
    boolean aead = encryptionId != Transform.ENCR_AES_CBC;
    if (aead != (integrity == null)) {
      throw new IllegalArgumentException(
          "ENCR " + encryptionId + (aead ? " takes no" : " needs an") + " integrity transform");
    }
    encryptionKeyLength(encryptionId, keyBits); // validates
  }

  /** AES-GCM-16 with a key of {@code bits}. */
  public static SkSuite aesGcm(int bits) {
    return new SkSuite(Transform.ENCR_AES_GCM_16, bits, null);
  }

  /**
   * The suite of a chosen ENCR and INTEG (INTEG null or NONE with an AEAD).
   *
   * @throws IllegalArgumentException if we implement no such combination
   */
  public static SkSuite of(Transform encryption, Transform integ) {
    int bits = encryption.id() == Transform.ENCR_CHACHA20_POLY1305 ? 256 : encryption.keyLength();
    Integrity integrity = null;
    if (integ != null && integ.id() != Transform.INTEG_NONE) {
      integrity =
          Integrity.forTransformId(integ.id())
              .orElseThrow(() -> new IllegalArgumentException("INTEG " + integ.id()));
    }
    return new SkSuite(encryption.id(), bits, integrity);
  }

  public boolean aead() {
    return integrity == null;
  }

  /** SK_ei and SK_er: an AEAD's key plus its 4-byte salt, else the AES key. */
  public int encryptionKeyLength() {
    return encryptionKeyLength(encryptionId, keyBits);
  }

  private static int encryptionKeyLength(int encryptionId, int keyBits) {
    return switch (encryptionId) {
      case Transform.ENCR_AES_GCM_16 -> SkAead.Algorithm.AES_GCM_16.keyMaterialLength(keyBits);
      case Transform.ENCR_CHACHA20_POLY1305 ->
          SkAead.Algorithm.CHACHA20_POLY1305.keyMaterialLength(keyBits);
      case Transform.ENCR_AES_CBC -> {
        if (keyBits != 128 && keyBits != 192 && keyBits != 256) {
          throw new IllegalArgumentException("AES-CBC key of " + keyBits + " bits");
        }
        yield keyBits / 8;
      }
      default -> throw new IllegalArgumentException("ENCR " + encryptionId + " unsupported");
    };
  }

  /** SK_ai and SK_ar: none with an AEAD (RFC 7296 §2.14). */
  public int integrityKeyLength() {
    return integrity == null ? 0 : integrity.keyLength();
  }

  /** The SK cipher of the end that is the IKE SA's {@code initiator}. */
  public SkCipher cipher(IkeSaKeys keys, boolean initiator) {
    return switch (encryptionId) {
      case Transform.ENCR_AES_GCM_16 ->
          SkAeadCipher.of(SkAead.Algorithm.AES_GCM_16, keys, initiator);
      case Transform.ENCR_CHACHA20_POLY1305 ->
          SkAeadCipher.of(SkAead.Algorithm.CHACHA20_POLY1305, keys, initiator);
      default -> SkCbcHmac.of(integrity, keys, initiator, SkCbcHmac.IV_SOURCE);
    };
  }

  /** The encryption algorithm as Wireshark's IKEv2 decryption table names it. */
  public String wiresharkEncryption() {
    return switch (encryptionId) {
      case Transform.ENCR_AES_GCM_16 -> "AES-GCM-" + keyBits + " with 16 octet ICV [RFC5282]";
      case Transform.ENCR_CHACHA20_POLY1305 -> "ChaCha20-Poly1305 [RFC7634]";
      default -> "AES-CBC-" + keyBits + " [RFC3602]";
    };
  }

  /** The integrity algorithm as Wireshark's IKEv2 decryption table names it. */
  public String wiresharkIntegrity() {
    return integrity == null ? "NONE [RFC4306]" : integrity.name() + " [RFC4868]";
  }
}
