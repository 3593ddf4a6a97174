package io.mvpn.aodv.pki;

import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.PkiCertificate;
import io.mvpn.aodv.message.PkiSignature;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.ike.pki.Credential;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;

/**
 * Signs a hello or a sink's answer with a certificate's key and checks such a signature (the {@link
 * PkiSignature} layout). The algorithm follows the key: ECDSA over P-256 with SHA-256 or P-384 with
 * SHA-384, as fixed-length r|s; or Ed25519. RSA signatures do not fit one extension and are
 * refused.
 */
public final class PkiSigning {

  private PkiSigning() {}

  /** A key this signature cannot use. */
  public static final class UnsupportedKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedKeyException(String what) {
      super(what, null, false, false);
    }
  }

  /**
   * {@code reply} with {@code certificate}'s parts and a signature by {@code credential}'s key over
   * it, with {@code timestamp} and {@code nonce}.
   */
  public static RouteReply sign(
      RouteReply reply,
      PkiCertificate certificate,
      Credential credential,
      long timestamp,
      long nonce)
      throws UnsupportedKeyException {
    PublicKey key = credential.certificate().getPublicKey();
    RouteReply unsigned =
        PkiSignature.unsigned(
            reply, certificate.toExtensions(), timestamp, nonce, signatureLength(key));
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initSign(credential.privateKey());
      s.update(PkiSignature.signedBytes(unsigned));
      return PkiSignature.signed(unsigned, s.sign());
    } catch (GeneralSecurityException | AodvFormatException e) {
      throw new IllegalStateException("cannot sign with " + algorithm(key), e);
    }
  }

  /** Throws unless {@code credential}'s key can sign PKI hellos and the runtime can use it. */
  public static void requireSigningKey(Credential credential) throws UnsupportedKeyException {
    try {
      Signature s = Signature.getInstance(algorithm(credential.certificate().getPublicKey()));
      s.initSign(credential.privateKey());
    } catch (GeneralSecurityException e) {
      throw new UnsupportedKeyException(e.getMessage());
    }
  }

  /** Whether {@code message}'s PKI signature verifies with {@code key}. */
  public static boolean verify(RouteReply message, PublicKey key)
      throws AodvFormatException, UnsupportedKeyException {
    PkiSignature sig = PkiSignature.of(message);
    if (sig == null || sig.signature().length != signatureLength(key)) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initVerify(key);
      s.update(PkiSignature.signedBytes(message));
      return s.verify(sig.signature());
    } catch (java.security.SignatureException bad) {
      return false; // an r or s out of range: not a signature of this key
    } catch (GeneralSecurityException e) {
      throw new UnsupportedKeyException(e.getMessage());
    }
  }

  /** The JCA algorithm a key of this kind signs hellos with. */
  static String algorithm(PublicKey key) throws UnsupportedKeyException {
    return switch (kind(key)) {
      case 256 -> "SHA256withECDSAinP1363Format";
      case 384 -> "SHA384withECDSAinP1363Format";
      default -> "Ed25519";
    };
  }

  /** Bytes of a signature by {@code key}: fixed for each kind. */
  static int signatureLength(PublicKey key) throws UnsupportedKeyException {
    return switch (kind(key)) {
      case 256 -> 64;
      case 384 -> 96;
      default -> 64;
    };
  }

  private static int kind(PublicKey key) throws UnsupportedKeyException {
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256 || bits == 384) {
        return bits;
      }
      throw new UnsupportedKeyException("an EC key of " + bits + " bits");
    }
    if (key instanceof EdECKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
      return 25519;
    }
    throw new UnsupportedKeyException("a " + key.getAlgorithm() + " key");
  }
}
