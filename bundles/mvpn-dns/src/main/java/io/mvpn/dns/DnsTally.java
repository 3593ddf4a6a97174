package io.mvpn.dns;

import io.mvpn.api.workgroup.MemberId;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The zone's counts, in total and by the asker's tenant ({@code ""} for a source that is no
 * member): each query is counted once in both, so the tenants' counts add up to the totals. An
 * increment is a lock-free add; a tenant's adders are made on its first query.
 */
final class DnsTally {

  /** The asker tenant of a query from a source that is no member. */
  static final String NO_TENANT = "";

  enum Outcome {
    QUERY,
    ANSWER,
    NODATA,
    NXDOMAIN,
    REFUSED,
    FORMERR,
    NOTIMP,
    BADVERS,
    DROPPED
  }

  private final LongAdder[] total = adders();
  private final Map<String, LongAdder[]> byTenant = new ConcurrentHashMap<>();

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[Outcome.values().length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void count(MemberId asker, Outcome outcome) {
    total[outcome.ordinal()].increment();
    String tenant = asker == null ? NO_TENANT : asker.tenant().value();
    LongAdder[] mine = byTenant.get(tenant);
    if (mine == null) {
      mine = byTenant.computeIfAbsent(tenant, t -> adders());
    }
    mine[outcome.ordinal()].increment();
  }

  DnsCounters counters() {
    return counters(total);
  }

  /** By asker tenant, in id order. */
  Map<String, DnsCounters> byTenant() {
    Map<String, DnsCounters> out = new TreeMap<>();
    byTenant.forEach((tenant, adders) -> out.put(tenant, counters(adders)));
    return out;
  }

  private static DnsCounters counters(LongAdder[] a) {
    return new DnsCounters(
        a[Outcome.QUERY.ordinal()].sum(),
        a[Outcome.ANSWER.ordinal()].sum(),
        a[Outcome.NODATA.ordinal()].sum(),
        a[Outcome.NXDOMAIN.ordinal()].sum(),
        a[Outcome.REFUSED.ordinal()].sum(),
        a[Outcome.FORMERR.ordinal()].sum(),
        a[Outcome.NOTIMP.ordinal()].sum(),
        a[Outcome.BADVERS.ordinal()].sum(),
        a[Outcome.DROPPED.ordinal()].sum());
  }
}
