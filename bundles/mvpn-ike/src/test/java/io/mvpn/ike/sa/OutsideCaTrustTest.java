package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.CertificateRequestPayload;
import io.mvpn.ike.message.IkeMessage;
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
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose own CA checks revocation trusts an outside CA by configuration: a node certified
 * by it establishes; without that setting, or certified by a third CA, the node is refused with
 * AUTHENTICATION_FAILED and a refusal that names the issuer. Engines in virtual time.
 */
class OutsideCaTrustTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOW = T0.plus(Duration.ofDays(30));
  private static final Instant YEAR = T0.plus(Duration.ofDays(365));

  private final SecureRandom random = new SecureRandom();
  private final List<Refusal> refusals = new ArrayList<>();
  private final CertificateAuthority appliance = ca("mvpn appliance CA");
  private final CertificateAuthority corporate = ca("Acme Corporate CA");
  private final Credential gateway =
      appliance.issue(Subject.gateway("sgw", IkePair.GW.address()), KeyType.EC_P256, T0, YEAR);

  private CertificateAuthority ca(String name) {
    return TestCertificateAuthorities.tenYearsFrom(name, KeyType.EC_P256, T0, random);
  }

  /** The appliance CA with a current CRL (so every chain of ours is checked for revocation). */
  private CertificateValidator applianceValidator() {
    X509CRL crl = appliance.crl(NOW, NOW.plus(Duration.ofDays(7)));
    return CertificateValidator.trusting(appliance.certificate()).withCrls(List.of(crl));
  }

  /** A node with a certificate from {@code issuer}, trusting the appliance CA for the gateway. */
  private IkePair pair(CertificateAuthority issuer, CertificateValidator gatewayTrusts) {
    Credential node = issuer.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    PeerConfig mn =
        PeerConfig.of(
            IkePair.MN_ID,
            IkePair.GW_ID,
            new CertificateAuthenticator(
                node, CertificateValidator.trusting(appliance.certificate()), () -> NOW),
            List.of(IkePair.range("10.1.0.0", "10.1.255.255")),
            List.of(IkePair.range("0.0.0.0", "255.255.255.255")));
    PeerConfig gw =
        PeerConfig.of(
            IkePair.GW_ID,
            null,
            new CertificateAuthenticator(gateway, gatewayTrusts, () -> NOW)
                .withRefusalListener(refusals::add),
            List.of(IkePair.range("10.2.0.0", "10.2.255.255")),
            List.of(IkePair.range("10.1.0.0", "10.1.0.255")));
    return new IkePair(mn, gw, EngineSettings.defaults());
  }

  @Test
  void aNodeCertifiedByAConfiguredOutsideCaEstablishesBesideTheApplianceCrl() {
    IkePair pair =
        pair(corporate, applianceValidator().alsoTrusting(List.of(corporate.certificate())));
    IkeSa mn = pair.start();
    pair.run(100);

    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(pair.peerOf(mn).state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childSas()).hasSize(1);
    assertThat(pair.gwSad.all()).isNotEmpty();
    assertThat(refusals).isEmpty();
    // The gateway's CERTREQ names both CAs, so a client picks the certificate either issued.
    IkeMessage initResponse = IkeCertificateExchangeTest.parse(pair, 1);
    assertThat(initResponse.first(CertificateRequestPayload.class).caKeyHashes())
        .containsExactly(
            Octets.of(CertificateAuthenticator.caKeyHash(appliance.certificate())),
            Octets.of(CertificateAuthenticator.caKeyHash(corporate.certificate())));
  }

  @Test
  void aNodeCertifiedByAnOutsideCaIsRefusedWithAuthenticationFailedUnlessConfigured() {
    IkePair pair = pair(corporate, applianceValidator());
    IkeSa mn = pair.start();
    pair.run(100);

    pair.assertAuthenticationFailed(mn);
    assertRefusedNaming("Acme Corporate CA");
  }

  @Test
  void aNodeCertifiedByAThirdCaIsRefusedThoughAnOutsideCaIsTrusted() {
    CertificateAuthority stranger = ca("Stranger CA");
    IkePair pair =
        pair(stranger, applianceValidator().alsoTrusting(List.of(corporate.certificate())));
    IkeSa mn = pair.start();
    pair.run(100);

    pair.assertAuthenticationFailed(mn);
    assertRefusedNaming("Stranger CA");
  }

  @Test
  void aRefusalForAnUnknownCaNamesTheNodesCertificateBesideItsIssuer() {
    IkePair pair = pair(ca("Stranger CA"), applianceValidator());
    IkeSa mn = pair.start();
    pair.run(100);

    pair.assertAuthenticationFailed(mn);
    assertRefusedNaming("Stranger CA");
    assertThat(refusals.get(0).detail())
        .startsWith("certificate \"CN=mn1.example.net\": issuer \"CN=Stranger CA\"");
  }

  @Test
  void aNodeOfTheApplianceCaStillGetsItsRevocationChecked() {
    Credential node = appliance.issue(Subject.node("x.example.net"), KeyType.EC_P256, T0, YEAR);
    appliance.revoke(node.certificate().getSerialNumber(), T0.plus(Duration.ofDays(1)));
    CertificateValidator validator =
        applianceValidator().alsoTrusting(List.of(corporate.certificate()));

    CertificateValidator.Result result = validator.validate(node.chain(), NOW);

    assertThat(result.status()).isEqualTo(Status.REVOKED);
    assertThat(validator.outsideCas()).containsExactly(corporate.certificate());
  }

  private void assertRefusedNaming(String issuer) {
    assertThat(refusals).hasSize(1);
    assertThat(refusals.get(0).reason()).isEqualTo(Reason.UNTRUSTED_CHAIN);
    assertThat(refusals.get(0).chain()).isEqualTo(Status.UNKNOWN_CA);
    assertThat(refusals.get(0).detail()).contains("CN=" + issuer).contains("not a trusted CA");
  }
}
