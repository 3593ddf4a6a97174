package io.mvpn.ike.sa;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link IkeEngine} dropped or repeated, for the shell and for tests. Written only on the
 * engine's thread; a reader on another thread may see slightly old values.
 */
public final class EngineCounters {

  volatile long received;
  volatile long fragmentsReceived;
  volatile long duplicateFragments;
  volatile long fragmentsDropped;
  volatile long reassembled;
  volatile long malformed;
  volatile long unknownSpi;
  volatile long undecryptable;
  volatile long unexpectedMessageId;
  volatile long duplicatesAnswered;
  volatile long retransmissions;
  volatile long cookiesSent;
  volatile long addressUpdates;
  volatile long addressUpdatesRefused;
  volatile long returnRoutabilityChecks;
  volatile long noPeerConfig;
  volatile long notIke;

  /** MOBIKE updates refused with UNEXPECTED_NAT_DETECTED (RFC 4555 §3.9). */
  public long addressUpdatesRefused() {
    return addressUpdatesRefused;
  }

  /** New paths of MOBIKE peers checked with COOKIE2 before ESP moved there (RFC 4555 §3.5). */
  public long returnRoutabilityChecks() {
    return returnRoutabilityChecks;
  }

  /** MOBIKE address updates taken as responder (RFC 4555 §3.5). */
  public long addressUpdates() {
    return addressUpdates;
  }

  public long received() {
    return received;
  }

  /** Datagrams that did not parse as IKE messages. */
  public long malformed() {
    return malformed;
  }

  /** Messages for an IKE SA we do not hold. */
  public long unknownSpi() {
    return unknownSpi;
  }

  /** SK payloads that did not verify: dropped silently (§2.21.2). */
  public long undecryptable() {
    return undecryptable;
  }

  /** Requests or responses outside the window (§2.3). */
  public long unexpectedMessageId() {
    return unexpectedMessageId;
  }

  /** Retransmitted requests answered from the cached response (§2.1). */
  public long duplicatesAnswered() {
    return duplicatesAnswered;
  }

  /** Our requests sent again after a timeout. */
  public long retransmissions() {
    return retransmissions;
  }

  /** IKE fragments (SKF, RFC 7383) that came for a known SA in its window. */
  public long fragmentsReceived() {
    return fragmentsReceived;
  }

  /** Fragments we held already: ignored (RFC 7383 §2.6). */
  public long duplicateFragments() {
    return duplicateFragments;
  }

  /**
   * Fragments dropped unverified or with their set: not negotiated, too many, fewer than the set
   * held, past the size limit, or the set timed out. Forged ones count as undecryptable.
   */
  public long fragmentsDropped() {
    return fragmentsDropped;
  }

  /** Messages reassembled from fragments. */
  public long reassembled() {
    return reassembled;
  }

  public long cookiesSent() {
    return cookiesSent;
  }

  /**
   * What was dropped, by reason, for the shell: only reasons that counted something, in a fixed
   * order (malformed, unknown_spi, undecryptable, unexpected_message_id, no_peer_config, not_ike,
   * fragments_dropped).
   */
  public Map<String, Long> drops() {
    Map<String, Long> drops = new LinkedHashMap<>();
    long[] counts = {
      malformed,
      unknownSpi,
      undecryptable,
      unexpectedMessageId,
      noPeerConfig,
      notIke,
      fragmentsDropped
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
        received,
        malformed,
        unknownSpi,
        undecryptable,
        unexpectedMessageId,
        duplicatesAnswered,
        retransmissions,
        cookiesSent,
        fragmentsReceived,
        reassembled,
        duplicateFragments,
        fragmentsDropped);
  }

  /** IKE_SA_INIT requests from an address no responding peer configuration serves. */
  public long noPeerConfig() {
    return noPeerConfig;
  }

  /** UDP/4500 payloads without the non-ESP marker (ESP, NAT keepalives) handed to IKE. */
  public long notIke() {
    return notIke;
  }
}
