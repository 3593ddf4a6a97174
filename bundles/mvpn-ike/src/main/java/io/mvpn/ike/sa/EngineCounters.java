package io.mvpn.ike.sa;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link IkeEngine} dropped or repeated, for the shell and for tests. Written only on the
 * engine's thread; a reader on another thread may see slightly old values. With a {@link
 * CounterStore} the counts live there, so a new engine in the same scope goes on from them.
 */
public final class EngineCounters {

  final Counter received;
  final Counter fragmentsReceived;
  final Counter duplicateFragments;
  final Counter fragmentsDropped;
  final Counter reassembled;
  final Counter malformed;
  final Counter unknownSpi;
  final Counter undecryptable;
  final Counter unexpectedMessageId;
  final Counter duplicatesAnswered;
  final Counter retransmissions;
  final Counter cookiesSent;
  final Counter addressUpdates;
  final Counter addressUpdatesRefused;
  final Counter returnRoutabilityChecks;
  final Counter noPeerConfig;
  final Counter notIke;

  /** Counters of the engine's own, in memory: they start from zero with the engine. */
  public EngineCounters() {
    this(null, null);
  }

  /**
   * Counters in {@code store} (if not null), in {@code scope}, named as {@link #drops()} names them
   * ({@code malformed}, {@code unknown_spi}, ...): an engine that follows another over the same
   * store and scope goes on from its counts.
   */
  public EngineCounters(CounterStore store, String scope) {
    received = Counter.of(store, scope, "received");
    fragmentsReceived = Counter.of(store, scope, "fragments_received");
    duplicateFragments = Counter.of(store, scope, "duplicate_fragments");
    fragmentsDropped = Counter.of(store, scope, "fragments_dropped");
    reassembled = Counter.of(store, scope, "reassembled");
    malformed = Counter.of(store, scope, "malformed");
    unknownSpi = Counter.of(store, scope, "unknown_spi");
    undecryptable = Counter.of(store, scope, "undecryptable");
    unexpectedMessageId = Counter.of(store, scope, "unexpected_message_id");
    duplicatesAnswered = Counter.of(store, scope, "duplicates_answered");
    retransmissions = Counter.of(store, scope, "retransmissions");
    cookiesSent = Counter.of(store, scope, "cookies_sent");
    addressUpdates = Counter.of(store, scope, "address_updates");
    addressUpdatesRefused = Counter.of(store, scope, "address_updates_refused");
    returnRoutabilityChecks = Counter.of(store, scope, "return_routability_checks");
    noPeerConfig = Counter.of(store, scope, "no_peer_config");
    notIke = Counter.of(store, scope, "not_ike");
  }

  /** MOBIKE updates refused with UNEXPECTED_NAT_DETECTED (RFC 4555 §3.9). */
  public long addressUpdatesRefused() {
    return addressUpdatesRefused.get();
  }

  /** New paths of MOBIKE peers checked with COOKIE2 before ESP moved there (RFC 4555 §3.5). */
  public long returnRoutabilityChecks() {
    return returnRoutabilityChecks.get();
  }

  /** MOBIKE address updates taken as responder (RFC 4555 §3.5). */
  public long addressUpdates() {
    return addressUpdates.get();
  }

  public long received() {
    return received.get();
  }

  /** Datagrams that did not parse as IKE messages. */
  public long malformed() {
    return malformed.get();
  }

  /** Messages for an IKE SA we do not hold. */
  public long unknownSpi() {
    return unknownSpi.get();
  }

  /** SK payloads that did not verify: dropped silently (§2.21.2). */
  public long undecryptable() {
    return undecryptable.get();
  }

  /** Requests or responses outside the window (§2.3). */
  public long unexpectedMessageId() {
    return unexpectedMessageId.get();
  }

  /** Retransmitted requests answered from the cached response (§2.1). */
  public long duplicatesAnswered() {
    return duplicatesAnswered.get();
  }

  /** Our requests sent again after a timeout. */
  public long retransmissions() {
    return retransmissions.get();
  }

  /** IKE fragments (SKF, RFC 7383) that came for a known SA in its window. */
  public long fragmentsReceived() {
    return fragmentsReceived.get();
  }

  /** Fragments we held already: ignored (RFC 7383 §2.6). */
  public long duplicateFragments() {
    return duplicateFragments.get();
  }

  /**
   * Fragments dropped unverified or with their set: not negotiated, too many, fewer than the set
   * held, past the size limit, or the set timed out. Forged ones count as undecryptable.
   */
  public long fragmentsDropped() {
    return fragmentsDropped.get();
  }

  /** Messages reassembled from fragments. */
  public long reassembled() {
    return reassembled.get();
  }

  public long cookiesSent() {
    return cookiesSent.get();
  }

  /**
   * What was dropped, by reason, for the shell: only reasons that counted something, in a fixed
   * order (malformed, unknown_spi, undecryptable, unexpected_message_id, no_peer_config, not_ike,
   * fragments_dropped).
   */
  public Map<String, Long> drops() {
    Map<String, Long> drops = new LinkedHashMap<>();
    long[] counts = {
      malformed.get(),
      unknownSpi.get(),
      undecryptable.get(),
      unexpectedMessageId.get(),
      noPeerConfig.get(),
      notIke.get(),
      fragmentsDropped.get()
    };
    String[] names = {
      "malformed",
      "unknown_spi",
      "undecryptable",
      "unexpected_message_id",
      "no_peer_config",
      "not_ike",
      "fragments_dropped"
    };
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        drops.put(names[i], counts[i]);
      }
    }
    return drops;
  }

  @Override
  public String toString() {
    return String.format(
        "received %d malformed %d unknown-spi %d undecryptable %d unexpected-id %d"
            + " duplicates %d retransmissions %d cookies %d fragments %d reassembled %d"
            + " fragment-duplicates %d fragments-dropped %d",
        received.get(),
        malformed.get(),
        unknownSpi.get(),
        undecryptable.get(),
        unexpectedMessageId.get(),
        duplicatesAnswered.get(),
        retransmissions.get(),
        cookiesSent.get(),
        fragmentsReceived.get(),
        reassembled.get(),
        duplicateFragments.get(),
        fragmentsDropped.get());
  }

  /** IKE_SA_INIT requests from an address no responding peer configuration serves. */
  public long noPeerConfig() {
    return noPeerConfig.get();
  }

  /** UDP/4500 payloads without the non-ESP marker (ESP, NAT keepalives) handed to IKE. */
  public long notIke() {
    return notIke.get();
  }
}
