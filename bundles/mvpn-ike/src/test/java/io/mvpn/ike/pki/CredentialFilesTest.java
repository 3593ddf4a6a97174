package io.mvpn.ike.pki;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA's certificate and issued credentials as files an outside client loads. */
class CredentialFilesTest {

  private static final Path OPENSSL = Path.of("/usr/bin/openssl");

  @TempDir Path dir;

  private final Instant now = Instant.now();
  private final CertificateAuthority ca =
      TestCertificateAuthorities.tenYearsFrom(
          "test CA", KeyType.EC_P256, now.minus(Duration.ofHours(1)), new SecureRandom());
  private final Credential issued =
      ca.issue(
          new CertificateAuthority.Subject(
              "laptop.acme.example", List.of(Ipv4Address.parse("192.0.2.7")), List.of("laptop")),
          KeyType.EC_P256,
          now.minus(Duration.ofHours(1)),
          now.plus(Duration.ofDays(10)));

  @Test
  void theExportedCaCertificateIsPemThatParsesBackToTheRoot() throws Exception {
    String pem = CredentialFiles.pem(ca.certificate());

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.lines().filter(l -> !l.startsWith("-----")).mapToInt(String::length).max())
        .hasValue(64);
    assertThat(parse(pem)).isEqualTo(ca.certificate());
  }

  @Test
  void pemFilesHoldTheCertificateItsPkcs8KeyAndTheCaAndOnlyTheOwnerReadsThem() throws Exception {
    CredentialFiles.PemFiles files =
        CredentialFiles.writePem(dir.resolve("out"), "laptop", issued, ca.certificate());

    assertThat(parse(Files.readString(files.certificate()))).isEqualTo(issued.certificate());
    assertThat(parse(Files.readString(files.ca()))).isEqualTo(ca.certificate());
    String keyPem = Files.readString(files.privateKey());
    assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
    byte[] der =
        Base64.getMimeDecoder()
            .decode(keyPem.replaceAll("-----[A-Z ]+-----", "").getBytes(StandardCharsets.US_ASCII));
    PrivateKey key =
        KeyFactory.getInstance(issued.privateKey().getAlgorithm())
            .generatePrivate(new PKCS8EncodedKeySpec(der));
    assertThat(signsFor(key, issued.certificate())).isTrue();
    for (Path f : List.of(files.certificate(), files.privateKey(), files.ca())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aPkcs12FileOpensWithItsPasswordToTheKeyCertificateAndCa() throws Exception {
    Path p12 = dir.resolve("laptop.p12");
    CredentialFiles.writePkcs12(p12, "laptop", issued, ca.certificate(), "s3cret-pw".toCharArray());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p12)))
        .isEqualTo("rw-------");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, "s3cret-pw".toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey("laptop", "s3cret-pw".toCharArray());
    assertThat(store.getCertificateChain("laptop"))
        .containsExactly(issued.certificate(), ca.certificate());
    assertThat(signsFor(key, issued.certificate())).isTrue();
  }

  @Test
  void openSslReadsThePkcs12FileAsPbes2WithAes256() throws Exception {
    require(Files.isExecutable(OPENSSL), "openssl is not installed");
    Path p12 = dir.resolve("laptop.p12");
    CredentialFiles.writePkcs12(p12, "laptop", issued, ca.certificate(), "s3cret-pw".toCharArray());

    String info =
        openssl("pkcs12", "-info", "-in", p12.toString(), "-passin", "pass:s3cret-pw", "-nokeys");
    assertThat(info)
        .contains("PBES2, PBKDF2, AES-256-CBC")
        .contains("MAC: sha256")
        .contains("subject=CN")
        .contains("laptop.acme.example");
    assertThat(info.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
    String key =
        openssl("pkcs12", "-in", p12.toString(), "-passin", "pass:s3cret-pw", "-nocerts", "-nodes");
    assertThat(key).contains("-----BEGIN PRIVATE KEY-----");
  }

  private static String openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(OPENSSL.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  private static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether {@code key} is the private half of the certificate's public key. */
  private static boolean signsFor(PrivateKey key, X509Certificate certificate) throws Exception {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    return verifier.verify(signature);
  }
}
