package io.mvpn.sam.internal;

import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SamResponder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A manager's counters by name, in the order the shell prints them; read on its loop. */
final class SamStats {

  /** Pairs keyed from a ticket the manager held (cached) and from one the KDC just gave (cold). */
  static final String HELD_TICKET = "pairs_keyed_cached";

  static final String KDC_TICKET = "pairs_keyed_cold";

  /** A gauge, as {@code pairs} is: grants kept for retransmitted requests, and grants under way. */
  static final String REPLIES_HELD = "replies_held";

  /** What one unit of each counter is, for the metrics' help text. */
  static final Map<String, String> HELP =
      Map.ofEntries(
          Map.entry(
              "requests",
              "New KINK requests for an SA pair the manager accepted; resent ones not counted."),
          Map.entry("grants", "SA pairs handed out to requesting nodes."),
          Map.entry(
              "retransmitted",
              "Requests sent again under the same XID: answered with the same grant, no new pair."),
          Map.entry(
              "requests_busy",
              "New requests told the KDC is unreachable: their node's grants under way at bound."),
          Map.entry(
              "replies_evicted", "Kept grants dropped before their window ended, for the bounds."),
          Map.entry("pairs_keyed", "SA pairs keyed from a new session key."),
          Map.entry("kdc_exchanges", "Exchanges with the tenant's KDC, failed ones included."),
          Map.entry("kdc_failures", "Exchanges with the KDC that gave no ticket."),
          Map.entry(
              "kdc_held_off", "Requests refused at once while the KDC's failure backoff ran."),
          Map.entry("kdc_busy", "Requests refused because no KDC exchange could be queued."),
          Map.entry("store_failures", "Pair writes and removals the SA pair store refused."),
          Map.entry("tickets_reused", "Pairs keyed from a service ticket already held."),
          Map.entry("errors_sent", "KINK errors sent to nodes."),
          Map.entry("installs_sent", "Pairs pushed to the peer node (first attempts)."),
          Map.entry("install_retransmits", "Retransmissions of a pair pushed to the peer node."),
          Map.entry("installs_acknowledged", "Pushed pairs the peer node acknowledged."),
          Map.entry("installs_abandoned", "Pushed pairs given up after the last retransmission."),
          Map.entry("installs_deferred", "Pairs pushed later: the peer's address was unknown."),
          Map.entry("expired", "Pairs dropped at the end of their lifetime."),
          Map.entry("evicted", "Pairs evicted for the manager's capacity."),
          Map.entry("revoked", "Pairs revoked by the operator or a restarted node."));

  private SamStats() {}

  static Map<String, Long> of(SamResponder responder) {
    SaManager.Counters pairs = responder.manager().counters();
    SamResponder.Counters wire = responder.counters();
    Map<String, Long> stats = new LinkedHashMap<>();
    stats.put("pairs", (long) responder.manager().pairs().size());
    stats.put("requests", wire.requests());
    stats.put("grants", wire.grants());
    stats.put("retransmitted", wire.retransmitted());
    stats.put(REPLIES_HELD, (long) responder.repliesHeld());
    stats.put("replies_evicted", responder.repliesEvicted());
    stats.put("requests_busy", wire.busy());
    stats.put("pairs_keyed", pairs.keyed());
    stats.put(HELD_TICKET, pairs.keyedFromHeldTicket());
    stats.put(KDC_TICKET, pairs.keyed() - pairs.keyedFromHeldTicket());
    stats.put("kdc_exchanges", pairs.kdcExchanges());
    stats.put("kdc_failures", pairs.kdcFailures());
    stats.put("kdc_held_off", pairs.kdcHeldOff());
    stats.put("kdc_busy", pairs.kdcBusy());
    stats.put("store_failures", pairs.storeFailures());
    stats.put("tickets_reused", pairs.ticketsReused());
    stats.put("errors_sent", wire.errors());
    stats.put("installs_sent", wire.installsSent());
    stats.put("install_retransmits", wire.installRetransmits());
    stats.put("installs_acknowledged", wire.installsAcknowledged());
    stats.put("installs_abandoned", wire.installsAbandoned());
    stats.put("installs_deferred", wire.installsDeferred());
    stats.put("expired", pairs.expired());
    stats.put("evicted", pairs.evicted());
    stats.put("revoked", pairs.revoked());
    for (KinkRefusal refusal : KinkRefusal.values()) {
      stats.put("refused." + refusal.name().toLowerCase(Locale.ROOT), wire.refused().of(refusal));
    }
    return stats;
  }
}
