package io.mvpn.rest;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The endpoint's TLS: its key and certificate chain from a PKCS#12 file or from the appliance CA,
 * and TLS 1.3 and 1.2 only (RFC 8996 retired the older versions).
 */
public final class TlsContext {

  /** The protocol versions offered, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final String ALIAS = "mvpn-rest";

  private TlsContext() {}

  /** The first key entry of a PKCS#12 file, with its chain. */
  public static SSLContext fromPkcs12(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return context(store, password);
  }

  /**
   * A key and its chain as another provider made them (the CA's Bouncy Castle objects): both are
   * re-read from their encodings by the JDK's providers, which the JDK's TLS works with.
   */
  public static SSLContext fromKey(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
    PrivateKey jdkKey =
        KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    Certificate[] jdkChain = new Certificate[chain.size()];
    for (int i = 0; i < chain.size(); i++) {
      jdkChain[i] = x509.generateCertificate(new ByteArrayInputStream(chain.get(i).getEncoded()));
    }
    char[] password = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, password);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot make an empty key store", e);
    }
    store.setKeyEntry(ALIAS, jdkKey, password, jdkChain);
    return context(store, password);
  }

  private static SSLContext context(KeyStore store, char[] password)
      throws GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    return tls;
  }

  /** Configures each connection for TLS 1.3 and 1.2 only, without client certificates. */
  public static HttpsConfigurator configurator(SSLContext tls) {
    return new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        List<String> supported =
            Arrays.asList(getSSLContext().getSupportedSSLParameters().getProtocols());
        p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        p.setNeedClientAuth(false);
        params.setSSLParameters(p);
      }
    };
  }
}
