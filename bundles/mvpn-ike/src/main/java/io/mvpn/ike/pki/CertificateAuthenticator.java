package io.mvpn.ike.pki;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.crypto.IkeCryptoException;
import io.mvpn.ike.crypto.Prf;
import io.mvpn.ike.crypto.SignatureAuth;
import io.mvpn.ike.crypto.SignatureAuth.Hash;
import io.mvpn.ike.message.AuthenticationPayload;
import io.mvpn.ike.message.CertificatePayload;
import io.mvpn.ike.message.CertificateRequestPayload;
import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.sa.Authenticator;
import io.mvpn.ike.sa.IkeSa;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Certificate authentication for IKE_AUTH (RFC 7296 §2.15, §3.6-§3.8, RFC 7427, RFC 4945).
 *
 * <p>Proving: our chain in CERT payloads (X.509 Signature, DER; end entity first), then AUTH. AUTH
 * is method 14 (RFC 7427) with a hash the peer listed in its SIGNATURE_HASH_ALGORITHMS; an RSA key
 * whose peer announced no such hash signs with method 1 (RSA, SHA-1) as pre-7427 peers expect, an
 * ECDSA key with method 9, 10 or 11 (RFC 4754) by its curve. As initiator we add a CERTREQ naming
 * our trusted CAs by the SHA-1 of their SubjectPublicKeyInfo (§3.7); as responder the CERTREQ goes
 * into IKE_SA_INIT, with N(SIGNATURE_HASH_ALGORITHMS) from either end.
 *
 * <p>Verifying: the peer's CERT chain must validate ({@link CertificateValidator}) at the clock's
 * time, the peer's ID must be named by its certificate (IPv4 ID by a subjectAltName IP address,
 * FQDN by a DNS name, RFC 822 by an e-mail name, a DN by the subject), and AUTH must verify with
 * the certificate's key: method 14 with a hash we announced, method 1 from an RSA key, or the RFC
 * 4754 method of an ECDSA key's curve. If a tunnel source is required (seed 002 claim 11), a
 * subjectAltName IP address must equal it. Any failure is one {@link Refusal}, reported to the
 * listener; the engine answers AUTHENTICATION_FAILED and installs nothing.
 */
public final class CertificateAuthenticator implements Authenticator {

  /** Why a peer was refused. */
  public enum Reason {
    /** No X.509 CERT payload, or one that does not parse. */
    NO_CERTIFICATE,
    /** The chain did not validate; {@link Refusal#chain()} says why. */
    UNTRUSTED_CHAIN,
    /** The peer's ID is not one its certificate names. */
    ID_MISMATCH,
    /** No AUTH, an unaccepted method or algorithm, or a signature that does not verify. */
    BAD_AUTH,
    /** No subjectAltName IP address equals the required IP-IP tunnel source. */
    TUNNEL_SOURCE_MISMATCH,
    /** Authenticated, but local policy does not admit this peer ({@link PeerPolicy}). */
    POLICY
  }

  /**
   * A last check of a peer whose certificate, ID and AUTH all verified, against what the local end
   * knows of it (a directory entry, say). Runs before anything is installed.
   */
  @FunctionalInterface
  public interface PeerPolicy {
    /** Null admits the peer; anything else is why it is refused. */
    String refusal(IkeSa sa, IdentificationPayload id, X509Certificate certificate);
  }

  /** One refused peer: why, the chain's validation status, and a detail for logs. */
  public record Refusal(Reason reason, CertificateValidator.Status chain, String detail) {}

  /** The hashes we announce and accept by default, in the order we prefer to sign with them. */
  public static final Set<Hash> DEFAULT_HASHES =
      EnumSet.of(Hash.SHA2_256, Hash.SHA2_384, Hash.SHA2_512);

  private final Credential credential;
  private final CertificateValidator validator;
  private final Supplier<Instant> clock;
  private final Set<Hash> hashes;
  private final Function<IkeSa, Ipv4Address> tunnelSource;
  private final PeerPolicy policy;
  private final Consumer<Refusal> refusals;
  // Every IKE_SA_INIT response carries it: hashed once, as the validator's CAs do not change.
  private final CertificateRequestPayload certificateRequest;

  /**
   * @param credential our key and chain
   * @param validator the CAs (and CRLs) a peer's chain must validate against
   * @param clock the time a peer's chain is validated at
   */
  public CertificateAuthenticator(
      Credential credential, CertificateValidator validator, Supplier<Instant> clock) {
    this(credential, validator, clock, DEFAULT_HASHES, null, null, r -> {});
  }

  private CertificateAuthenticator(
      Credential credential,
      CertificateValidator validator,
      Supplier<Instant> clock,
      Set<Hash> hashes,
      Function<IkeSa, Ipv4Address> tunnelSource,
      PeerPolicy policy,
      Consumer<Refusal> refusals) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.hashes = hashes.isEmpty() ? EnumSet.noneOf(Hash.class) : EnumSet.copyOf(hashes);
    this.tunnelSource = tunnelSource;
    this.policy = policy;
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.certificateRequest = certificateRequest(validator);
  }

  /**
   * The hashes to announce in SIGNATURE_HASH_ALGORITHMS and accept in method-14 AUTH. Empty: no
   * announcement and method 1 only, as a pre-RFC 7427 RSA peer.
   */
  public CertificateAuthenticator withHashes(Set<Hash> accepted) {
    return new CertificateAuthenticator(
        credential, validator, clock, accepted, tunnelSource, policy, refusals);
  }

  /** Reports every refused peer to {@code listener} (for logs and counters). */
  public CertificateAuthenticator withRefusalListener(Consumer<Refusal> listener) {
    return new CertificateAuthenticator(
        credential, validator, clock, hashes, tunnelSource, policy, listener);
  }

  /**
   * Seed 002 claim 11: the peer's certificate must name {@code source}, the IP-IP tunnel source its
   * datagrams will arrive from, in a subjectAltName IP address.
   */
  public CertificateAuthenticator requireTunnelSource(Ipv4Address source) {
    Objects.requireNonNull(source, "source");
    return requireTunnelSource(sa -> source);
  }

  /**
   * Seed 002 claim 11 with the tunnel source found per SA, e.g. {@code sa -> sa.remote().address()}
   * when the peer's gateway is the IKE peer itself. A null answer refuses.
   */
  public CertificateAuthenticator requireTunnelSource(Function<IkeSa, Ipv4Address> source) {
    return new CertificateAuthenticator(
        credential, validator, clock, hashes, Objects.requireNonNull(source), policy, refusals);
  }

  /** Refuses, after every other check, the peers {@code peerPolicy} does not admit. */
  public CertificateAuthenticator withPeerPolicy(PeerPolicy peerPolicy) {
    return new CertificateAuthenticator(
        credential,
        validator,
        clock,
        hashes,
        tunnelSource,
        Objects.requireNonNull(peerPolicy, "peerPolicy"),
        refusals);
  }

  public Credential credential() {
    return credential;
  }

  public CertificateValidator validator() {
    return validator;
  }

  // ---- proving --------------------------------------------------------------------------------

  @Override
  public List<IkePayload> initPayloads(boolean initiator) {
    List<IkePayload> payloads = new ArrayList<>(2);
    if (!initiator) {
      payloads.add(certificateRequest());
    }
    if (!hashes.isEmpty()) {
      payloads.add(signatureHashAlgorithms(hashes));
    }
    return payloads;
  }

  /** Without the SA: our chain and method-14 AUTH with SHA2-256 (or method 1 without hashes). */
  @Override
  public List<IkePayload> prove(Prf prf, byte[] signedOctets) {
    return prove(false, hashes.isEmpty() ? Set.of() : Set.of(Hash.SHA2_256), signedOctets);
  }

  @Override
  public List<IkePayload> prove(IkeSa sa, byte[] signedOctets) {
    return prove(sa.isInitiator(), peerHashes(sa.peerInitMessage()), signedOctets);
  }

  private List<IkePayload> prove(boolean initiator, Set<Hash> peerHashes, byte[] signedOctets) {
    List<IkePayload> payloads = new ArrayList<>();
    for (X509Certificate certificate : credential.chain()) {
      payloads.add(new CertificatePayload(CertificatePayload.X509_SIGNATURE, der(certificate)));
    }
    if (initiator) {
      payloads.add(certificateRequest());
    }
    payloads.add(auth(peerHashes, signedOctets));
    return payloads;
  }

  private AuthenticationPayload auth(Set<Hash> peerHashes, byte[] signedOctets) {
    Hash hash = null;
    for (Hash preferred : DEFAULT_HASHES) { // EnumSet order: SHA2-256 first
      if (peerHashes.contains(preferred)) {
        hash = preferred;
        break;
      }
    }
    if (hash == null && credential.privateKey() instanceof RSAKey) {
      return new AuthenticationPayload(
          SignatureAuth.METHOD_RSA_SIGNATURE,
          Octets.of(SignatureAuth.signRsaSha1(credential.privateKey(), signedOctets)));
    }
    int ecdsa = SignatureAuth.ecdsaMethod(credential.privateKey());
    if (hash == null && ecdsa > 0) {
      // RFC 7427 §4: a peer that announced no hashes gets a method it knows, RFC 4754's.
      return new AuthenticationPayload(
          ecdsa, Octets.of(SignatureAuth.signEcdsa(credential.privateKey(), signedOctets)));
    }
    return new AuthenticationPayload(
        SignatureAuth.METHOD_DIGITAL_SIGNATURE,
        Octets.of(
            SignatureAuth.sign(
                credential.privateKey(), signedOctets, hash == null ? Hash.SHA2_256 : hash)));
  }

  /** CERTREQ for X.509 naming every trusted CA by the SHA-1 of its SubjectPublicKeyInfo. */
  public CertificateRequestPayload certificateRequest() {
    return certificateRequest;
  }

  private static CertificateRequestPayload certificateRequest(CertificateValidator validator) {
    List<Octets> keyHashes = new ArrayList<>();
    for (X509Certificate ca : validator.trusted()) {
      keyHashes.add(Octets.of(caKeyHash(ca)));
    }
    return CertificateRequestPayload.x509(keyHashes);
  }

  /** The CERTREQ hash of a CA (RFC 7296 §3.7): SHA-1 of its DER SubjectPublicKeyInfo. */
  public static byte[] caKeyHash(X509Certificate ca) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(ca.getPublicKey().getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 unavailable", e);
    }
  }

  /** N(SIGNATURE_HASH_ALGORITHMS): two octets per hash (RFC 7427 §4). */
  public static NotifyPayload signatureHashAlgorithms(Set<Hash> hashes) {
    byte[] data = new byte[2 * hashes.size()];
    int at = 0;
    for (Hash hash : hashes) {
      data[at++] = (byte) (hash.id() >>> 8);
      data[at++] = (byte) hash.id();
    }
    return NotifyPayload.of(NotifyPayload.SIGNATURE_HASH_ALGORITHMS, Octets.of(data));
  }

  /** The hashes a peer announced in its IKE_SA_INIT; empty if it announced none. */
  static Set<Hash> peerHashes(IkeMessage peerInit) {
    Set<Hash> out = EnumSet.noneOf(Hash.class);
    NotifyPayload n =
        peerInit == null ? null : peerInit.notification(NotifyPayload.SIGNATURE_HASH_ALGORITHMS);
    if (n != null) {
      byte[] data = n.data().toByteArray();
      for (int at = 0; at + 1 < data.length; at += 2) {
        Hash.forId((data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF)).ifPresent(out::add);
      }
    }
    return out;
  }

  // ---- verifying ------------------------------------------------------------------------------

  /** Without the SA: the peer's ID is the first ID payload, and a per-SA tunnel source refuses. */
  @Override
  public boolean verify(Prf prf, byte[] signedOctets, IkeMessage peerMessage) {
    return check(null, signedOctets, peerMessage);
  }

  @Override
  public boolean verify(IkeSa sa, byte[] signedOctets, IkeMessage peerMessage) {
    return check(sa, signedOctets, peerMessage);
  }

  private boolean check(IkeSa sa, byte[] signedOctets, IkeMessage peerMessage) {
    List<X509Certificate> chain = peerChain(peerMessage);
    if (chain.isEmpty()) {
      return refuse(Reason.NO_CERTIFICATE, null, "no X.509 CERT payload");
    }
    X509Certificate certificate = chain.get(0);
    CertificateValidator.Result result = validator.validate(chain, clock.get());
    if (!result.ok()) {
      // Name whose certificate it is: the issuer alone does not tell an operator which client.
      String subject = certificate.getSubjectX500Principal().getName();
      return refuse(
          Reason.UNTRUSTED_CHAIN,
          result.status(),
          "certificate \"" + subject + "\": " + result.detail());
    }
    IdentificationPayload id = peerId(sa, peerMessage);
    if (id == null || !names(certificate, id)) {
      return refuse(Reason.ID_MISMATCH, result.status(), "ID " + id + " not in the certificate");
    }
    String bad = badAuth(certificate.getPublicKey(), signedOctets, peerMessage);
    if (bad != null) {
      return refuse(Reason.BAD_AUTH, result.status(), bad);
    }
    if (tunnelSource != null) {
      Ipv4Address source = sa == null ? null : tunnelSource.apply(sa);
      if (source == null || !SanRule.matchesTunnelSource(certificate, source)) {
        return refuse(
            Reason.TUNNEL_SOURCE_MISMATCH,
            result.status(),
            "tunnel source " + source + ", SAN " + SanRule.ipAddresses(certificate));
      }
    }
    if (policy != null) {
      String refusal = policy.refusal(sa, id, certificate);
      if (refusal != null) {
        return refuse(Reason.POLICY, result.status(), refusal);
      }
    }
    return true;
  }

  private boolean refuse(Reason reason, CertificateValidator.Status chain, String detail) {
    refusals.accept(new Refusal(reason, chain, detail));
    return false;
  }

  /** Null if AUTH verifies, else what is wrong with it. */
  private String badAuth(PublicKey key, byte[] signedOctets, IkeMessage peerMessage) {
    AuthenticationPayload auth = peerMessage.first(AuthenticationPayload.class);
    if (auth == null) {
      return "no AUTH";
    }
    byte[] data = auth.data().toByteArray();
    try {
      if (auth.method() == SignatureAuth.METHOD_DIGITAL_SIGNATURE && !hashes.isEmpty()) {
        SignatureAuth.verify(key, signedOctets, data, hashes);
        return null;
      }
      if (auth.method() == SignatureAuth.METHOD_RSA_SIGNATURE && key instanceof RSAKey) {
        SignatureAuth.verifyRsaSha1(key, signedOctets, data);
        return null;
      }
      if (auth.method() == SignatureAuth.ecdsaMethod(key)) {
        SignatureAuth.verifyEcdsa(key, auth.method(), signedOctets, data);
        return null;
      }
      return "AUTH method " + auth.method() + " with a " + key.getAlgorithm() + " key";
    } catch (IkeCryptoException | IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The X.509 certificates of the CERT payloads in order; empty if any does not parse. */
  public static List<X509Certificate> peerChain(IkeMessage message) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = PkiInstances.x509();
      for (CertificatePayload cert : message.all(CertificatePayload.class)) {
        if (cert.encoding() == CertificatePayload.X509_SIGNATURE) {
          chain.add(
              (X509Certificate)
                  factory.generateCertificate(new ByteArrayInputStream(cert.data().toByteArray())));
        }
      }
    } catch (CertificateException | ClassCastException e) {
      return List.of();
    }
    return chain;
  }

  /** IDi if we respond, IDr if we initiate; without the SA, the first ID payload. */
  private static IdentificationPayload peerId(IkeSa sa, IkeMessage message) {
    for (IdentificationPayload id : message.all(IdentificationPayload.class)) {
      if (sa == null || id.initiator() != sa.isInitiator()) {
        return id;
      }
    }
    return null;
  }

  /** Whether {@code certificate} names the identity {@code id} (RFC 4945 §3.1, §5.1.2). */
  public static boolean names(X509Certificate certificate, IdentificationPayload id) {
    byte[] data = id.data().toByteArray();
    switch (id.idType()) {
      case IdentificationPayload.ID_IPV4_ADDR:
        return data.length == 4 && SanRule.ipAddresses(certificate).contains(Ipv4Address.of(data));
      case IdentificationPayload.ID_FQDN:
        return SanRule.dnsNames(certificate).stream()
            .anyMatch(name -> name.equalsIgnoreCase(ascii(data)));
      case IdentificationPayload.ID_RFC822_ADDR:
        return SanRule.rfc822Names(certificate).stream()
            .anyMatch(name -> name.equalsIgnoreCase(ascii(data)));
      case IdentificationPayload.ID_DER_ASN1_DN:
        return Arrays.equals(data, certificate.getSubjectX500Principal().getEncoded());
      default:
        return false;
    }
  }

  private static String ascii(byte[] data) {
    return new String(data, StandardCharsets.US_ASCII);
  }

  private static Octets der(X509Certificate certificate) {
    try {
      return Octets.of(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode our certificate", e);
    }
  }
}
