package io.mvpn.ike.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What one end proves itself with: its private key and its certificate chain, end entity first,
 * then any intermediate CAs up to (not including) the trust anchor.
 */
public record Credential(PrivateKey privateKey, List<X509Certificate> chain) {

  public Credential {
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a credential needs its certificate");
    }
  }

  public static Credential of(PrivateKey privateKey, X509Certificate certificate) {
    return new Credential(privateKey, List.of(certificate));
  }

  /** The end-entity certificate, whose key signs AUTH. */
  public X509Certificate certificate() {
    return chain.get(0);
  }
}
