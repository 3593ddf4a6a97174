package io.mvpn.sam.internal;

import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.SaManager;
import io.mvpn.sam.manager.SamResponder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A manager's counters by name, in the order the shell prints them; read on its loop. */
final class SamStats {

  private SamStats() {}

  static Map<String, Long> of(SamResponder responder) {
    SaManager.Counters pairs = responder.manager().counters();
    SamResponder.Counters wire = responder.counters();
    Map<String, Long> stats = new LinkedHashMap<>();
    stats.put("pairs", (long) responder.manager().pairs().size());
    stats.put("requests", wire.requests());
    stats.put("grants", wire.grants());
    stats.put("pairs_keyed", pairs.keyed());
    stats.put("kdc_exchanges", pairs.kdcExchanges());
    stats.put("kdc_failures", pairs.kdcFailures());
    stats.put("kdc_held_off", pairs.kdcHeldOff());
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
