package io.mvpn.ike.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.MessageDigest;

/**
 * What the AUTH payload signs or MACs (RFC 7296 §2.15):
 *
 * <pre>
 * InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)
 * ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload)
 * shared-key AUTH       = prf(prf(Shared Secret, "Key Pad for IKEv2"), SignedOctets)
 * </pre>
 *
 * RealMessage is the IKE_SA_INIT message exactly as sent (the last one, after any COOKIE or
 * INVALID_KE_PAYLOAD retry, without the 4-byte non-ESP marker on port 4500); the nonce is the
 * peer's nonce data without its header; RestOfIDPayload is the ID payload from the ID Type byte on
 * (type, three reserved bytes, identification data).
 */
public final class AuthOctets {

  /** 17 ASCII bytes, no terminating NUL (§2.15). */
  private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(US_ASCII);

  private AuthOctets() {}

  /** The octets the original initiator's AUTH covers; {@code skPi} from {@link IkeSaKeys}. */
  public static byte[] initiatorSignedOctets(
      Prf prf, byte[] skPi, byte[] realMessage1, byte[] nonceRData, byte[] restOfInitIdPayload) {
    return signedOctets(prf, skPi, realMessage1, nonceRData, restOfInitIdPayload);
  }

  /** The octets the original responder's AUTH covers; {@code skPr} from {@link IkeSaKeys}. */
  public static byte[] responderSignedOctets(
      Prf prf, byte[] skPr, byte[] realMessage2, byte[] nonceIData, byte[] restOfRespIdPayload) {
    return signedOctets(prf, skPr, realMessage2, nonceIData, restOfRespIdPayload);
  }

  private static byte[] signedOctets(
      Prf prf, byte[] skP, byte[] realMessage, byte[] peerNonce, byte[] restOfIdPayload) {
    return Bytes.concat(realMessage, peerNonce, prf.prf(skP, restOfIdPayload));
  }

  /** Authentication Data for method 2, shared key (§2.15). */
  public static byte[] sharedKeyAuth(Prf prf, byte[] sharedSecret, byte[] signedOctets) {
    return sharedKeyAuthWithPad(prf, sharedKeyPad(prf, sharedSecret), signedOctets);
  }

  /**
   * prf(Shared Secret, "Key Pad for IKEv2"): the key of method 2's MAC, the same for every SA of
   * one secret and PRF, so an authenticator may derive it once and keep it instead of the secret.
   */
  public static byte[] sharedKeyPad(Prf prf, byte[] sharedSecret) {
    return prf.prf(sharedSecret, KEY_PAD);
  }

  /** Authentication Data for method 2 from the secret's {@link #sharedKeyPad}. */
  public static byte[] sharedKeyAuthWithPad(Prf prf, byte[] keyPad, byte[] signedOctets) {
    return prf.prf(keyPad, signedOctets);
  }

  /** Whether a peer's method-2 Authentication Data is right, compared in constant time. */
  public static boolean sharedKeyAuthMatches(
      Prf prf, byte[] sharedSecret, byte[] signedOctets, byte[] received) {
    return sharedKeyAuthMatchesWithPad(
        prf, sharedKeyPad(prf, sharedSecret), signedOctets, received);
  }

  /** As {@link #sharedKeyAuthMatches} from the secret's {@link #sharedKeyPad}. */
  public static boolean sharedKeyAuthMatchesWithPad(
      Prf prf, byte[] keyPad, byte[] signedOctets, byte[] received) {
    return MessageDigest.isEqual(sharedKeyAuthWithPad(prf, keyPad, signedOctets), received);
  }
}
