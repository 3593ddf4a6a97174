package io.mvpn.benchmarks.ike;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.crypto.BufferedDrbg;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.Authenticator;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.IkeSaState;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalSyntax;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An initiator engine and a responder engine joined by an in-memory wire, and the bare crypto the
 * responder's side of one setup needs, for the responder benchmarks. The initiator offers one suite
 * (AES-GCM-16-256, PRF HMAC-SHA2-256, the group asked for); the responder keeps its default
 * proposals. With {@code ecdsa} both ends hold P-256 certificates from one CA and sign RFC 7427
 * AUTH with SHA2-256.
 */
final class IkeResponderLab {

  static final Endpoint MN = Endpoint.of("203.0.113.61", 500);
  static final Endpoint GW = Endpoint.of("198.51.100.10", 500);
  static final Identity MN_ID = Identity.fqdn("mn1.example.net");
  static final Identity GW_ID = Identity.ipv4(Ipv4Address.parse("198.51.100.10"));
  static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ArrayDeque<Datagram> wire = new ArrayDeque<>();
  private final SecureRandom random = new SecureRandom();
  // The baseline's key pairs draw their secrets as the engine does ({@link BufferedDrbg}).
  private final SecureRandom keyRandom = BufferedDrbg.around(random);
  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  private final boolean ecdsa;
  private final int group;
  private final IkeEngine initiator;
  private final IkeEngine responder;
  private IkeSa current;

  // The baseline's material: a peer's public value, the responder's key, the initiator's
  // certificate and an AUTH signature of the initiator over 300 octets.
  private final byte[] x25519Peer = new byte[X25519.POINT_SIZE];
  private final ECDomainParameters p256;
  private final ECKeyGenerationParameters p256Keys;
  private final ECPublicKeyParameters p256Peer;
  private ECPrivateKeyParameters gwKey;
  private X509Certificate mnCertificate;
  private PublicKey caKey;
  private BigInteger[] mnSignature;
  private final byte[] signedOctets = new byte[300];

  /**
   * @param auth {@code psk} or {@code ecdsa}
   * @param group 31 or 19
   */
  IkeResponderLab(String auth, int group) {
    this.ecdsa = auth.equals("ecdsa");
    this.group = group;
    X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
    p256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    p256Keys = new ECKeyGenerationParameters(p256, keyRandom);
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(p256Keys);
    p256Peer = (ECPublicKeyParameters) generator.generateKeyPair().getPublic();
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, scalar);
    X25519.generatePublicKey(scalar, 0, x25519Peer, 0);
    random.nextBytes(signedOctets);

    TrafficSelector any =
        TrafficSelector.ipv4(Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("255.255.255.255"));
    Authenticator mnAuth = new PskAuthenticator(PSK);
    Authenticator gwAuth = new PskAuthenticator(PSK);
    if (ecdsa) {
      CertificateAuthority ca =
          CertificateAuthority.create(
              "bench root",
              KeyType.EC_P256,
              T0,
              T0.plus(Duration.ofDays(3650)),
              CertificateStore.inMemory(),
              random);
      Instant until = T0.plus(Duration.ofDays(3000));
      Credential mn = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, until);
      Credential gw = ca.issue(Subject.gateway("gw", GW.address()), KeyType.EC_P256, T0, until);
      CertificateValidator validator = CertificateValidator.trusting(ca.certificate());
      Instant now = T0.plus(Duration.ofDays(30));
      mnAuth = new CertificateAuthenticator(mn, validator, () -> now);
      gwAuth = new CertificateAuthenticator(gw, validator, () -> now);
      gwKey = new ECPrivateKeyParameters(((ECPrivateKey) gw.privateKey()).getS(), p256);
      caKey = ca.certificate().getPublicKey();
      mnCertificate = mn.certificate();
      mnSignature =
          signer(new ECPrivateKeyParameters(((ECPrivateKey) mn.privateKey()).getS(), p256))
              .generateSignature(sha256(signedOctets));
    }
    String offer = "aes256gcm16-prfsha256-" + (group == 31 ? "curve25519" : "ecp256");
    initiator =
        new IkeEngine(
            scheduler,
            wire::add,
            MN,
            PeerConfig.of(MN_ID, GW_ID, mnAuth, List.of(any), List.of(any))
                .withIke(ProposalSyntax.parse(Proposal.IKE, offer)),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {});
    responder =
        new IkeEngine(
            scheduler,
            wire::add,
            GW,
            PeerConfig.of(GW_ID, MN_ID, gwAuth, List.of(any), List.of(any)),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {});
  }

  /** Starts a new SA at the initiator: its IKE_SA_INIT request, for the responder. */
  Datagram initRequest() {
    current = initiator.initiate(GW);
    return toResponder();
  }

  /** The responder takes {@code request}: the work the benchmarks time. */
  void respond(Datagram request) {
    responder.receive(request);
  }

  /** After the responder answered IKE_SA_INIT: the initiator's IKE_AUTH request. */
  Datagram authRequest() {
    return toResponder();
  }

  /** Lets the initiator finish the setup, checks it, and deletes the SA at both ends. */
  void completeAndDelete() {
    drain();
    if (current.state() != IkeSaState.ESTABLISHED || current.childSas().isEmpty()) {
      throw new IllegalStateException("setup failed: " + current.state());
    }
    initiator.delete(current);
    drain();
    if (!responder.sas().isEmpty()) {
      throw new IllegalStateException("the responder kept " + responder.sas().size() + " SAs");
    }
    // Timers of finished exchanges fire harmlessly; virtual time keeps their queue short.
    scheduler.advance(1, TimeUnit.MINUTES);
  }

  /**
   * The responder's unavoidable public-key work for one setup, through the implementations the
   * engine uses: a key pair and an agreement in the group; with certificates, its AUTH signature,
   * the initiator's AUTH and the initiator's certificate checked (the chain's one signature).
   */
  Object baselineResponderCrypto() throws Exception {
    Object secret;
    if (group == 31) {
      byte[] scalar = new byte[X25519.SCALAR_SIZE];
      byte[] publicValue = new byte[X25519.POINT_SIZE];
      byte[] shared = new byte[X25519.POINT_SIZE];
      X25519.generatePrivateKey(keyRandom, scalar);
      X25519.generatePublicKey(scalar, 0, publicValue, 0);
      X25519.calculateAgreement(scalar, 0, x25519Peer, 0, shared, 0);
      shared[0] ^= publicValue[0];
      secret = shared;
    } else {
      ECKeyPairGenerator generator = new ECKeyPairGenerator();
      generator.init(p256Keys);
      var ours = generator.generateKeyPair();
      ECDHBasicAgreement agreement = new ECDHBasicAgreement();
      agreement.init(ours.getPrivate());
      secret = agreement.calculateAgreement(p256Peer);
    }
    if (ecdsa) {
      BigInteger[] ours = signer(gwKey).generateSignature(sha256(signedOctets));
      // The initiator's key as each new client brings it: a point of its own, with no
      // precomputation left from the last setup.
      ECDSASigner verifier = new ECDSASigner();
      verifier.init(false, publicKey((ECPublicKey) mnCertificate.getPublicKey()));
      boolean good = verifier.verifySignature(sha256(signedOctets), mnSignature[0], mnSignature[1]);
      // The chain: the JDK's PKIX validator checks the certificate's signature with SunEC.
      mnCertificate.verify(caKey);
      return new Object[] {secret, ours, good};
    }
    return secret;
  }

  private ECDSASigner signer(ECPrivateKeyParameters key) {
    ECDSASigner signer = new ECDSASigner();
    signer.init(true, new ParametersWithRandom(key, random));
    return signer;
  }

  private ECPublicKeyParameters publicKey(ECPublicKey key) {
    return new ECPublicKeyParameters(
        p256.getCurve().validatePoint(key.getW().getAffineX(), key.getW().getAffineY()), p256);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Delivers the initiator's datagrams to it until it has one for the responder. */
  private Datagram toResponder() {
    Datagram d;
    while ((d = wire.poll()) != null) {
      if (d.destination().address().equals(GW.address())) {
        return d;
      }
      initiator.receive(d);
    }
    throw new IllegalStateException("the initiator sent nothing: " + current.state());
  }

  /** Delivers queued datagrams both ways until the wire is quiet. */
  private void drain() {
    Datagram d;
    while ((d = wire.poll()) != null) {
      (d.destination().address().equals(GW.address()) ? responder : initiator).receive(d);
    }
  }
}
