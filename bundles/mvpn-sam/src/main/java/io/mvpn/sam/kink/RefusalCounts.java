package io.mvpn.sam.kink;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * KINK messages refused by one receiver, by {@link KinkRefusal}: what the shell and tests read. A
 * counter per reason is taken once; with a {@link CounterStore} they live there, as {@code
 * refused-<reason>} in the receiver's scope, so a new receiver goes on from them.
 */
public final class RefusalCounts {

  private final Map<KinkRefusal, Counter> counts = new EnumMap<>(KinkRefusal.class);

  /** Counts of the receiver's own. */
  public RefusalCounts() {
    this(null, null);
  }

  /** Counts in {@code store} (if not null), in {@code scope}. */
  public RefusalCounts(CounterStore store, String scope) {
    for (KinkRefusal r : KinkRefusal.values()) {
      counts.put(
          r,
          Counter.of(
              store, scope, "refused-" + r.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
  }

  /** Counts one refusal. */
  public void count(KinkRefusal refusal) {
    counts.get(refusal).increment();
  }

  /** How many were refused for {@code refusal}. */
  public long of(KinkRefusal refusal) {
    return counts.get(refusal).get();
  }

  /** All refusals so far, by reason: the reasons seen at least once. */
  public Map<KinkRefusal, Long> byReason() {
    Map<KinkRefusal, Long> seen = new EnumMap<>(KinkRefusal.class);
    counts.forEach(
        (reason, counter) -> {
          long n = counter.get();
          if (n > 0) {
            seen.put(reason, n);
          }
        });
    return Map.copyOf(seen);
  }

  public long total() {
    return counts.values().stream().mapToLong(Counter::get).sum();
  }
}
