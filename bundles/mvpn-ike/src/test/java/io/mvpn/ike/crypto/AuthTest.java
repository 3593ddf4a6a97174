package io.mvpn.ike.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.ike.crypto.SignatureAuth.Hash;
import io.mvpn.ike.crypto.SignatureAuth.Scheme;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthTest {

  static final HexFormat HEX = HexFormat.of();
  static final byte[] OCTETS = "IKE_SA_INIT request | Nr | prf(SK_pi, IDi)".getBytes(US_ASCII);

  static KeyPair ec;
  static KeyPair rsa;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGenerator.generateKeyPair();
    KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
    rsaGenerator.initialize(2048);
    rsa = rsaGenerator.generateKeyPair();
  }

  @Test
  void signedOctetsAreMessageNonceAndPrfOfTheIdPayload() throws Exception {
    byte[] message = HEX.parseHex("0102030405");
    byte[] nonce = HEX.parseHex("aabbcc");
    byte[] skP = new byte[32];
    Arrays.fill(skP, (byte) 0x5a);
    byte[] restOfId = HEX.parseHex("02000000");
    restOfId = Bytes.concat(restOfId, "gw.example.org".getBytes(US_ASCII));
    byte[] expected = Bytes.concat(message, nonce, hmac(skP, restOfId));
    assertThat(AuthOctets.initiatorSignedOctets(Prf.HMAC_SHA2_256, skP, message, nonce, restOfId))
        .isEqualTo(expected);
    assertThat(AuthOctets.responderSignedOctets(Prf.HMAC_SHA2_256, skP, message, nonce, restOfId))
        .isEqualTo(expected);
  }

  @Test
  void sharedKeyAuthMatchesAnIndependentComputation() throws Exception {
    byte[] secret = "correct horse battery staple".getBytes(US_ASCII);
    byte[] expected = hmac(hmac(secret, "Key Pad for IKEv2".getBytes(US_ASCII)), OCTETS);
    byte[] auth = AuthOctets.sharedKeyAuth(Prf.HMAC_SHA2_256, secret, OCTETS);
    assertThat(auth).isEqualTo(expected).hasSize(32);
    assertThat(AuthOctets.sharedKeyAuthMatches(Prf.HMAC_SHA2_256, secret, OCTETS, expected))
        .isTrue();
    byte[] wrong = expected.clone();
    wrong[0] ^= 1;
    assertThat(AuthOctets.sharedKeyAuthMatches(Prf.HMAC_SHA2_256, secret, OCTETS, wrong)).isFalse();
  }

  /** RFC 7427 A.3.1 ecdsa-with-sha256, no parameters; the signature is the DER (r, s). */
  @Test
  void ecdsaP256Sha256RoundTrip() throws Exception {
    byte[] auth = SignatureAuth.sign(ec.getPrivate(), OCTETS, Hash.SHA2_256);
    byte[] signature = signatureAfter(auth, "300a06082a8648ce3d040302");
    assertThat(jdkVerifies("SHA256withECDSA", ec.getPublic(), signature)).isTrue();
    assertThat(SignatureAuth.verify(ec.getPublic(), OCTETS, auth)).isEqualTo(Scheme.ECDSA_SHA256);
  }

  /** RFC 7427 A.1.2 sha256WithRSAEncryption, with its NULL parameters. */
  @Test
  void rsaPkcs1Sha256RoundTrip() throws Exception {
    byte[] auth = SignatureAuth.sign(rsa.getPrivate(), OCTETS, Hash.SHA2_256);
    byte[] signature = signatureAfter(auth, "300d06092a864886f70d01010b0500");
    assertThat(signature).hasSize(256);
    assertThat(jdkVerifies("SHA256withRSA", rsa.getPublic(), signature)).isTrue();
    assertThat(SignatureAuth.verify(rsa.getPublic(), OCTETS, auth))
        .isEqualTo(Scheme.RSA_PKCS1_SHA256);
  }

  /** Checks length | AlgorithmIdentifier and returns what follows: the signature. */
  static byte[] signatureAfter(byte[] auth, String algorithmIdentifier) {
    int length = algorithmIdentifier.length() / 2;
    assertThat(Byte.toUnsignedInt(auth[0])).isEqualTo(length);
    assertThat(HEX.formatHex(Arrays.copyOfRange(auth, 1, 1 + length)))
        .isEqualTo(algorithmIdentifier);
    return Arrays.copyOfRange(auth, 1 + length, auth.length);
  }

  static boolean jdkVerifies(String algorithm, PublicKey key, byte[] signature) throws Exception {
    Signature jdk = Signature.getInstance(algorithm);
    jdk.initVerify(key);
    jdk.update(OCTETS);
    return jdk.verify(signature);
  }

  @Test
  void rsaPssRoundTripAndTheLongerEncodingIsAccepted() throws Exception {
    byte[] auth = SignatureAuth.sign(rsa.getPrivate(), OCTETS, Scheme.RSA_PSS_SHA256);
    assertThat(SignatureAuth.verify(rsa.getPublic(), OCTETS, auth))
        .isEqualTo(Scheme.RSA_PSS_SHA256);
    int idLength = auth[0];
    byte[] signature = Arrays.copyOfRange(auth, 1 + idLength, auth.length);
    byte[] withTrailer =
        HEX.parseHex(
            "304606092a864886f70d01010a3039a00f300d06096086480165030402010500"
                + "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"
                + "a303020101");
    byte[] other = Bytes.concat(new byte[] {(byte) withTrailer.length}, withTrailer, signature);
    assertThat(SignatureAuth.verify(rsa.getPublic(), OCTETS, other))
        .isEqualTo(Scheme.RSA_PSS_SHA256);
  }

  @Test
  void tamperedOctetsOrSignatureFail() {
    for (KeyPair keys : new KeyPair[] {ec, rsa}) {
      byte[] auth = SignatureAuth.sign(keys.getPrivate(), OCTETS, Hash.SHA2_256);
      byte[] octets = OCTETS.clone();
      octets[5] ^= 1;
      assertThat(reasonOf(() -> SignatureAuth.verify(keys.getPublic(), octets, auth)))
          .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
      byte[] badSignature = auth.clone();
      badSignature[badSignature.length - 3] ^= 1;
      assertThat(reasonOf(() -> SignatureAuth.verify(keys.getPublic(), OCTETS, badSignature)))
          .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void unacceptedAlgorithmIdentifiersAreRefused() throws Exception {
    byte[] auth = SignatureAuth.sign(rsa.getPrivate(), OCTETS, Hash.SHA2_256);
    // sha1WithRSAEncryption (RFC 7427 A.1.1): a valid name, but not one we accept.
    byte[] sha1 = HEX.parseHex("300d06092a864886f70d0101050500");
    byte[] renamed = auth.clone();
    System.arraycopy(sha1, 0, renamed, 1, sha1.length);
    IkeCryptoException e =
        catchThrowableOfType(
            () -> SignatureAuth.verify(rsa.getPublic(), OCTETS, renamed), IkeCryptoException.class);
    assertThat(e.reason()).isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);
    assertThat(e.reason().notifyType()).isEqualTo(IkeCryptoException.AUTHENTICATION_FAILED);

    // An RSA AlgorithmIdentifier with an EC key.
    byte[] ecAuth = SignatureAuth.sign(ec.getPrivate(), OCTETS, Hash.SHA2_256);
    assertThat(reasonOf(() -> SignatureAuth.verify(rsa.getPublic(), OCTETS, ecAuth)))
        .isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);

    // A hash we did not announce.
    assertThat(
            reasonOf(
                () ->
                    SignatureAuth.verify(
                        ec.getPublic(), OCTETS, ecAuth, EnumSet.of(Hash.SHA2_384))))
        .isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);

    // A length byte running past the data.
    assertThat(reasonOf(() -> SignatureAuth.verify(ec.getPublic(), OCTETS, new byte[] {40, 0})))
        .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
    assertThat(reasonOf(() -> SignatureAuth.verify(ec.getPublic(), OCTETS, new byte[0])))
        .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
  }

  @Test
  void method1RsaSha1RoundTrip() throws Exception {
    byte[] signature = SignatureAuth.signRsaSha1(rsa.getPrivate(), OCTETS);
    assertThat(jdkVerifies("SHA1withRSA", rsa.getPublic(), signature)).isTrue();
    SignatureAuth.verifyRsaSha1(rsa.getPublic(), OCTETS, signature);
    byte[] octets = OCTETS.clone();
    octets[0] ^= 1;
    assertThat(reasonOf(() -> SignatureAuth.verifyRsaSha1(rsa.getPublic(), octets, signature)))
        .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
    assertThat(reasonOf(() -> SignatureAuth.verifyRsaSha1(ec.getPublic(), OCTETS, signature)))
        .isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);
    assertThatThrownBy(() -> SignatureAuth.signRsaSha1(ec.getPrivate(), OCTETS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rfc4754EcdsaRoundTrip() throws Exception {
    assertThat(SignatureAuth.ecdsaMethod(ec.getPrivate())).isEqualTo(9);
    assertThat(SignatureAuth.ecdsaMethod(rsa.getPrivate())).isEqualTo(-1);
    byte[] signature = SignatureAuth.signEcdsa(ec.getPrivate(), OCTETS);
    // r | s, 32 bytes each on P-256, as the JDK's IEEE P1363 format writes them.
    assertThat(signature).hasSize(64);
    assertThat(jdkVerifies("SHA256withECDSAinP1363Format", ec.getPublic(), signature)).isTrue();
    SignatureAuth.verifyEcdsa(ec.getPublic(), 9, OCTETS, signature);
    byte[] octets = OCTETS.clone();
    octets[0] ^= 1;
    assertThat(reasonOf(() -> SignatureAuth.verifyEcdsa(ec.getPublic(), 9, octets, signature)))
        .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
    assertThat(reasonOf(() -> SignatureAuth.verifyEcdsa(ec.getPublic(), 10, OCTETS, signature)))
        .isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);
    assertThat(reasonOf(() -> SignatureAuth.verifyEcdsa(rsa.getPublic(), 9, OCTETS, signature)))
        .isEqualTo(IkeCryptoException.Reason.UNACCEPTED_SIGNATURE_ALGORITHM);
    assertThatThrownBy(() -> SignatureAuth.signEcdsa(rsa.getPrivate(), OCTETS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * AUTH is signed and checked with Bouncy Castle's arithmetic: what the JDK signs on P-256 and
   * P-384, DER (RFC 7427) or r | s (RFC 4754), must verify, and DER garbage must not.
   */
  @Test
  void signaturesMadeByTheJdkVerifyAndGarbageDoesNot() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = generator.generateKeyPair();
    Signature der = Signature.getInstance("SHA384withECDSA");
    der.initSign(p384.getPrivate());
    der.update(OCTETS);
    byte[] id = Scheme.ECDSA_SHA384.algorithmIdentifier();
    byte[] auth = Bytes.concat(new byte[] {(byte) id.length}, id, der.sign());
    assertThat(SignatureAuth.verify(p384.getPublic(), OCTETS, auth)).isEqualTo(Scheme.ECDSA_SHA384);

    Signature plain = Signature.getInstance("SHA256withECDSAinP1363Format");
    plain.initSign(ec.getPrivate());
    plain.update(OCTETS);
    SignatureAuth.verifyEcdsa(ec.getPublic(), 9, OCTETS, plain.sign());

    byte[] p256Id = Scheme.ECDSA_SHA256.algorithmIdentifier();
    for (byte[] garbage : new byte[][] {{0x30, 0x03, 0x02, 0x01}, new byte[70], {}}) {
      byte[] bad = Bytes.concat(new byte[] {(byte) p256Id.length}, p256Id, garbage);
      assertThat(reasonOf(() -> SignatureAuth.verify(ec.getPublic(), OCTETS, bad)))
          .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
    }
    assertThat(reasonOf(() -> SignatureAuth.verifyEcdsa(ec.getPublic(), 9, OCTETS, new byte[63])))
        .isEqualTo(IkeCryptoException.Reason.BAD_SIGNATURE);
  }

  @Test
  void hashIds() {
    assertThat(Hash.forId(2)).contains(Hash.SHA2_256);
    assertThat(Hash.forId(1)).isEmpty();
    assertThat(Hash.SHA2_512.id()).isEqualTo(4);
  }

  interface Check {
    void run() throws Exception;
  }

  static IkeCryptoException.Reason reasonOf(Check check) {
    return catchThrowableOfType(check::run, IkeCryptoException.class).reason();
  }

  static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
