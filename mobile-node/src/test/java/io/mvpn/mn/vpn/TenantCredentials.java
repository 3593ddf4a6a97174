package io.mvpn.mn.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.CredentialFiles;
import io.mvpn.ike.pki.KeyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * One tenant CA's certificates as an operator hands them out: the node's key and certificate (its
 * DNS name) in a PKCS#12 file, the CA in a PEM file, and the gateway's credential (its address).
 */
public record TenantCredentials(
    Path nodeCertificate, Path caCertificate, X509Certificate ca, Credential gateway) {

  public static final String PASSWORD = "s3cret";

  /** Issues both certificates, valid for 30 days from now, and writes the node's files to dir. */
  public static TenantCredentials write(Path dir, String nodeName, Ipv4Address gatewayAddress)
      throws IOException {
    Instant now = Instant.now();
    Instant until = now.plus(Duration.ofDays(30));
    CertificateAuthority authority =
        CertificateAuthority.create(
            "acme vpn",
            KeyType.EC_P256,
            now.minus(Duration.ofDays(1)),
            until,
            CertificateStore.inMemory(),
            new SecureRandom());
    Credential node = authority.issue(Subject.node(nodeName), KeyType.EC_P256, now, until);
    Path p12 = dir.resolve("mn.p12");
    CredentialFiles.writePkcs12(p12, "mn", node, authority.certificate(), PASSWORD.toCharArray());
    Path ca = dir.resolve("ca.crt");
    Files.writeString(ca, CredentialFiles.pem(authority.certificate()), StandardCharsets.US_ASCII);
    Credential gateway =
        authority.issue(Subject.gateway("sgw", gatewayAddress), KeyType.EC_P256, now, until);
    return new TenantCredentials(p12, ca, authority.certificate(), gateway);
  }
}
