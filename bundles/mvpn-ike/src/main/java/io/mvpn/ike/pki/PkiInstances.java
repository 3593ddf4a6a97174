package io.mvpn.ike.pki;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * The X.509 factory and the PKIX validator, one of each per thread. Finding their providers again
 * for each IKE_AUTH costs more than the lookups' results are worth; neither keeps state between
 * calls, but neither is specified safe to share between threads.
 */
final class PkiInstances {

  private static final ThreadLocal<CertificateFactory> X509 = new ThreadLocal<>();
  private static final ThreadLocal<CertPathValidator> PKIX = new ThreadLocal<>();

  /** How an engine is made the first time: its getInstance. */
  private interface Lookup<T, E extends GeneralSecurityException> {
    T get() throws E;
  }

  private PkiInstances() {}

  /** This thread's {@code CertificateFactory.getInstance("X.509")}. */
  static CertificateFactory x509() throws CertificateException {
    return cached(X509, () -> CertificateFactory.getInstance("X.509"));
  }

  /** This thread's {@code CertPathValidator.getInstance("PKIX")}. */
  static CertPathValidator pkix() throws NoSuchAlgorithmException {
    return cached(PKIX, () -> CertPathValidator.getInstance("PKIX"));
  }

  private static <T, E extends GeneralSecurityException> T cached(
      ThreadLocal<T> cache, Lookup<T, E> lookup) throws E {
    T engine = cache.get();
    if (engine == null) {
      engine = lookup.get();
      cache.set(engine);
    }
    return engine;
  }
}
