package io.mvpn.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Signature AUTH payloads over the octets of {@link AuthOctets}.
 *
 * <ul>
 *   <li>Method 14, Digital Signature (RFC 7427 §3): Authentication Data = length of the
 *       AlgorithmIdentifier (1 byte) | AlgorithmIdentifier (DER) | signature. The signer names its
 *       algorithm, so the verifier checks that name against what it accepts before anything else.
 *   <li>Method 1, RSA Digital Signature (RFC 7296 §3.8): RSASSA-PKCS1-v1_5 with SHA-1, the hash
 *       IKEv2 used before RFC 7427; kept for peers that offer nothing else.
 *   <li>Methods 9, 10 and 11 (RFC 4754): ECDSA on P-256, P-384 or P-521 with SHA-256, SHA-384 or
 *       SHA-512, the signature as r | s; what an ECDSA peer without RFC 7427 signs with.
 * </ul>
 *
 * ECDSA signatures are the DER Ecdsa-Sig-Value, as in X.509 (RFC 7427 §3), which is what the JDK's
 * "SHA256withECDSA" writes.
 */
public final class SignatureAuth {

  public static final int METHOD_RSA_SIGNATURE = 1;
  public static final int METHOD_SHARED_KEY = 2;

  /** RFC 4754: ECDSA with SHA-256 on the P-256 curve. */
  public static final int METHOD_ECDSA_P256 = 9;

  /** RFC 4754: ECDSA with SHA-384 on the P-384 curve. */
  public static final int METHOD_ECDSA_P384 = 10;

  /** RFC 4754: ECDSA with SHA-512 on the P-521 curve. */
  public static final int METHOD_ECDSA_P521 = 11;

  public static final int METHOD_DIGITAL_SIGNATURE = 14;

  /** Hash algorithm IDs of the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 §4, IANA). */
  public enum Hash {
    SHA2_256(2),
    SHA2_384(3),
    SHA2_512(4);

    private final int id;

    Hash(int id) {
      this.id = id;
    }

    public int id() {
      return id;
    }

    public static Optional<Hash> forId(int id) {
      for (Hash hash : values()) {
        if (hash.id == id) {
          return Optional.of(hash);
        }
      }
      return Optional.empty();
    }
  }

  /** The method-14 algorithms we sign with and accept, with their RFC 7427 Appendix A DER. */
  public enum Scheme {
    ECDSA_SHA256(Hash.SHA2_256, "SHA256withECDSA", true, "300a06082a8648ce3d040302"),
    ECDSA_SHA384(Hash.SHA2_384, "SHA384withECDSA", true, "300a06082a8648ce3d040303"),
    ECDSA_SHA512(Hash.SHA2_512, "SHA512withECDSA", true, "300a06082a8648ce3d040304"),
    RSA_PKCS1_SHA256(Hash.SHA2_256, "SHA256withRSA", false, "300d06092a864886f70d01010b0500"),
    RSA_PKCS1_SHA384(Hash.SHA2_384, "SHA384withRSA", false, "300d06092a864886f70d01010c0500"),
    RSA_PKCS1_SHA512(Hash.SHA2_512, "SHA512withRSA", false, "300d06092a864886f70d01010d0500"),
    /**
     * RSASSA-PSS, SHA-256, MGF1 with SHA-256, 32-byte salt. We write the DER form, which leaves out
     * the default trailerField; we also accept it spelt out, as some peers send it.
     */
    RSA_PSS_SHA256(
        Hash.SHA2_256,
        "RSASSA-PSS",
        false,
        "304106092a864886f70d01010a3034a00f300d06096086480165030402010500"
            + "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
        "304606092a864886f70d01010a3039a00f300d06096086480165030402010500"
            + "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"
            + "a303020101");

    private final Hash hash;
    private final String jceName;
    private final boolean ecdsa;
    private final byte[] algorithmIdentifier;
    private final byte[][] alsoAccepted;

    Scheme(Hash hash, String jceName, boolean ecdsa, String der, String... alsoAccepted) {
      HexFormat hex = HexFormat.of();
      this.hash = hash;
      this.jceName = jceName;
      this.ecdsa = ecdsa;
      this.algorithmIdentifier = hex.parseHex(der);
      this.alsoAccepted = Arrays.stream(alsoAccepted).map(hex::parseHex).toArray(byte[][]::new);
    }

    public Hash hash() {
      return hash;
    }

    /** The MessageDigest name of the hash: SHA-256, SHA-384 or SHA-512. */
    String digest() {
      return "SHA-" + jceName.substring(3, 6);
    }

    /** The DER AlgorithmIdentifier we write; a copy. */
    public byte[] algorithmIdentifier() {
      return algorithmIdentifier.clone();
    }

    boolean fits(Key key) {
      return ecdsa ? key instanceof ECKey : key instanceof RSAKey;
    }

    boolean isNamedBy(byte[] der) {
      if (Arrays.equals(algorithmIdentifier, der)) {
        return true;
      }
      for (byte[] other : alsoAccepted) {
        if (Arrays.equals(other, der)) {
          return true;
        }
      }
      return false;
    }

    /** A Signature initialised with a private key to sign or a public key to verify. */
    Signature signature(Key key) {
      return jce(
          jceName,
          key,
          this == RSA_PSS_SHA256
              ? new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)
              : null);
    }
  }

  private SignatureAuth() {}

  /**
   * Method-14 Authentication Data: ECDSA for an EC key, RSASSA-PKCS1-v1_5 for an RSA key.
   *
   * @param hash one the peer listed in its SIGNATURE_HASH_ALGORITHMS
   */
  public static byte[] sign(PrivateKey key, byte[] signedOctets, Hash hash) {
    for (Scheme scheme : Scheme.values()) {
      if (scheme.hash == hash && scheme.fits(key) && scheme != Scheme.RSA_PSS_SHA256) {
        return sign(key, signedOctets, scheme);
      }
    }
    throw new IllegalArgumentException("no signature scheme for a " + key.getAlgorithm() + " key");
  }

  /** Method-14 Authentication Data with a chosen scheme (for RSASSA-PSS). */
  public static byte[] sign(PrivateKey key, byte[] signedOctets, Scheme scheme) {
    if (!scheme.fits(key)) {
      throw new IllegalArgumentException(scheme + " with a " + key.getAlgorithm() + " key");
    }
    byte[] signature =
        scheme.ecdsa ? EcdsaSignatures.sign(key, scheme.digest(), true, signedOctets) : null;
    if (signature == null) {
      signature = rawSign(scheme.signature(key), signedOctets);
    }
    byte[] id = scheme.algorithmIdentifier;
    return Bytes.concat(new byte[] {(byte) id.length}, id, signature);
  }

  /** Checks method-14 Authentication Data, accepting every {@link Scheme}. */
  public static Scheme verify(PublicKey key, byte[] signedOctets, byte[] authenticationData)
      throws IkeCryptoException {
    return verify(key, signedOctets, authenticationData, EnumSet.allOf(Hash.class));
  }

  /**
   * Checks method-14 Authentication Data.
   *
   * @param acceptedHashes the hashes we announced in SIGNATURE_HASH_ALGORITHMS
   * @return the scheme the peer used
   * @throws IkeCryptoException UNACCEPTED_SIGNATURE_ALGORITHM if the AlgorithmIdentifier is not one
   *     we accept or does not fit the key; BAD_SIGNATURE if malformed or not verifying
   */
  public static Scheme verify(
      PublicKey key, byte[] signedOctets, byte[] authenticationData, Set<Hash> acceptedHashes)
      throws IkeCryptoException {
    if (authenticationData.length < 1
        || authenticationData.length < 1 + Byte.toUnsignedInt(authenticationData[0])) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.BAD_SIGNATURE, "AlgorithmIdentifier runs past the data");
    }
    int idLength = Byte.toUnsignedInt(authenticationData[0]);
    byte[] id = Arrays.copyOfRange(authenticationData, 1, 1 + idLength);
    byte[] signature =
        Arrays.copyOfRange(authenticationData, 1 + idLength, authenticationData.length);
    for (Scheme scheme : Scheme.values()) {
      if (scheme.isNamedBy(id)) {
        if (!acceptedHashes.contains(scheme.hash) || !scheme.fits(key)) {
          throw new IkeCryptoException(
              IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM,
              scheme + " with a " + key.getAlgorithm() + " key, hashes " + acceptedHashes);
        }
        Boolean good =
            scheme.ecdsa
                ? EcdsaSignatures.verify(key, scheme.digest(), true, signedOctets, signature)
                : null;
        if (good == null) {
          rawVerify(scheme.signature(key), signedOctets, signature);
        } else if (!good) {
          throw badSignature();
        }
        return scheme;
      }
    }
    throw new IkeCryptoException(
        IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM,
        "AlgorithmIdentifier " + HexFormat.of().formatHex(id));
  }

  /** Method-1 Authentication Data: RSASSA-PKCS1-v1_5 with SHA-1, no algorithm prefix. */
  public static byte[] signRsaSha1(PrivateKey key, byte[] signedOctets) {
    requireRsa(key);
    return rawSign(jce("SHA1withRSA", key, null), signedOctets);
  }

  /**
   * The RFC 4754 method (9, 10 or 11) for an ECDSA key by its curve's size, or -1 for a key on
   * another curve or not an EC key.
   */
  public static int ecdsaMethod(Key key) {
    if (!(key instanceof ECKey ec)) {
      return -1;
    }
    switch (ec.getParams().getCurve().getField().getFieldSize()) {
      case 256:
        return METHOD_ECDSA_P256;
      case 384:
        return METHOD_ECDSA_P384;
      case 521:
        return METHOD_ECDSA_P521;
      default:
        return -1;
    }
  }

  /**
   * Method 9, 10 or 11 Authentication Data (RFC 4754 §3, §7): ECDSA with the curve's hash, the
   * signature as r and s, each as long as the curve's order, no AlgorithmIdentifier and no DER.
   */
  public static byte[] signEcdsa(PrivateKey key, byte[] signedOctets) {
    int method = ecdsaMethod(key);
    if (method < 0) {
      throw new IllegalArgumentException("RFC 4754 needs a P-256, P-384 or P-521 key");
    }
    byte[] signature = EcdsaSignatures.sign(key, rfc4754Digest(method), false, signedOctets);
    return signature != null
        ? signature
        : rawSign(jce(rfc4754Algorithm(method), key, null), signedOctets);
  }

  /**
   * Checks method 9, 10 or 11 Authentication Data: the key must be on the method's curve.
   *
   * @throws IkeCryptoException UNACCEPTED_SIGNATURE_ALGORITHM if key and method do not match;
   *     BAD_SIGNATURE if the signature does not verify
   */
  public static void verifyEcdsa(PublicKey key, int method, byte[] signedOctets, byte[] signature)
      throws IkeCryptoException {
    if (method < METHOD_ECDSA_P256 || method > METHOD_ECDSA_P521 || ecdsaMethod(key) != method) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM,
          "AUTH method " + method + " with a " + key.getAlgorithm() + " key");
    }
    Boolean good =
        EcdsaSignatures.verify(key, rfc4754Digest(method), false, signedOctets, signature);
    if (good == null) {
      rawVerify(jce(rfc4754Algorithm(method), key, null), signedOctets, signature);
    } else if (!good) {
      throw badSignature();
    }
  }

  /** The JCA algorithm that signs with the method's hash and writes r | s (IEEE P1363). */
  private static String rfc4754Algorithm(int method) {
    return rfc4754Digest(method).replace("-", "") + "withECDSAinP1363Format";
  }

  /** The hash of an RFC 4754 method: SHA-256, SHA-384 or SHA-512 by the curve. */
  private static String rfc4754Digest(int method) {
    int bits = method == METHOD_ECDSA_P256 ? 256 : method == METHOD_ECDSA_P384 ? 384 : 512;
    return "SHA-" + bits;
  }

  /** Checks method-1 Authentication Data. */
  public static void verifyRsaSha1(PublicKey key, byte[] signedOctets, byte[] signature)
      throws IkeCryptoException {
    if (!(key instanceof RSAKey)) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM,
          "method 1 needs an RSA key, not " + key.getAlgorithm());
    }
    rawVerify(jce("SHA1withRSA", key, null), signedOctets, signature);
  }

  private static void requireRsa(Key key) {
    if (!(key instanceof RSAKey)) {
      throw new IllegalArgumentException("method 1 needs an RSA key, not " + key.getAlgorithm());
    }
  }

  /** A Signature initialised with a private key to sign or a public key to verify. */
  private static Signature jce(String name, Key key, AlgorithmParameterSpec parameters) {
    try {
      Signature signature = Signature.getInstance(name);
      if (parameters != null) {
        signature.setParameter(parameters); // before init: the key is checked against them
      }
      init(signature, key);
      return signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(name + " with this key: " + e.getMessage(), e);
    }
  }

  private static void init(Signature signature, Key key) throws InvalidKeyException {
    if (key instanceof PrivateKey) {
      signature.initSign((PrivateKey) key);
    } else {
      signature.initVerify((PublicKey) key);
    }
  }

  private static byte[] rawSign(Signature signature, byte[] data) {
    try {
      signature.update(data);
      return signature.sign();
    } catch (SignatureException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  private static void rawVerify(Signature signature, byte[] data, byte[] value)
      throws IkeCryptoException {
    boolean good;
    try {
      signature.update(data);
      good = signature.verify(value);
    } catch (SignatureException e) {
      good = false; // a malformed signature value
    }
    if (!good) {
      throw badSignature();
    }
  }

  private static IkeCryptoException badSignature() {
    return new IkeCryptoException(
        IkeCryptoException.Reason.BAD_SIGNATURE, "AUTH signature does not verify");
  }
}
