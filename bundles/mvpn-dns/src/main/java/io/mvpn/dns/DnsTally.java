package io.mvpn.dns;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.workgroup.MemberId;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The zone's counts, in total and by the asker's tenant ({@code ""} for a source that is no
 * member): each query is counted once in both, so the tenants' counts add up to the totals. An
 * increment is a lock-free add; a tenant's counters are taken on its first query.
 *
 * <p>With a {@link CounterStore} the counts live there, in the zone's scope, so a new zone (the DNS
 * after an update, or a restart with a persistent store) goes on from them: totals as {@code
 * <outcome>}, a tenant's as {@code <outcome>/<tenant>}, sources that are no member as {@code
 * <outcome>/-} (no tenant id is {@code -}). Tenants are those the directory names, so the names
 * stay bounded. Without a store the counts live and die with the zone.
 */
final class DnsTally {

  /** The asker tenant of a query from a source that is no member. */
  static final String NO_TENANT = "";

  private static final String NO_TENANT_NAME = "-";

  enum Outcome {
    QUERY,
    ANSWER,
    NODATA,
    NXDOMAIN,
    REFUSED,
    FORMERR,
    NOTIMP,
    BADVERS,
    DROPPED;

    final String counterName = name().toLowerCase(Locale.ROOT);
  }

  private final CounterStore store;
  private final String scope;
  private final Counter[] total;
  private final Map<String, Counter[]> byTenant = new ConcurrentHashMap<>();

  /** Counts of the zone's own. */
  DnsTally() {
    this(null, null);
  }

  DnsTally(CounterStore store, String scope) {
    this.store = store;
    this.scope = scope;
    this.total = take(null);
    if (store != null) {
      // Tenants an earlier zone counted show before they ask again.
      for (String name : store.snapshot(scope).keySet()) {
        int slash = name.indexOf('/');
        if (slash > 0) {
          String tenant = name.substring(slash + 1);
          tenant(tenant.equals(NO_TENANT_NAME) ? NO_TENANT : tenant);
        }
      }
    }
  }

  private Counter[] take(String tenant) {
    Counter[] c = new Counter[Outcome.values().length];
    for (Outcome o : Outcome.values()) {
      String name =
          tenant == null
              ? o.counterName
              : o.counterName + "/" + (tenant.isEmpty() ? NO_TENANT_NAME : tenant);
      c[o.ordinal()] = store == null ? Counter.standalone() : store.counter(scope, name);
    }
    return c;
  }

  private Counter[] tenant(String tenant) {
    Counter[] mine = byTenant.get(tenant);
    return mine != null ? mine : byTenant.computeIfAbsent(tenant, this::take);
  }

  void count(MemberId asker, Outcome outcome) {
    // The tenant's first: a reader of the tenants then the total never sees more in the total.
    tenant(asker == null ? NO_TENANT : asker.tenant().value())[outcome.ordinal()].increment();
    total[outcome.ordinal()].increment();
  }

  DnsCounters counters() {
    return counters(total);
  }

  /** By asker tenant, in id order. */
  Map<String, DnsCounters> byTenant() {
    Map<String, DnsCounters> out = new TreeMap<>();
    byTenant.forEach((tenant, counters) -> out.put(tenant, counters(counters)));
    return out;
  }

  private static DnsCounters counters(Counter[] a) {
    return new DnsCounters(
        a[Outcome.QUERY.ordinal()].get(),
        a[Outcome.ANSWER.ordinal()].get(),
        a[Outcome.NODATA.ordinal()].get(),
        a[Outcome.NXDOMAIN.ordinal()].get(),
        a[Outcome.REFUSED.ordinal()].get(),
        a[Outcome.FORMERR.ordinal()].get(),
        a[Outcome.NOTIMP.ordinal()].get(),
        a[Outcome.BADVERS.ordinal()].get(),
        a[Outcome.DROPPED.ordinal()].get());
  }
}
