package io.mvpn.ike.crypto;

import java.util.Arrays;

/**
 * The seven keys of an IKE SA (RFC 7296 §2.14), their lengths taken from the negotiated {@link
 * SkSuite}: with an AEAD (AES-GCM-16, RFC 5282; ChaCha20-Poly1305, RFC 7634) SK_ai and SK_ar are
 * empty and SK_ei and SK_er are the key followed by the 4-byte salt (RFC 5282 §7.1); with AES-CBC
 * SK_ei and SK_er are the AES key and SK_ai, SK_ar the HMAC keys (RFC 4868 §2.1.2).
 *
 * <pre>
 * SKEYSEED = prf(Ni | Nr, g^ir)                            (new IKE SA, §2.14)
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)         (rekeyed IKE SA, §2.18)
 * SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * </pre>
 *
 * Ni and Nr are the nonce data without payload headers and SPIi, SPIr the 8-byte SPIs in that order
 * whichever side computes. Getters return copies: the keys stay as derived.
 */
public final class IkeSaKeys {

  public static final int SPI_LENGTH = 8;

  private final Prf prf;
  private final byte[] skD;
  private final byte[] skAi;
  private final byte[] skAr;
  private final byte[] skEi;
  private final byte[] skEr;
  private final byte[] skPi;
  private final byte[] skPr;

  private IkeSaKeys(Prf prf, byte[] keymat, int encryptionLength, int integrityLength) {
    this.prf = prf;
    int at = 0;
    skD = Arrays.copyOfRange(keymat, at, at += prf.keyLength());
    skAi = Arrays.copyOfRange(keymat, at, at += integrityLength);
    skAr = Arrays.copyOfRange(keymat, at, at += integrityLength);
    skEi = Arrays.copyOfRange(keymat, at, at += encryptionLength);
    skEr = Arrays.copyOfRange(keymat, at, at += encryptionLength);
    skPi = Arrays.copyOfRange(keymat, at, at += prf.keyLength());
    skPr = Arrays.copyOfRange(keymat, at, at + prf.keyLength());
  }

  /**
   * Keys of a new IKE SA from its IKE_SA_INIT exchange.
   *
   * @param aesKeyBits the Key Length attribute of ENCR_AES_GCM_16: 128, 192 or 256
   * @param gir the D-H shared secret as {@link DiffieHellman#sharedSecret} gives it
   */
  public static IkeSaKeys derive(
      Prf prf, int aesKeyBits, byte[] gir, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
    return derive(prf, SkSuite.aesGcm(aesKeyBits), gir, ni, nr, spiI, spiR);
  }

  /** Keys of a new IKE SA with the negotiated encryption and integrity transforms. */
  public static IkeSaKeys derive(
      Prf prf, SkSuite suite, byte[] gir, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
    return fromSkeyseed(prf, suite, skeyseed(prf, ni, nr, gir), ni, nr, spiI, spiR);
  }

  /**
   * Keys of the IKE SA that replaces {@code old} (§2.18). SKEYSEED uses the old SA's PRF, because
   * the rekeying exchange belongs to the old SA; prf+ then uses the new SA's PRF.
   *
   * @param spiI the new IKE SA's initiator SPI (from the rekeying exchange's SA payloads)
   */
  public static IkeSaKeys rekey(
      IkeSaKeys old,
      Prf prf,
      SkSuite suite,
      byte[] girNew,
      byte[] ni,
      byte[] nr,
      byte[] spiI,
      byte[] spiR) {
    byte[] seed = rekeySkeyseed(old.prf, old.skD, girNew, ni, nr);
    return fromSkeyseed(prf, suite, seed, ni, nr, spiI, spiR);
  }

  /** SKEYSEED = prf(Ni | Nr, g^ir): the nonces are the key (§2.14). */
  public static byte[] skeyseed(Prf prf, byte[] ni, byte[] nr, byte[] gir) {
    return prf.prf(Bytes.concat(ni, nr), gir);
  }

  /** SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18). */
  public static byte[] rekeySkeyseed(
      Prf oldPrf, byte[] oldSkD, byte[] girNew, byte[] ni, byte[] nr) {
    return oldPrf.prf(oldSkD, girNew, ni, nr);
  }

  static IkeSaKeys fromSkeyseed(
      Prf prf, int aesKeyBits, byte[] skeyseed, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
    return fromSkeyseed(prf, SkSuite.aesGcm(aesKeyBits), skeyseed, ni, nr, spiI, spiR);
  }

  static IkeSaKeys fromSkeyseed(
      Prf prf, SkSuite suite, byte[] skeyseed, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
    if (spiI.length != SPI_LENGTH || spiR.length != SPI_LENGTH) {
      throw new IllegalArgumentException("IKE SPIs are 8 bytes each");
    }
    int encryptionLength = suite.encryptionKeyLength();
    int integrityLength = suite.integrityKeyLength();
    int total = 3 * prf.keyLength() + 2 * encryptionLength + 2 * integrityLength;
    byte[] keymat = prf.prfPlus(skeyseed, Bytes.concat(ni, nr, spiI, spiR), total);
    return new IkeSaKeys(prf, keymat, encryptionLength, integrityLength);
  }

  public Prf prf() {
    return prf;
  }

  /** Keys Child SAs and rekeyed IKE SAs. */
  public byte[] skD() {
    return skD.clone();
  }

  /** Keys the ICV of what the original initiator sends; empty with an AEAD. */
  public byte[] skAi() {
    return skAi.clone();
  }

  /** Keys the ICV of what the original responder sends; empty with an AEAD. */
  public byte[] skAr() {
    return skAr.clone();
  }

  /** Protects what the original initiator sends: the key, then an AEAD's 4-byte salt. */
  public byte[] skEi() {
    return skEi.clone();
  }

  /** Protects what the original responder sends: the key, then an AEAD's 4-byte salt. */
  public byte[] skEr() {
    return skEr.clone();
  }

  /** Keys prf(SK_pi, RestOfInitIDPayload) in the initiator's AUTH (§2.15). */
  public byte[] skPi() {
    return skPi.clone();
  }

  /** Keys prf(SK_pr, RestOfRespIDPayload) in the responder's AUTH (§2.15). */
  public byte[] skPr() {
    return skPr.clone();
  }
}
