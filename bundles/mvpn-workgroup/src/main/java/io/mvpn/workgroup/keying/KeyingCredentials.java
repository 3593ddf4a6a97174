package io.mvpn.workgroup.keying;

import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one end of workgroup keying proves itself with and trusts: its key and certificate chain
 * from the mobile service manager's CA, the CAs (and CRLs) a peer's chain must validate against,
 * and the clock certificates are checked at.
 */
public record KeyingCredentials(
    Credential credential,
    CertificateValidator validator,
    Supplier<Instant> clock,
    SecureRandom random) {

  public KeyingCredentials {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(validator, "validator");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
  }
}
