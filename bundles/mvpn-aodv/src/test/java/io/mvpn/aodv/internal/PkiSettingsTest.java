package io.mvpn.aodv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.aodv.PkiPolicy;
import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.CredentialFiles;
import io.mvpn.ike.pki.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A router's PKI hello settings from the files its cfg names, as the MSM hands them out (c55). */
class PkiSettingsTest {

  private static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

  @TempDir Path dir;

  @Test
  void theFilesGiveTheRoutersCredentialAndTheMsmsCaWithItsCrl() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create(
            "acme MSM CA",
            KeyType.EC_P256,
            T0,
            T0.plusSeconds(864_000),
            CertificateStore.inMemory(),
            new SecureRandom(new byte[] {3}));
    Credential sink =
        ca.issue(
            CertificateAuthority.Subject.gateway("sink1", Ipv4Address.parse("10.77.0.1")),
            KeyType.EC_P256,
            T0,
            T0.plusSeconds(86_400));
    Credential revoked =
        ca.issue(
            CertificateAuthority.Subject.node("x.acme.example"),
            KeyType.EC_P256,
            T0,
            T0.plusSeconds(86_400));
    ca.revoke(revoked.certificate().getSerialNumber(), T0);
    CredentialFiles.PemFiles files = CredentialFiles.writePem(dir, "sink1", sink, ca.certificate());
    Path crl = dir.resolve("ca.crl");
    Files.write(crl, ca.crl(T0, T0.plusSeconds(86_400)).getEncoded());

    PkiPolicy p =
        PkiSettings.read(
            files.certificate().toString(),
            files.privateKey().toString(),
            files.ca().toString(),
            crl.toString(),
            "127.0.0.1:5353",
            null,
            "");

    assertThat(p.credential().certificate()).isEqualTo(sink.certificate());
    assertThat(p.credential().privateKey().getEncoded()).isEqualTo(sink.privateKey().getEncoded());
    assertThat(p.source()).isNotNull();
    assertThat(p.referenceName()).isNull();
    Instant at = T0.plusSeconds(60);
    assertThat(p.trust().validate(List.of(sink.certificate()), at).ok()).isTrue();
    assertThat(p.trust().validate(List.of(revoked.certificate()), at).status())
        .isEqualTo(CertificateValidator.Status.REVOKED);
  }

  @Test
  void noCertificateMeansNoPkiAndAnUnreadableFileIsOneClearError() {
    assertThat(PkiSettings.read("", "", "", "", "", null, "")).isNull();
    assertThatThrownBy(
            () -> PkiSettings.read(dir.resolve("none.crt").toString(), "k", "ca", "", "", null, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("PKI hello settings: ");
    assertThatThrownBy(
            () ->
                PkiSettings.read("own.crt", "k", "ca", "", "127.0.0.1:53", (ref, answer) -> {}, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
  }
}
