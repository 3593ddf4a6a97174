package io.mvpn.sam.kink;

import java.util.EnumMap;
import java.util.Map;

/** KINK messages refused by one receiver, by {@link KinkRefusal}: what the shell and tests read. */
public final class RefusalCounts {

  private final Map<KinkRefusal, Long> counts = new EnumMap<>(KinkRefusal.class);

  /** Counts one refusal. */
  public void count(KinkRefusal refusal) {
    counts.merge(refusal, 1L, Long::sum);
  }

  /** How many were refused for {@code refusal}. */
  public long of(KinkRefusal refusal) {
    return counts.getOrDefault(refusal, 0L);
  }

  /** All refusals so far, by reason. */
  public Map<KinkRefusal, Long> byReason() {
    return Map.copyOf(counts);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
