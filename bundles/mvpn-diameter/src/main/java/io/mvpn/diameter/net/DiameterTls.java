package io.mvpn.diameter.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for Diameter (RFC 6733 §13): the handshake comes first on the connection, before the CER,
 * both sides present certificates issued by the configured CA, and the names in the peer's
 * certificate must include the Origin-Host it then claims (§13.1).
 */
public final class DiameterTls {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final SslContext client;
  private final SslContext server;

  private DiameterTls(SslContext client, SslContext server) {
    this.client = client;
    this.server = server;
  }

  /**
   * From a PKCS#12 key store holding this node's key and certificate chain, and a PEM file of the
   * certificate authorities whose peers are trusted.
   */
  public static DiameterTls of(Path keyStore, char[] password, Path trustedCas)
      throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(trustedCas)) {
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca" + i++, cert);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            // The peer is checked against the Origin-Host it claims in CER/CEA, not the address
            // it was reached at (§13.1), so no HTTPS-style host name check.
            .endpointIdentificationAlgorithm(null)
            .keyManager(kmf)
            .trustManager(tmf)
            .protocols(PROTOCOLS)
            .build();
    SslContext server =
        SslContextBuilder.forServer(kmf)
            .sslProvider(SslProvider.JDK)
            .trustManager(tmf)
            .clientAuth(ClientAuth.REQUIRE)
            .protocols(PROTOCOLS)
            .build();
    return new DiameterTls(client, server);
  }

  SslContext client() {
    return client;
  }

  SslContext server() {
    return server;
  }

  /** The DNS names of a certificate's subjectAltName, and its subject's CN. */
  static Set<String> names(X509Certificate cert) {
    Set<String> names = new LinkedHashSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (Exception e) {
      // A certificate whose names cannot be read names nobody.
    }
    return names;
  }
}
