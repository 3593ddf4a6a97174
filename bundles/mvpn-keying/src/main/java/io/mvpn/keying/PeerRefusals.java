package io.mvpn.keying;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
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
 * ({@code ike-auth-failed}). With a {@link CounterStore} the counts live there, as {@code
 * auth_failures/REASON} in the owner's scope, so the responder that follows an update goes on from
 * them. Thread-safe.
 */
final class PeerRefusals {

  private static final String PREFIX = "auth_failures/";

  // The reasons are the authenticator's and the validator's enum names, so the keys stay few.
  private final Map<String, Counter> counts = new TreeMap<>();
  private final String owner;
  private final Logger log;
  private final SecurityEvents events;
  private final CounterStore store;
  private final String scope;

  PeerRefusals(String owner, Logger log, SecurityEvents events) {
    this(owner, log, events, null, null);
  }

  /** Refusals counted in {@code store} (if not null), in {@code scope}, from its totals on. */
  PeerRefusals(String owner, Logger log, SecurityEvents events, CounterStore store, String scope) {
    this.owner = owner;
    this.log = log;
    this.events = events;
    this.store = store;
    this.scope = scope;
    if (store != null) {
      for (String name : store.snapshot(scope).keySet()) {
        if (name.startsWith(PREFIX)) {
          counts.put(name.substring(PREFIX.length()), store.counter(scope, name));
        }
      }
    }
  }

  /** Counts and logs one refusal; {@code peer} says which configured peer, if known. */
  void refused(String peer, Refusal refusal) {
    String key = key(refusal);
    Counter counter;
    synchronized (this) {
      counter = counts.computeIfAbsent(key, k -> Counter.of(store, scope, PREFIX + k));
    }
    counter.increment();
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
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((reason, counter) -> copy.put(reason, counter.get()));
    return Collections.unmodifiableMap(copy);
  }
}
