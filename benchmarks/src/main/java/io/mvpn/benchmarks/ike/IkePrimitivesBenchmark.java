package io.mvpn.benchmarks.ike;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bare primitives one IKE setup is made of, each implementation the engine could use, to pick
 * the fastest per D-H group and AUTH method. One operation is what one end of a setup does: a fresh
 * key pair and one agreement with the peer's public value (the peer's value fixed, so the figure is
 * one end's cost); ECDSA P-256 one signature or one verification of 200 bytes; the key schedule
 * (SKEYSEED and prf+ for an AES-GCM-256 suite with HMAC-SHA2-256); one AES-GCM-256 seal of a
 * 300-byte IKE_AUTH body.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar IkePrimitivesBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IkePrimitivesBenchmark {

  private final SecureRandom random = new SecureRandom();
  private KeyPairGenerator jdkX25519;
  private KeyPair jdkX25519Peer;
  private final byte[] bcX25519Peer = new byte[X25519.POINT_SIZE];
  private KeyPairGenerator jdkP256;
  private KeyPair jdkP256Peer;
  private ECDomainParameters bcP256;
  private ECKeyPairGenerator bcP256Generator;
  private ECPublicKeyParameters bcP256Peer;
  private KeyPair ecdsaKeys;
  private byte[] ecdsaSignature;
  private AsymmetricCipherKeyPair bcEcdsaKeys;
  private BigInteger[] bcEcdsaSignature;
  private final byte[] signedOctets = new byte[200];
  private final byte[] nonces = new byte[64];
  private final byte[] gir = new byte[32];
  private final byte[] authBody = new byte[300];
  private final byte[] sealed = new byte[316];
  private SecretKeySpec gcmKey;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    jdkX25519 = KeyPairGenerator.getInstance("XDH");
    jdkX25519.initialize(NamedParameterSpec.X25519, random);
    jdkX25519Peer = jdkX25519.generateKeyPair();
    byte[] peerPrivate = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, peerPrivate);
    X25519.generatePublicKey(peerPrivate, 0, bcX25519Peer, 0);
    jdkP256 = KeyPairGenerator.getInstance("EC");
    jdkP256.initialize(new ECGenParameterSpec("secp256r1"), random);
    jdkP256Peer = jdkP256.generateKeyPair();
    X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
    bcP256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    bcP256Generator = new ECKeyPairGenerator();
    bcP256Generator.init(new ECKeyGenerationParameters(bcP256, random));
    bcP256Peer = (ECPublicKeyParameters) bcP256Generator.generateKeyPair().getPublic();
    random.nextBytes(signedOctets);
    ecdsaKeys = jdkP256.generateKeyPair();
    ecdsaSignature = jdkEcdsaSign();
    bcEcdsaKeys = bcP256Generator.generateKeyPair();
    bcEcdsaSignature = bcEcdsaSign();
    random.nextBytes(nonces);
    random.nextBytes(gir);
    byte[] key = new byte[32];
    random.nextBytes(key);
    gcmKey = new SecretKeySpec(key, "AES");
  }

  @Benchmark
  public byte[] x25519Jdk() throws Exception {
    return jdkExchange(jdkX25519, "XDH", jdkX25519Peer);
  }

  @Benchmark
  public byte[] x25519BouncyCastle() {
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    byte[] publicValue = new byte[X25519.POINT_SIZE];
    byte[] secret = new byte[X25519.POINT_SIZE];
    X25519.generatePrivateKey(random, scalar);
    X25519.generatePublicKey(scalar, 0, publicValue, 0);
    if (!X25519.calculateAgreement(scalar, 0, bcX25519Peer, 0, secret, 0)) {
      throw new IllegalStateException("all-zero secret");
    }
    secret[0] ^= publicValue[0];
    return secret;
  }

  @Benchmark
  public byte[] p256Jdk() throws Exception {
    return jdkExchange(jdkP256, "ECDH", jdkP256Peer);
  }

  /** A fresh key pair from {@code generator} and one JCE agreement with {@code peer}. */
  private static byte[] jdkExchange(KeyPairGenerator generator, String algorithm, KeyPair peer)
      throws Exception {
    KeyPair ours = generator.generateKeyPair();
    KeyAgreement agreement = KeyAgreement.getInstance(algorithm);
    agreement.init(ours.getPrivate());
    agreement.doPhase(peer.getPublic(), true);
    return agreement.generateSecret();
  }

  @Benchmark
  public BigInteger p256BouncyCastle() {
    AsymmetricCipherKeyPair ours = bcP256Generator.generateKeyPair();
    byte[] publicValue = ((ECPublicKeyParameters) ours.getPublic()).getQ().getEncoded(false);
    // The peer's value decoded and validated as the engine must, then the agreement.
    ECPublicKeyParameters peer =
        new ECPublicKeyParameters(
            bcP256.getCurve().decodePoint(bcP256Peer.getQ().getEncoded(false)), bcP256);
    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(ours.getPrivate());
    return agreement.calculateAgreement(peer).add(BigInteger.valueOf(publicValue[1]));
  }

  @Benchmark
  public byte[] ecdsaP256SignJdk() throws Exception {
    return jdkEcdsaSign();
  }

  @Benchmark
  public boolean ecdsaP256VerifyJdk() throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(ecdsaKeys.getPublic());
    verifier.update(signedOctets);
    return verifier.verify(ecdsaSignature);
  }

  @Benchmark
  public BigInteger[] ecdsaP256SignBouncyCastle() {
    return bcEcdsaSign();
  }

  @Benchmark
  public boolean ecdsaP256VerifyBouncyCastle() {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, bcEcdsaKeys.getPublic());
    return verifier.verifySignature(sha256(signedOctets), bcEcdsaSignature[0], bcEcdsaSignature[1]);
  }

  /** SKEYSEED = prf(Ni | Nr, g^ir), then prf+ for 3 x 32 + 2 x 36 bytes (RFC 7296 §2.14). */
  @Benchmark
  public byte[] keySchedule() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(nonces, "HmacSHA256"));
    byte[] skeyseed = mac.doFinal(gir);
    mac.init(new SecretKeySpec(skeyseed, "HmacSHA256"));
    byte[] previous = new byte[0];
    byte[] keymat = new byte[6 * 32];
    for (int n = 1; n <= 6; n++) {
      mac.update(previous);
      mac.update(nonces);
      mac.update(new byte[16]);
      mac.update((byte) n);
      previous = mac.doFinal();
      System.arraycopy(previous, 0, keymat, (n - 1) * 32, 32);
    }
    return keymat;
  }

  @Benchmark
  public int aesGcmSeal() throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] iv = new byte[12];
    iv[11] = (byte) random.nextInt();
    cipher.init(Cipher.ENCRYPT_MODE, gcmKey, new GCMParameterSpec(128, iv));
    cipher.updateAAD(nonces, 0, 32);
    return cipher.doFinal(authBody, 0, authBody.length, sealed, 0);
  }

  private byte[] jdkEcdsaSign() throws Exception {
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(ecdsaKeys.getPrivate(), random);
    signer.update(signedOctets);
    return signer.sign();
  }

  private BigInteger[] bcEcdsaSign() {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, (ECPrivateKeyParameters) bcEcdsaKeys.getPrivate());
    return signer.generateSignature(sha256(signedOctets));
  }

  private static byte[] sha256(byte[] data) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }
}
