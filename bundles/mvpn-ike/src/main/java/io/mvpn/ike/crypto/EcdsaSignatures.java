package io.mvpn.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSAEncoding;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * ECDSA for AUTH payloads on the NIST curves through Bouncy Castle's curve-specific arithmetic:
 * signing costs about a third and verifying about a fifth of the JDK 17's SunEC
 * (docs/benchmarks.md, IKE). JDK keys are taken as they are; a key on any other curve is not ours
 * to handle here (null answers), and the caller goes through the JCE instead.
 */
final class EcdsaSignatures {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<ECDomainParameters> CURVES =
      List.of(domain("secp256r1"), domain("secp384r1"), domain("secp521r1"));

  private EcdsaSignatures() {}

  /**
   * The signature of {@code data} hashed with {@code digest} ("SHA-256", ...), DER
   * (Ecdsa-Sig-Value, RFC 7427) or r | s (RFC 4754); null for a key not on a NIST curve.
   */
  static byte[] sign(PrivateKey key, String digest, boolean der, byte[] data) {
    ECDomainParameters domain = key instanceof ECPrivateKey ec ? domainOf(ec) : null;
    if (domain == null) {
      return null;
    }
    ECDSASigner signer = new ECDSASigner();
    signer.init(
        true,
        new ParametersWithRandom(
            new ECPrivateKeyParameters(((ECPrivateKey) key).getS(), domain), RANDOM));
    BigInteger[] rs = signer.generateSignature(hash(digest, data));
    try {
      return encoding(der).encode(domain.getN(), rs[0], rs[1]);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("ECDSA signature encoding", e);
    }
  }

  /**
   * Whether {@code signature} verifies; null for a key not on a NIST curve. A malformed value
   * (wrong length, non-canonical DER, r or s out of range) does not verify.
   */
  static Boolean verify(PublicKey key, String digest, boolean der, byte[] data, byte[] signature) {
    ECDomainParameters domain = key instanceof ECPublicKey ec ? domainOf(ec) : null;
    if (domain == null) {
      return null;
    }
    BigInteger[] rs;
    ECPublicKeyParameters publicKey;
    try {
      rs = encoding(der).decode(domain.getN(), signature);
      java.security.spec.ECPoint w = ((ECPublicKey) key).getW();
      publicKey =
          new ECPublicKeyParameters(
              domain.getCurve().validatePoint(w.getAffineX(), w.getAffineY()), domain);
    } catch (RuntimeException | java.io.IOException e) {
      return false; // BC's ASN.1 parser speaks of garbage in several runtime exceptions
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, publicKey);
    return verifier.verifySignature(hash(digest, data), rs[0], rs[1]);
  }

  private static DSAEncoding encoding(boolean der) {
    return der ? StandardDSAEncoding.INSTANCE : PlainDSAEncoding.INSTANCE;
  }

  private static byte[] hash(String digest, byte[] data) {
    try {
      return JcaInstances.digest(digest).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(digest + " unavailable in this JVM", e);
    }
  }

  /** The NIST curve of a JDK EC key, compared by its parameters; null if it is another. */
  private static ECDomainParameters domainOf(ECKey key) {
    ECParameterSpec spec = key.getParams();
    for (ECDomainParameters domain : CURVES) {
      if (domain.getN().equals(spec.getOrder())
          && domain.getCurve().getA().toBigInteger().equals(spec.getCurve().getA())
          && domain.getCurve().getB().toBigInteger().equals(spec.getCurve().getB())
          && domain.getCurve().getField().getCharacteristic().equals(fieldPrime(spec))
          && domain.getG().getAffineXCoord().toBigInteger().equals(spec.getGenerator().getAffineX())
          && domain
              .getG()
              .getAffineYCoord()
              .toBigInteger()
              .equals(spec.getGenerator().getAffineY())) {
        return domain;
      }
    }
    return null;
  }

  private static BigInteger fieldPrime(ECParameterSpec spec) {
    return spec.getCurve().getField() instanceof java.security.spec.ECFieldFp fp
        ? fp.getP()
        : BigInteger.ZERO;
  }

  private static ECDomainParameters domain(String name) {
    X9ECParameters curve = CustomNamedCurves.getByName(name);
    return new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
  }
}
