package io.mvpn.api.aaa;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * A node entering a site whose hello the sink has already authenticated with public keys (seed 002
 * c50-52): its certificate chains to its MSM's CA, is valid and not revoked, and signed the hello.
 * What is left for the MSM is authorisation: which member the certificate names ({@code identity},
 * the certificate's DNS name), whether the address it claims is its own, and the routes and filters
 * it gets. The timestamp is the hello's (milliseconds of the node's clock) and the nonce its signed
 * nonce: together they name the hello, so the MSM refuses one it already authorised at another sink
 * (each sink's replay cache sees only its own hellos). {@code siteRealm} is the realm of the site
 * the node enters: the sink's own, and at the MSM the Origin-Realm of the AA-Request. A CA
 * certifies a member, not where it may enter, so the MSM grants a member only to sinks of the
 * member's own site realm.
 */
public record CertifiedNode(
    String identity,
    Ipv4Address address,
    long timestamp,
    long nonce,
    String certificateFingerprint,
    String siteRealm) {

  public CertifiedNode {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(siteRealm, "siteRealm");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(certificateFingerprint, "certificateFingerprint");
  }
}
