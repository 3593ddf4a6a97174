package io.mvpn.ike.pki;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/** The certificate authorities IKE's tests issue from: keys and certificates in memory. */
public final class TestCertificateAuthorities {

  private TestCertificateAuthorities() {}

  /** A root named {@code name} with a {@code type} key, valid ten years from {@code from}. */
  public static CertificateAuthority tenYearsFrom(
      String name, KeyType type, Instant from, SecureRandom random) {
    return CertificateAuthority.create(
        name, type, from, from.plus(Duration.ofDays(3650)), CertificateStore.inMemory(), random);
  }
}
