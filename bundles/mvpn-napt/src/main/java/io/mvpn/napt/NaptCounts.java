package io.mvpn.napt;

import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a NAPT engine counts. With a {@link CounterStore} the counts live there, in the engine's
 * scope, so the engine that follows an update of the NAPT (or, persistent, a restart) goes on from
 * them: {@code translated}, {@code exhausted}, {@code dropped}, {@code malformed}, by tenant {@code
 * translated/<tenant>} and {@code exhausted/<tenant>}, and fragments dropped by reason {@code
 * fragments-dropped/<reason>}. Tenants are those the caller names (the backbone's configured ones),
 * so the names stay bounded. Without a store the counts live and die with the engine.
 *
 * <p>Every handle is taken once (a tenant's on its first datagram, then held by its mappings), so
 * counting is a lock-free add with no lookup.
 */
final class NaptCounts {

  static final int TRANSLATED = 0;
  static final int EXHAUSTED = 1;
  private static final String[] PER_TENANT = {"translated", "exhausted"};

  private final CounterStore store;
  private final String scope;
  final Counter translated;
  final Counter exhausted;
  final Counter dropped;
  final Counter malformed;
  private final Map<FragmentDrop, Counter> fragmentDrops = new EnumMap<>(FragmentDrop.class);
  // Read and written under the engine's caller's lock.
  private final Map<MvpnId, Counter[]> byTenant = new HashMap<>();

  NaptCounts(CounterStore store, String scope) {
    this.store = store;
    this.scope = scope;
    translated = counter("translated");
    exhausted = counter("exhausted");
    dropped = counter("dropped");
    malformed = counter("malformed");
    for (FragmentDrop reason : FragmentDrop.values()) {
      fragmentDrops.put(
          reason,
          counter("fragments-dropped/" + reason.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
    if (store != null) {
      // Tenants an earlier engine counted: shown before their next datagram.
      for (String name : store.snapshot(scope).keySet()) {
        int slash = name.indexOf('/');
        if (slash > 0 && !name.startsWith("fragments-")) {
          try {
            tenant(MvpnId.of(name.substring(slash + 1)));
          } catch (IllegalArgumentException notATenant) {
            // Not a name this class writes: left alone.
          }
        }
      }
    }
  }

  private Counter counter(String name) {
    return store == null ? Counter.standalone() : store.counter(scope, name);
  }

  /** The tenant's counters, {@link #TRANSLATED} and {@link #EXHAUSTED}. */
  Counter[] tenant(MvpnId tenant) {
    return byTenant.computeIfAbsent(
        tenant,
        t -> {
          Counter[] c = new Counter[PER_TENANT.length];
          for (int i = 0; i < c.length; i++) {
            c[i] = counter(PER_TENANT[i] + "/" + t.value());
          }
          return c;
        });
  }

  Counter fragmentsDropped(FragmentDrop reason) {
    return fragmentDrops.get(reason);
  }

  Map<MvpnId, Long> byTenant(int which) {
    Map<MvpnId, Long> out = new TreeMap<>();
    byTenant.forEach((tenant, counts) -> out.put(tenant, counts[which].get()));
    return out;
  }
}
