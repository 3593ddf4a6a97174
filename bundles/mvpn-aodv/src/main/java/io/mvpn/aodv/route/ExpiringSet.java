package io.mvpn.aodv.route;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set whose members leave a fixed time after they were last added. Every member has the same
 * lifetime, so insertion order is expiry order and purging stops at the first live member: the cost
 * per call is the number of members that expired, not the set size.
 */
final class ExpiringSet<K> {

  private final long lifetimeNanos;
  private final LinkedHashMap<K, Long> expiries = new LinkedHashMap<>();

  ExpiringSet(long lifetimeNanos) {
    if (lifetimeNanos <= 0) {
      throw new IllegalArgumentException("lifetime must be positive, not " + lifetimeNanos);
    }
    this.lifetimeNanos = lifetimeNanos;
  }

  /** Adds or re-adds the member; it stays until {@code now} + lifetime. */
  void add(K member, long now) {
    purge(now);
    expiries.remove(member); // re-insert at the tail to keep insertion order = expiry order
    expiries.put(member, now + lifetimeNanos);
  }

  boolean contains(K member, long now) {
    purge(now);
    return expiries.containsKey(member);
  }

  int size(long now) {
    purge(now);
    return expiries.size();
  }

  private void purge(long now) {
    Iterator<Map.Entry<K, Long>> it = expiries.entrySet().iterator();
    while (it.hasNext() && now - it.next().getValue() >= 0) {
      it.remove();
    }
  }
}
