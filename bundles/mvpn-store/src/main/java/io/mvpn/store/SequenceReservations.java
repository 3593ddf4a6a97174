package io.mvpn.store;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Per-SA sequence number reservations in memory, as the SA stores keep them: one only rises, except
 * when an orderly stop {@linkplain #set sets} it to what was used. Thread-safe.
 *
 * @param <K> how the store names an SA
 */
final class SequenceReservations<K> {

  private final Map<K, Long> byKey = new HashMap<>();

  /** Raises a reservation; true if it rose. */
  synchronized boolean raise(K key, long upTo) {
    Long was = byKey.get(key);
    if (was != null && Long.compareUnsigned(was, upTo) >= 0) {
      return false;
    }
    byKey.put(key, upTo);
    return true;
  }

  /** Sets a reservation, lower or higher. */
  synchronized void set(K key, long value) {
    byKey.put(key, value);
  }

  /** The reservation: 0 if none was made. */
  synchronized long get(K key) {
    return byKey.getOrDefault(key, 0L);
  }

  /** Forgets the reservations {@code which} names; true if there were any. */
  synchronized boolean removeIf(Predicate<K> which) {
    return byKey.keySet().removeIf(which);
  }
}
