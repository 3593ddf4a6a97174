package io.mvpn.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupEvent;
import io.mvpn.api.workgroup.WorkgroupListener;
import io.mvpn.api.workgroup.WorkgroupService;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The realm-indexed workgroup filter at one tenant's ingress security gateway (seed 002 c2, c6): a
 * datagram from another realm arrives in an IP-IP tunnel whose source is the initiator's gateway
 * public address. That address is the index that says which realm the inner source address belongs
 * to, so the same private address in two tenants is two different initiators. A unidirectional
 * stream is admitted only if (tunnel source, inner source) names a member that shares a workgroup
 * with the inner destination in this tenant.
 *
 * <p>The table is rebuilt from the membership model on every change (changes are rare, checks are
 * per packet) and swapped in whole, so a check is two or three hash lookups on an immutable map and
 * never sees a half-made table. Thread-safe.
 */
public final class WorkgroupFilter implements AutoCloseable {

  /** What the filter decided for a datagram. */
  public enum Verdict {
    ADMIT,
    /** The tunnel source is no member's gateway: not from the workgroup system at all. */
    UNKNOWN_GATEWAY,
    /** The inner source is not a member behind that gateway (a spoofed or stray source). */
    UNKNOWN_INITIATOR,
    /** The initiator shares no workgroup with the inner destination here. */
    NOT_PERMITTED
  }

  private final MvpnId tenant;
  private final WorkgroupService directory;
  private final WorkgroupListener listener = this::changed;
  private final AtomicLongArray counts = new AtomicLongArray(Verdict.values().length);
  // tunnel source -> inner source -> admitted inner destinations in this tenant
  private volatile Map<Integer, Map<Integer, Set<Integer>>> table = Map.of();

  public WorkgroupFilter(MvpnId tenant, WorkgroupService directory) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.directory = Objects.requireNonNull(directory, "directory");
    directory.addListener(listener);
    rebuild();
  }

  public MvpnId tenant() {
    return tenant;
  }

  /** Decides for one datagram and counts the verdict. */
  public Verdict check(int tunnelSource, int innerSource, int innerDestination) {
    Verdict v = decide(tunnelSource, innerSource, innerDestination);
    counts.incrementAndGet(v.ordinal());
    return v;
  }

  public Verdict check(Ipv4Address tunnelSource, Ipv4Address innerSource, Ipv4Address target) {
    return check(tunnelSource.toInt(), innerSource.toInt(), target.toInt());
  }

  private Verdict decide(int tunnelSource, int innerSource, int innerDestination) {
    Map<Integer, Set<Integer>> realm = table.get(tunnelSource);
    if (realm == null) {
      return Verdict.UNKNOWN_GATEWAY;
    }
    Set<Integer> targets = realm.get(innerSource);
    if (targets == null) {
      return Verdict.UNKNOWN_INITIATOR;
    }
    return targets.contains(innerDestination) ? Verdict.ADMIT : Verdict.NOT_PERMITTED;
  }

  public long count(Verdict verdict) {
    return counts.get(verdict.ordinal());
  }

  public Map<Verdict, Long> counts() {
    Map<Verdict, Long> m = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      m.put(v, counts.get(v.ordinal()));
    }
    return m;
  }

  /** The table as the shell shows it: tunnel source -> inner source -> admitted targets. */
  public Map<Ipv4Address, Map<Ipv4Address, Set<Ipv4Address>>> entries() {
    Map<Ipv4Address, Map<Ipv4Address, Set<Ipv4Address>>> view = new HashMap<>();
    table.forEach(
        (gw, realm) -> {
          Map<Ipv4Address, Set<Ipv4Address>> r = new HashMap<>();
          realm.forEach(
              (src, dsts) -> {
                Set<Ipv4Address> d = new HashSet<>();
                dsts.forEach(x -> d.add(Ipv4Address.of(x)));
                r.put(Ipv4Address.of(src), d);
              });
          view.put(Ipv4Address.of(gw), r);
        });
    return view;
  }

  @Override
  public void close() {
    directory.removeListener(listener);
  }

  private void changed(WorkgroupEvent event) {
    rebuild();
  }

  /**
   * One entry per (initiator in another tenant, target here) pair that shares a workgroup. Members
   * of this tenant reach each other inside their own realm, not through the filter.
   */
  private synchronized void rebuild() {
    // A gateway address names one realm (c3); one claimed by two tenants indexes nothing.
    Map<Integer, MvpnId> realmOf = new HashMap<>();
    Set<Integer> ambiguous = new HashSet<>();
    for (Member m : directory.members()) {
      MvpnId other = realmOf.putIfAbsent(m.gatewayAddress().toInt(), m.id().tenant());
      if (other != null && !other.equals(m.id().tenant())) {
        ambiguous.add(m.gatewayAddress().toInt());
      }
    }
    Map<Integer, Map<Integer, Set<Integer>>> next = new HashMap<>();
    for (Member target : directory.members()) {
      if (!target.id().tenant().equals(tenant)) {
        continue;
      }
      for (Member initiator : directory.visibleTo(target.id())) {
        MemberId from = initiator.id();
        if (from.tenant().equals(tenant)
            || ambiguous.contains(initiator.gatewayAddress().toInt())
            || !directory.permits(from, target.id())) {
          continue;
        }
        next.computeIfAbsent(initiator.gatewayAddress().toInt(), g -> new HashMap<>())
            .computeIfAbsent(from.privateAddress().toInt(), s -> new HashSet<>())
            .add(target.id().privateAddress().toInt());
      }
    }
    // Immutable copies: readers on other threads see a whole table or the previous one.
    Map<Integer, Map<Integer, Set<Integer>>> frozen = new HashMap<>();
    next.forEach(
        (gw, realm) -> {
          Map<Integer, Set<Integer>> r = new HashMap<>();
          realm.forEach((src, dsts) -> r.put(src, Set.copyOf(dsts)));
          frozen.put(gw, Map.copyOf(r));
        });
    table = Map.copyOf(frozen);
  }
}
