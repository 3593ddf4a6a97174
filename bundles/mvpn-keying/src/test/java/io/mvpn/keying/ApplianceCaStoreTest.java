package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.Credential;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance CA outlives a restart: root, issued credentials and revocations. */
class ApplianceCaStoreTest {

  @TempDir Path dir;

  private ApplianceCa activated(Path store) {
    ApplianceCa ca = new ApplianceCa();
    ca.activate(IkeDaemonTest.caConfig(store.toString()));
    return ca;
  }

  @Test
  void aRestartedCaKeepsItsRootWhatItIssuedAndWhatItRevoked() throws Exception {
    Path file = dir.resolve("mvpn/ca.p12");
    ApplianceCa before = activated(file);
    Credential laptop =
        before.issue("laptop.acme.example", List.of(), List.of("laptop.acme.example"));
    Credential gateway = before.issue("gw1", List.of(Ipv4Address.parse("203.0.113.1")), List.of());
    before.revoke(gateway.certificate().getSerialNumber());

    ApplianceCa after = activated(file);

    assertThat(after.certificate()).isEqualTo(before.certificate());
    assertThat(after.credential("laptop.acme.example")).contains(laptop);
    assertThat(after.credential("gw1")).isEmpty(); // revoked
    assertThat(after.crl().getRevokedCertificate(gateway.certificate().getSerialNumber()))
        .isNotNull();
    assertThat(after.issued()).hasSize(2);
    assertThat(after.validator().validate(laptop.chain(), java.time.Instant.now()).ok()).isTrue();
    BigInteger next = after.issue("next", List.of(), List.of()).certificate().getSerialNumber();
    assertThat(next).isGreaterThan(gateway.certificate().getSerialNumber());
    for (Path f : List.of(file, file.resolveSibling("ca-revoked.properties"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void withoutAStoreNamedTheCaLivesUnderKarafsDataOrInMemory() {
    assertThat(ApplianceCa.storeFile("", "/opt/karaf/data"))
        .isEqualTo(Path.of("/opt/karaf/data/mvpn/ca.p12"));
    assertThat(ApplianceCa.storeFile("", null)).isNull();
    assertThat(ApplianceCa.storeFile("memory", "/opt/karaf/data")).isNull();
    assertThat(ApplianceCa.storeFile(" /srv/ca.p12 ", "/opt/karaf/data"))
        .isEqualTo(Path.of("/srv/ca.p12"));
  }
}
