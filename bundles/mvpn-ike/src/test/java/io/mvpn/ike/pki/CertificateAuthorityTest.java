package io.mvpn.ike.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateValidator.Status;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CA's certificates and CRLs, and what the validator makes of them. */
class CertificateAuthorityTest {

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant YEAR = T0.plus(Duration.ofDays(365));
  static final Ipv4Address GW_PUBLIC = Ipv4Address.parse("198.51.100.10");

  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority ca(String name, KeyType type) {
    return CertificateAuthority.create(
        name, type, T0, T0.plus(Duration.ofDays(3650)), CertificateStore.inMemory(), random);
  }

  @Test
  void anEcdsaCaIssuesNodeAndGatewayCertificatesThatValidate() throws Exception {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    Credential node = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    Credential gw =
        ca.issue(Subject.gateway("sgw", GW_PUBLIC, "sgw.example.net"), KeyType.RSA_2048, T0, YEAR);

    X509Certificate root = ca.certificate();
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
    assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
    X509Certificate cert = node.certificate();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(cert.getKeyUsage()).containsOnlyOnce(true);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(T0);
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(YEAR);
    assertThat(SanRule.dnsNames(cert)).containsExactly("mn1.example.net");
    assertThat(SanRule.ipAddresses(cert)).isEmpty();
    assertThat(SanRule.ipAddresses(gw.certificate())).containsExactly(GW_PUBLIC);
    assertThat(SanRule.dnsNames(gw.certificate())).containsExactly("sgw.example.net");
    assertThat(gw.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    cert.verify(root.getPublicKey());

    assertThat(ca.issued()).containsExactly(cert, gw.certificate());
    assertThat(List.of(root, cert, gw.certificate()))
        .extracting(X509Certificate::getSerialNumber)
        .doesNotHaveDuplicates();

    CertificateValidator validator = CertificateValidator.trusting(root);
    Instant later = T0.plus(Duration.ofDays(30));
    assertThat(validator.validate(node.chain(), later).status()).isEqualTo(Status.OK);
    assertThat(validator.validate(gw.chain(), later).status()).isEqualTo(Status.OK);
    // The root sent along is tolerated.
    assertThat(validator.validate(List.of(cert, root), later).status()).isEqualTo(Status.OK);
  }

  @Test
  void aGatewayCertificateServesWindowsClientsAndANodeCertificateAuthenticatesAClient()
      throws Exception {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    X509Certificate node =
        ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR).certificate();
    X509Certificate gw =
        ca.issue(Subject.gateway("sgw", GW_PUBLIC), KeyType.EC_P256, T0, YEAR).certificate();

    assertThat(node.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(gw.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.8.2.2");
    assertThat(gw.getNonCriticalExtensionOIDs()).contains("2.5.29.37");
    assertThat(
            CertificateValidator.trusting(ca.certificate())
                .validate(List.of(gw), T0.plusSeconds(60))
                .ok())
        .isTrue();
  }

  @Test
  void aRoleTheCaGrantsIsACertificatePolicyOnlyItsHolderCarries() {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    Credential sink =
        ca.issue(
            Subject.node("sink.example.net").withPolicy(CertificatePolicy.AODV_SINK),
            KeyType.EC_P256,
            T0,
            YEAR);
    Credential member = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);

    assertThat(CertificatePolicy.carries(sink.certificate(), CertificatePolicy.AODV_SINK)).isTrue();
    assertThat(CertificatePolicy.carries(member.certificate(), CertificatePolicy.AODV_SINK))
        .isFalse();
    assertThat(CertificatePolicy.carries(sink.certificate(), "2.25.1")).isFalse();
  }

  @Test
  void anRsaCaSignsWithRsa() {
    CertificateAuthority ca = ca("mvpn rsa root", KeyType.RSA_2048);
    Credential node = ca.issue(Subject.node("mn2.example.net"), KeyType.EC_P256, T0, YEAR);
    assertThat(ca.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(node.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(
            CertificateValidator.trusting(ca.certificate())
                .validate(node.chain(), T0.plusSeconds(60))
                .ok())
        .isTrue();
  }

  @Test
  void validityIsCheckedAtTheGivenTime() {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    Credential node = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    CertificateValidator validator = CertificateValidator.trusting(ca.certificate());

    assertThat(validator.validate(node.chain(), T0.minusSeconds(1)).status())
        .isEqualTo(Status.NOT_YET_VALID);
    assertThat(validator.validate(node.chain(), YEAR.plusSeconds(1)).status())
        .isEqualTo(Status.EXPIRED);
  }

  @Test
  void aChainFromAnotherCaIsUnknown() {
    CertificateAuthority ours = ca("mvpn root", KeyType.EC_P256);
    CertificateAuthority theirs = ca("other root", KeyType.EC_P256);
    Credential node = theirs.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);

    CertificateValidator.Result result =
        CertificateValidator.trusting(ours.certificate()).validate(node.chain(), T0);
    assertThat(result.status()).isEqualTo(Status.UNKNOWN_CA);
  }

  @Test
  void aCertificateSignedByAnImpostorWithTheCaNameIsNotTrusted() {
    CertificateAuthority ours = ca("mvpn root", KeyType.EC_P256);
    CertificateAuthority impostor = ca("mvpn root", KeyType.EC_P256);
    Credential node = impostor.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);

    // Its authority key identifier names the impostor's key: no anchor fits.
    assertThat(
            CertificateValidator.trusting(ours.certificate()).validate(node.chain(), T0).status())
        .isEqualTo(Status.UNKNOWN_CA);
  }

  @Test
  void aCertificateWithATamperedSignatureHasABadSignature() throws Exception {
    CertificateAuthority ca = ca("mvpn root", KeyType.RSA_2048);
    Credential node = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    byte[] der = node.certificate().getEncoded();
    der[der.length - 1] ^= 1; // the last octet of the RSA signature value
    X509Certificate tampered =
        (X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));

    assertThat(
            CertificateValidator.trusting(ca.certificate())
                .validate(List.of(tampered), T0)
                .status())
        .isEqualTo(Status.BAD_SIGNATURE);
  }

  @Test
  void aRevokedSerialIsInTheCrlAndRefused() {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    Credential kept = ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    Credential lost = ca.issue(Subject.node("mn2.example.net"), KeyType.EC_P256, T0, YEAR);
    BigInteger serial = lost.certificate().getSerialNumber();
    Instant revokedAt = T0.plus(Duration.ofDays(10));
    ca.revoke(serial, revokedAt);
    Instant now = T0.plus(Duration.ofDays(11));
    X509CRL crl = ca.crl(now, now.plus(Duration.ofDays(7)));

    assertThat(ca.revoked()).containsExactly(serial);
    assertThat(crl.getRevokedCertificate(serial).getRevocationDate().toInstant())
        .isEqualTo(revokedAt);
    assertThat(crl.getRevokedCertificate(kept.certificate().getSerialNumber())).isNull();
    assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());

    CertificateValidator validator =
        new CertificateValidator(List.of(ca.certificate()), List.of(crl));
    assertThat(validator.validate(lost.chain(), now).status()).isEqualTo(Status.REVOKED);
    assertThat(validator.validate(kept.chain(), now).status()).isEqualTo(Status.OK);
    // A CRL past its nextUpdate covers nothing: the status is unknown, not good.
    assertThat(validator.validate(kept.chain(), now.plus(Duration.ofDays(8))).status())
        .isEqualTo(Status.REVOCATION_UNKNOWN);
  }

  @Test
  void onlyIssuedSerialsCanBeRevoked() {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    assertThatThrownBy(() -> ca.revoke(BigInteger.valueOf(99), T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCaLoadsFromItsStore() {
    CertificateStore store = CertificateStore.inMemory();
    CertificateAuthority ca =
        CertificateAuthority.create("mvpn root", KeyType.EC_P256, T0, YEAR, store, random);
    ca.issue(Subject.node("mn1.example.net"), KeyType.EC_P256, T0, YEAR);
    CertificateAuthority again = CertificateAuthority.load(store, random);
    Credential next = again.issue(Subject.node("mn2.example.net"), KeyType.EC_P256, T0, YEAR);

    assertThat(again.certificate()).isEqualTo(ca.certificate());
    assertThat(again.issued())
        .hasSize(2)
        .extracting(X509Certificate::getSerialNumber)
        .doesNotHaveDuplicates();
    assertThat(store.issued().get(1).privateKey()).isEqualTo(next.privateKey());
  }

  @Test
  void theTunnelSourceRuleMatchesSubjectAltNameAddressesOnly() {
    CertificateAuthority ca = ca("mvpn root", KeyType.EC_P256);
    X509Certificate mn =
        ca.issue(
                new Subject("mn1.example.net", List.of(GW_PUBLIC), List.of("mn1.example.net")),
                KeyType.EC_P256,
                T0,
                YEAR)
            .certificate();
    X509Certificate noIp =
        ca.issue(Subject.node("mn2.example.net"), KeyType.EC_P256, T0, YEAR).certificate();

    assertThat(SanRule.matchesTunnelSource(mn, GW_PUBLIC)).isTrue();
    assertThat(SanRule.matchesTunnelSource(mn, Ipv4Address.parse("198.51.100.11"))).isFalse();
    assertThat(SanRule.matchesTunnelSource(noIp, GW_PUBLIC)).isFalse();
  }
}
