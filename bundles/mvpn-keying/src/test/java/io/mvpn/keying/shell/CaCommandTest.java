package io.mvpn.keying.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.CaService;
import io.mvpn.ike.pki.CertificatePolicy;
import io.mvpn.keying.ShellSessions;
import io.mvpn.keying.TestCas;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpn:ca} as an operator types it, options before or after the CN. */
class CaCommandTest {

  @TempDir Path dir;

  private final CaService ca = TestCas.activated();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private String run(String action, String subject, String... trailing) {
    CaCommand command = new CaCommand();
    command.action = action;
    command.subject = subject;
    command.trailing = trailing.length == 0 ? null : List.of(trailing);
    command.cas = List.of(ca);
    command.session = ShellSessions.printingTo(console);
    command.execute();
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void exportPrintsTheCaCertificateAsPem() {
    assertThat(run("export", null)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void exportWithOutWritesTheCaCertificateToTheFile() throws Exception {
    Path file = dir.resolve("ca.pem");
    assertThat(run("export", "--out", file.toString())).contains("wrote " + file);
    assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void issueWritesPemFilesAndAPkcs12FileWhenAskedAfterTheCn() throws Exception {
    Path p12 = dir.resolve("laptop.p12");
    String out =
        run(
            "issue",
            "laptop.acme.example",
            "--dns",
            "laptop.acme.example",
            "--pem",
            dir.resolve("pem").toString(),
            "--p12",
            p12.toString(),
            "--password",
            "pw-1234");

    assertThat(out).contains("issued serial").contains("wrote " + p12);
    assertThat(dir.resolve("pem/laptop.acme.example.key")).exists();
    assertThat(dir.resolve("pem/laptop.acme.example.crt")).exists();
    assertThat(dir.resolve("pem/ca.crt")).exists();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      store.load(in, "pw-1234".toCharArray());
    }
    assertThat(store.isKeyEntry("laptop.acme.example")).isTrue();
    assertThat(ca.issued()).hasSize(1);
  }

  @Test
  void issueWithTheSinkRoleGrantsTheSinkPolicyAndAMembersCertificateHasNone() throws Exception {
    run("issue", "sink.acme.example", "--dns", "sink.acme.example", "--role", "sink");
    run("issue", "alice.acme.example", "--dns", "alice.acme.example");

    X509Certificate sink = ca.credential("sink.acme.example").orElseThrow().certificate();
    X509Certificate alice = ca.credential("alice.acme.example").orElseThrow().certificate();
    assertThat(CertificatePolicy.carries(sink, CertificatePolicy.AODV_SINK)).isTrue();
    assertThat(CertificatePolicy.carries(alice, CertificatePolicy.AODV_SINK)).isFalse();
    assertThat(ca.validator().validate(List.of(sink), java.time.Instant.now()).ok()).isTrue();
  }

  @Test
  void anUnknownRoleIssuesNothingAndNamesTheRolesThereAre() {
    assertThat(run("issue", "sink.acme.example", "--role", "admin"))
        .contains("no role 'admin' (roles: sink)");
    assertThat(ca.issued()).isEmpty();
  }

  @Test
  void aPkcs12FileWithoutAPasswordIsRefusedBeforeAnythingIsIssued() {
    assertThat(run("issue", "laptop", "--p12", dir.resolve("x.p12").toString()))
        .contains("--p12 needs --password");
    assertThat(ca.issued()).isEmpty();
  }

  @Test
  void anUnknownOptionAfterTheCnIssuesNothing() {
    assertThat(run("issue", "laptop", "--colour", "blue")).contains("unexpected --colour");
    assertThat(ca.issued()).isEmpty();
  }

  @Test
  void aMisspeltActionSaysSoAndPrintsTheUsage() {
    assertThat(run("lst", null))
        .contains("mvpn:ca: no action 'lst'")
        .contains("usage: mvpn:ca issue CN")
        .contains("| list | revoke SERIAL | crl");
    assertThat(ca.issued()).isEmpty();
  }
}
