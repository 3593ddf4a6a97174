package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.CertificatePayload;
import io.mvpn.ike.message.CertificateRequestPayload;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthenticator.Refusal;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.CertificateValidator.Status;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.pki.TestCertificateAuthorities;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * IKE_AUTH with X.509 certificates between engines in virtual time: a mobile node (FQDN ID, SAN DNS
 * name) and a gateway (IPv4 ID, SAN IP address) under one CA. Every refusal is
 * AUTHENTICATION_FAILED with nothing installed, and the gateway goes on serving a second node.
 */
class IkeCertificateExchangeTest {

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofDays(30));
  static final Instant YEAR = T0.plus(Duration.ofDays(365));
  static final Endpoint MN2 = Endpoint.of("203.0.113.62", 500);
  static final Identity MN2_ID = Identity.fqdn("mn2.example.net");
  static final Ipv4Address MN_GATEWAY = IkePair.MN.address();

  private final SecureRandom random = new SecureRandom();
  private final List<Refusal> refusals = new ArrayList<>();

  /** One PKI: a CA of {@code type} and what the engines are configured with. */
  private final class Pki {
    final CertificateAuthority ca;
    final KeyType type;
    final Credential gw;
    final Credential mn;
    final Credential mn2;

    Pki(KeyType type) {
      this.type = type;
      ca = TestCertificateAuthorities.tenYearsFrom("mvpn root", type, T0, random);
      gw = ca.issue(Subject.gateway("sgw", IkePair.GW.address()), type, T0, YEAR);
      mn = node("mn1.example.net", T0, YEAR);
      mn2 = ca.issue(Subject.node("mn2.example.net"), type, T0, YEAR);
    }

    /** A node's credential whose certificate also names its gateway's address (claim 10). */
    Credential node(String fqdn, Instant from, Instant to) {
      return ca.issue(new Subject(fqdn, List.of(MN_GATEWAY), List.of(fqdn)), type, from, to);
    }

    CertificateValidator validator() {
      return CertificateValidator.trusting(ca.certificate());
    }

    CertificateAuthenticator authenticator(Credential credential) {
      return new CertificateAuthenticator(credential, validator(), () -> NOW);
    }

    /** The gateway accepts any node its CA vouches for, reporting refusals. */
    PeerConfig gwConfig(UnaryOperator<CertificateAuthenticator> adjust) {
      return PeerConfig.of(
          IkePair.GW_ID,
          null,
          adjust.apply(authenticator(gw).withRefusalListener(refusals::add)),
          List.of(IkePair.range("10.2.0.0", "10.2.255.255")),
          List.of(IkePair.range("10.1.0.0", "10.1.0.255")));
    }

    PeerConfig mnConfig(Identity id, CertificateAuthenticator authenticator) {
      return PeerConfig.of(
          id,
          IkePair.GW_ID,
          authenticator,
          List.of(IkePair.range("10.1.0.0", "10.1.255.255")),
          List.of(IkePair.range("0.0.0.0", "255.255.255.255")));
    }

    IkePair pair(PeerConfig mn, PeerConfig gw) {
      return new IkePair(mn, gw, EngineSettings.defaults());
    }

    IkePair pair(Credential mnCredential) {
      return pair(mnConfig(IkePair.MN_ID, authenticator(mnCredential)), gwConfig(a -> a));
    }

    /** mn1 and the gateway, neither announcing RFC 7427 hashes. */
    IkePair pairWithoutHashes() {
      return pair(
          mnConfig(IkePair.MN_ID, authenticator(mn).withHashes(Set.of())),
          gwConfig(a -> a.withHashes(Set.of())));
    }

    /** mn1 with its own credential, and a gateway adjusted by {@code gw}. */
    IkePair pairWithGateway(UnaryOperator<CertificateAuthenticator> gw) {
      return pair(mnConfig(IkePair.MN_ID, authenticator(mn)), gwConfig(gw));
    }
  }

  @Test
  void ecdsaCertificatesEstablishAnIkeSaAndAChildSa() {
    Pki pki = new Pki(KeyType.EC_P256);
    IkePair pair = pki.pair(pki.mn);
    IkeSa mn = pair.start();
    pair.run(100);

    assertEstablished(pair, mn, IkePair.MN_ID);
    IkeMessage init = parse(pair, 0);
    IkeMessage initResponse = parse(pair, 1);
    assertThat(hashes(init)).containsExactly(2, 3, 4);
    assertThat(hashes(initResponse)).containsExactly(2, 3, 4);
    CertificateRequestPayload certReq = initResponse.first(CertificateRequestPayload.class);
    assertThat(certReq.encoding()).isEqualTo(CertificatePayload.X509_SIGNATURE);
    assertThat(certReq.caKeyHashes())
        .containsExactly(Octets.of(CertificateAuthenticator.caKeyHash(pki.ca.certificate())));
    assertThat(init.first(CertificateRequestPayload.class)).isNull(); // in IKE_AUTH instead
    assertThat(refusals).isEmpty();
  }

  @Test
  void rsaCertificatesEstablishAnIkeSaAndAChildSa() {
    Pki pki = new Pki(KeyType.RSA_2048);
    assertEstablishes(pki.pair(pki.mn));
  }

  @Test
  void rsaPeersWithoutSignatureHashAlgorithmsUseMethodOne() {
    // Neither end announces RFC 7427 hashes, so each must sign with method 1 for the other.
    IkePair pair = new Pki(KeyType.RSA_2048).pairWithoutHashes();
    assertEstablishes(pair);
    assertThat(parse(pair, 0).notification(NotifyPayload.SIGNATURE_HASH_ALGORITHMS)).isNull();
  }

  @Test
  void ecdsaPeersWithoutSignatureHashAlgorithmsUseRfc4754() {
    // Method 9 each way: method 14 would be refused by a peer that announced no hashes.
    assertEstablishes(new Pki(KeyType.EC_P256).pairWithoutHashes());
    assertThat(refusals).isEmpty();
  }

  @Test
  void aCertificateFromAnUnknownCaIsRefused() {
    Pki pki = new Pki(KeyType.EC_P256);
    Pki other = new Pki(KeyType.EC_P256);
    IkePair pair = pki.pair(other.mn);

    assertRefused(pki, pair, Reason.UNTRUSTED_CHAIN, Status.UNKNOWN_CA);
  }

  @Test
  void anExpiredCertificateIsRefused() {
    Pki pki = new Pki(KeyType.EC_P256);
    IkePair pair = pki.pair(pki.node("mn1.example.net", T0, T0.plus(Duration.ofDays(1))));

    assertRefused(pki, pair, Reason.UNTRUSTED_CHAIN, Status.EXPIRED);
  }

  @Test
  void aRevokedCertificateIsRefused() {
    Pki pki = new Pki(KeyType.EC_P256);
    pki.ca.revoke(pki.mn.certificate().getSerialNumber(), T0.plus(Duration.ofDays(20)));
    X509CRL crl = pki.ca.crl(NOW, NOW.plus(Duration.ofDays(7)));
    CertificateValidator withCrl = pki.validator().withCrls(List.of(crl));
    PeerConfig gw =
        pki.gwConfig(
            a ->
                new CertificateAuthenticator(pki.gw, withCrl, () -> NOW)
                    .withRefusalListener(refusals::add));
    IkePair pair = pki.pair(pki.mnConfig(IkePair.MN_ID, pki.authenticator(pki.mn)), gw);

    assertRefused(pki, pair, Reason.UNTRUSTED_CHAIN, Status.REVOKED);
  }

  @Test
  void anIdTheCertificateDoesNotNameIsRefused() {
    Pki pki = new Pki(KeyType.EC_P256);
    IkePair pair =
        pki.pair(
            pki.mnConfig(Identity.fqdn("mn9.example.net"), pki.authenticator(pki.mn)),
            pki.gwConfig(a -> a));

    assertRefused(pki, pair, Reason.ID_MISMATCH, Status.OK);
  }

  @Test
  void anAuthSignedWithAnotherKeyIsRefused() {
    Pki pki = new Pki(KeyType.EC_P256);
    // mn1's certificate, but the private key of mn2: a node that copied another's certificate.
    Credential forged = Credential.of(pki.mn2.privateKey(), pki.mn.certificate());
    IkePair pair = pki.pair(forged);

    assertRefused(pki, pair, Reason.BAD_AUTH, Status.OK);
  }

  @Test
  void theTunnelSourceRuleAcceptsACertificateNamingIt() {
    Pki pki = new Pki(KeyType.EC_P256);
    assertEstablishes(pki.pairWithGateway(a -> a.requireTunnelSource(MN_GATEWAY)));
  }

  @Test
  void theTunnelSourceRuleRefusesACertificateNamingAnotherAddress() {
    Pki pki = new Pki(KeyType.EC_P256);
    Ipv4Address tunnelSource = Ipv4Address.parse("192.0.2.77");
    IkePair pair = pki.pairWithGateway(a -> a.requireTunnelSource(tunnelSource));
    // mn2 is behind the gateway at the tunnel source; its certificate says so.
    Credential mn2 =
        pki.ca.issue(
            new Subject("mn2.example.net", List.of(tunnelSource), List.of("mn2.example.net")),
            KeyType.EC_P256,
            T0,
            YEAR);

    assertRefused(pki, pair, Reason.TUNNEL_SOURCE_MISMATCH, Status.OK, mn2);
  }

  @Test
  void theTunnelSourceMayBeTheIkePeerAddress() {
    Pki pki = new Pki(KeyType.EC_P256);
    IkePair pair = pki.pairWithGateway(a -> a.requireTunnelSource(sa -> sa.remote().address()));
    assertEstablishes(pair);

    // mn2's certificate names no address at all: refused from its own IKE address.
    IkeEngine second = pair.addInitiator(MN2, pki.mnConfig(MN2_ID, pki.authenticator(pki.mn2)));
    IkeSa refused = pair.start(second);
    pair.run(100);
    assertThat(refused.failure()).isEqualTo(NotifyPayload.AUTHENTICATION_FAILED);
    assertThat(refusals).extracting(Refusal::reason).containsExactly(Reason.TUNNEL_SOURCE_MISMATCH);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** mn1 initiates and both ends end up with the IKE SA and its Child SA. */
  private static void assertEstablishes(IkePair pair) {
    IkeSa mn = pair.start();
    pair.run(100);
    assertEstablished(pair, mn, IkePair.MN_ID);
  }

  private static void assertEstablished(IkePair pair, IkeSa mn, Identity mnId) {
    IkeSa gw = pair.peerOf(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.remoteId()).isEqualTo(IkePair.GW_ID);
    assertThat(gw.remoteId()).isEqualTo(mnId);
    assertThat(mn.childSas()).hasSize(1);
    assertThat(gw.childSas()).hasSize(1);
    assertThat(mn.childSas().get(0).inbound().spi())
        .isEqualTo(gw.childSas().get(0).outbound().spi());
    assertThat(pair.established).contains(mn, gw);
  }

  /**
   * The gateway refuses the mobile node for {@code reason}: AUTHENTICATION_FAILED, no SA left at
   * either end, nothing in the SAD. Then a second node with a good certificate gets through.
   */
  private void assertRefused(Pki pki, IkePair pair, Reason reason, Status chain) {
    assertRefused(pki, pair, reason, chain, pki.mn2);
  }

  private void assertRefused(
      Pki pki, IkePair pair, Reason reason, Status chain, Credential secondNode) {
    IkeSa mn = pair.start();
    pair.run(100);

    pair.assertAuthenticationFailed(mn);
    assertThat(refusals).hasSize(1);
    assertThat(refusals.get(0).reason()).isEqualTo(reason);
    assertThat(refusals.get(0).chain()).isEqualTo(chain);

    IkeEngine second = pair.addInitiator(MN2, pki.mnConfig(MN2_ID, pki.authenticator(secondNode)));
    IkeSa next = pair.start(second);
    pair.run(100);
    assertEstablished(pair, next, MN2_ID);
    assertThat(pair.gwSad.all()).isNotEmpty();
  }

  static IkeMessage parse(IkePair pair, int index) {
    try {
      return IkeMessage.parse(Unpooled.wrappedBuffer(pair.sent.get(index).payload()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Integer> hashes(IkeMessage message) {
    byte[] data =
        message.notification(NotifyPayload.SIGNATURE_HASH_ALGORITHMS).data().toByteArray();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i + 1 < data.length; i += 2) {
      out.add((data[i] & 0xFF) << 8 | (data[i + 1] & 0xFF));
    }
    return out;
  }
}
