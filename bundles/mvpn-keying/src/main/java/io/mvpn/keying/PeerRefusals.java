package io.mvpn.keying;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.ike.pki.CertificateAuthenticator.Refusal;
import io.mvpn.ike.pki.CertificateValidator.Status;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * The peers an IKE responder refused at IKE_AUTH, counted by reason ({@code untrusted_chain/
 * unknown_ca}, {@code id_mismatch}, ...) and logged with the detail (the issuer, for an unknown
 * CA), so an operator sees why a client gets AUTHENTICATION_FAILED; each is also a security event
 * ({@code ike-auth-failed}). Thread-safe.
 */
final class PeerRefusals {

  private final Map<String, Long> counts = new TreeMap<>();
  private final String owner;
  private final Logger log;
  private final SecurityEvents events;

  PeerRefusals(String owner, Logger log, SecurityEvents events) {
    this.owner = owner;
    this.log = log;
    this.events = events;
  }

  /** Counts and logs one refusal; {@code peer} says which configured peer, if known. */
  void refused(String peer, Refusal refusal) {
    String key = key(refusal);
    synchronized (this) {
      counts.merge(key, 1L, Long::sum);
    }
    log.warn(
        "{}: refused {} with AUTHENTICATION_FAILED: {}: {}", owner, peer, key, refusal.detail());
    events.report(
        SecurityEvent.NO_TENANT,
        "ike/" + owner,
        peer,
        "ike-auth-failed",
        key + ": " + refusal.detail());
  }

  static String key(Refusal refusal) {
    String key = refusal.reason().name().toLowerCase(Locale.ROOT);
    if (refusal.chain() != null && refusal.chain() != Status.OK) {
      key += "/" + refusal.chain().name().toLowerCase(Locale.ROOT);
    }
    return key;
  }

  synchronized Map<String, Long> counts() {
    return Collections.unmodifiableMap(new TreeMap<>(counts));
  }
}
