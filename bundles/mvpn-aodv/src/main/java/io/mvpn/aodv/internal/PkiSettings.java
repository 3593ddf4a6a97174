package io.mvpn.aodv.internal;

import io.mvpn.aodv.PkiPolicy;
import io.mvpn.aodv.pki.CertificateSource;
import io.mvpn.aodv.pki.DnsCertificateSource;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.SimpleResolver;

/**
 * A mobility router's PKI hello settings (seed 002 c50-56) from its cfg: its certificate and key,
 * the MSM's CA certificate and CRL (PEM or DER files the MSM hands out with the management
 * configuration, c55), and where to fetch certificates hellos refer to: the MSM's DNS server (c55)
 * or the MSM over Diameter (c56). None set: no PKI. Any set but unreadable: the configuration is
 * refused with one clear line.
 */
final class PkiSettings {

  private PkiSettings() {}

  /** The policy the files give, or null when {@code certificate} is blank. */
  static PkiPolicy read(
      String certificate,
      String key,
      String trustAnchor,
      String crl,
      String dns,
      CertificateSource fromMsm,
      String reference) {
    if (certificate.isBlank()) {
      return null;
    }
    if (!dns.isBlank() && fromMsm != null) {
      throw new IllegalArgumentException(
          "PKI hello settings: certificates from the MSM's DNS or over Diameter, not both");
    }
    try {
      X509Certificate own = (X509Certificate) certificates().generateCertificate(open(certificate));
      X509Certificate ca = (X509Certificate) certificates().generateCertificate(open(trustAnchor));
      List<X509CRL> crls =
          crl.isBlank() ? List.of() : List.of((X509CRL) certificates().generateCRL(open(crl)));
      return new PkiPolicy(
          Credential.of(privateKey(Path.of(key)), own),
          new CertificateValidator(List.of(ca), crls),
          dns.isBlank() ? fromMsm : new DnsCertificateSource(resolver(dns)),
          reference.isBlank() ? null : reference.trim(),
          nanos -> Instant.now(),
          new SecureRandom());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("PKI hello settings: " + e.getMessage(), e);
    }
  }

  private static CertificateFactory certificates() throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509");
  }

  private static InputStream open(String file) throws IOException {
    return Files.newInputStream(Path.of(file.trim()));
  }

  /** An unencrypted PKCS#8 key, PEM ("PRIVATE KEY") or DER: EC or Ed25519. */
  private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN PRIVATE KEY-----")) {
      String body =
          text.substring(
              text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END"));
      bytes = Base64.getMimeDecoder().decode(body);
    }
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(bytes));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException(file + " holds no EC or Ed25519 PKCS#8 key", last);
  }

  private static SimpleResolver resolver(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new SimpleResolver(
        new InetSocketAddress(
            hostPort.substring(0, colon).trim(),
            Integer.parseInt(hostPort.substring(colon + 1).trim())));
  }
}
