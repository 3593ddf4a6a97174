package io.mvpn.ike.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Groups 19 and 20: the NIST P-256 and P-384 curves with the RFC 5903 encoding. The KE data is x|y,
 * each coordinate the field size (no 0x04 prefix, §7); the shared secret is the x coordinate alone
 * (§9, the errata-corrected rule).
 *
 * <p>The arithmetic is Bouncy Castle's curve-specific field code with a precomputed table for the
 * generator: a key pair and an agreement cost about a third of what the JDK 17's SunEC takes
 * (docs/benchmarks.md, IKE).
 */
final class EcpDiffieHellman extends DiffieHellman {

  private static final ECDomainParameters P256 = domain("secp256r1");
  private static final ECDomainParameters P384 = domain("secp384r1");

  private final ECDomainParameters domain;
  private final ECPrivateKeyParameters privateKey;
  private final ECPoint publicPoint;
  private final int width;

  private EcpDiffieHellman(int group, ECPrivateKeyParameters privateKey, ECPoint publicPoint) {
    super(group);
    this.domain = domain(group);
    this.privateKey = privateKey;
    this.publicPoint = publicPoint.normalize();
    this.width = (domain.getCurve().getFieldSize() + 7) / 8;
  }

  /** A fresh key pair in {@code group}. */
  static EcpDiffieHellman generate(int group, SecureRandom random) {
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(domain(group), random));
    AsymmetricCipherKeyPair keys = generator.generateKeyPair();
    return new EcpDiffieHellman(
        group,
        (ECPrivateKeyParameters) keys.getPrivate(),
        ((ECPublicKeyParameters) keys.getPublic()).getQ());
  }

  /** From a known private scalar: for known-answer tests. */
  static EcpDiffieHellman of(int group, BigInteger scalar) {
    ECDomainParameters domain = domain(group);
    return new EcpDiffieHellman(
        group, new ECPrivateKeyParameters(scalar, domain), domain.getG().multiply(scalar));
  }

  static String curveName(int group) {
    return group == ECP_256 ? "secp256r1" : "secp384r1";
  }

  private static ECDomainParameters domain(int group) {
    return group == ECP_256 ? P256 : P384;
  }

  private static ECDomainParameters domain(String name) {
    X9ECParameters curve = CustomNamedCurves.getByName(name);
    return new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
  }

  @Override
  public byte[] publicValue() {
    return Bytes.concat(
        publicPoint.getAffineXCoord().getEncoded(), publicPoint.getAffineYCoord().getEncoded());
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(group(), peerPublic, 2 * width);
    BigInteger x = Bytes.unsigned(peerPublic, 0, width);
    BigInteger y = Bytes.unsigned(peerPublic, width, width);
    ECCurve curve = domain.getCurve();
    // An off-curve point would make the agreement compute on a weaker curve and leak our key
    // (invalid-curve attack); the cofactor is 1, so on the curve means in the group. Coordinates
    // of p or more are refused, not reduced (SEC 1 §3.2.2.1).
    BigInteger p = curve.getField().getCharacteristic();
    ECPoint peer;
    try {
      if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
        throw new IllegalArgumentException("a coordinate is not below p");
      }
      peer = curve.validatePoint(x, y);
    } catch (IllegalArgumentException e) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE,
          "group " + group() + " public value is not a point on the curve");
    }
    try {
      ECDHBasicAgreement agreement = new ECDHBasicAgreement();
      agreement.init(privateKey);
      BigInteger shared = agreement.calculateAgreement(new ECPublicKeyParameters(peer, domain));
      return Bytes.fixedWidth(shared, width);
    } catch (IllegalStateException e) {
      // The product is the point at infinity: impossible for a valid point of prime order.
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "ECDH agreement: " + e.getMessage());
    }
  }
}
