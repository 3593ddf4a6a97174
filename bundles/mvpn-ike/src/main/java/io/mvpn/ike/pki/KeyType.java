package io.mvpn.ike.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** The key pairs the CA makes, and the signature algorithm it signs with for each. */
public enum KeyType {
  /** ECDSA on NIST P-256 (secp256r1), signing with SHA-256. */
  EC_P256("SHA256withECDSA"),
  /** RSA with a 2048-bit modulus, signing with RSASSA-PKCS1-v1_5 and SHA-256. */
  RSA_2048("SHA256withRSA");

  private final String signatureAlgorithm;

  KeyType(String signatureAlgorithm) {
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The JCA name of the algorithm a key of this type signs certificates and CRLs with. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /** A fresh key pair from the JDK's default providers. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator;
      if (this == EC_P256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(this + " key generation unavailable", e);
    }
  }

  /** The type of an existing key, by its algorithm. */
  public static KeyType of(java.security.Key key) {
    switch (key.getAlgorithm()) {
      case "EC":
        return EC_P256;
      case "RSA":
        return RSA_2048;
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    }
  }
}
