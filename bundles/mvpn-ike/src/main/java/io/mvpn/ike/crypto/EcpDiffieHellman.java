package io.mvpn.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;

/**
 * Groups 19 and 20: the NIST P-256 and P-384 curves with the RFC 5903 encoding. The KE data is x|y,
 * each coordinate the field size (no 0x04 prefix, §7); the shared secret is the x coordinate alone
 * (§9, the errata-corrected rule).
 */
final class EcpDiffieHellman extends DiffieHellman {

  private final KeyPair keys;
  private final ECParameterSpec params;
  private final int width;

  EcpDiffieHellman(int group, KeyPair keys) {
    super(group);
    this.keys = keys;
    this.params = ((ECPublicKey) keys.getPublic()).getParams();
    this.width = (params.getCurve().getField().getFieldSize() + 7) / 8;
  }

  static KeyPair generate(int group, SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curveName(group)), random);
    return generator.generateKeyPair();
  }

  static String curveName(int group) {
    return group == ECP_256 ? "secp256r1" : "secp384r1";
  }

  @Override
  public byte[] publicValue() {
    ECPoint w = ((ECPublicKey) keys.getPublic()).getW();
    return Bytes.concat(
        Bytes.fixedWidth(w.getAffineX(), width), Bytes.fixedWidth(w.getAffineY(), width));
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(group(), peerPublic, 2 * width);
    BigInteger x = Bytes.unsigned(peerPublic, 0, width);
    BigInteger y = Bytes.unsigned(peerPublic, width, width);
    // An off-curve point would make the agreement compute on a weaker curve and leak our key
    // (invalid-curve attack); the cofactor is 1, so on the curve means in the group.
    if (!onCurve(x, y)) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE,
          "group " + group() + " public value is not a point on the curve");
    }
    try {
      PublicKey peer =
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
      return Bytes.fixedWidth(new BigInteger(1, agree("ECDH", keys.getPrivate(), peer)), width);
    } catch (GeneralSecurityException e) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "ECDH agreement: " + e.getMessage());
    }
  }

  /** y^2 = x^3 + ax + b (mod p), with both coordinates reduced (SEC 1 §3.2.2.1). */
  private boolean onCurve(BigInteger x, BigInteger y) {
    EllipticCurve curve = params.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }
}
