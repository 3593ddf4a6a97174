package io.mvpn.aodv.pki;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The PKI hellos a sink has taken lately, so the same signed bytes are not taken twice. A hello's
 * timestamp must be within the window of the sink's clock; inside the window the (signer, nonce)
 * pairs seen are kept, at most {@code capacity} of them. When full, the oldest is forgotten and its
 * timestamp becomes a floor: nothing at or before it is taken any more, so forgetting never lets a
 * replay through. Only hellos whose signature verified are recorded: forgeries cannot fill it.
 */
public final class ReplayCache {

  /** What {@link #accept} decided. */
  public enum Verdict {
    FRESH,
    /** Seen before. */
    REPLAYED,
    /** Outside the window, or at or before the floor of forgotten hellos. */
    STALE
  }

  private record Seen(String signer, long nonce, long timestamp) {}

  private final long windowMillis;
  private final int capacity;
  private final Set<Seen> seen = new HashSet<>();
  private final PriorityQueue<Seen> byAge =
      new PriorityQueue<>((a, b) -> Long.compare(a.timestamp, b.timestamp));
  private long floor = Long.MIN_VALUE;

  public ReplayCache(long windowMillis, int capacity) {
    if (windowMillis <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("window " + windowMillis + " ms, capacity " + capacity);
    }
    this.windowMillis = windowMillis;
    this.capacity = capacity;
  }

  /** Takes the hello of {@code signer} (its certificate's fingerprint) if it is fresh. */
  public Verdict accept(String signer, long timestamp, long nonce, long nowMillis) {
    while (!byAge.isEmpty() && byAge.peek().timestamp < nowMillis - windowMillis) {
      seen.remove(byAge.poll());
    }
    if (timestamp < nowMillis - windowMillis
        || timestamp > nowMillis + windowMillis
        || timestamp <= floor) {
      return Verdict.STALE;
    }
    Seen s = new Seen(signer, nonce, timestamp);
    if (seen.contains(s)) {
      return Verdict.REPLAYED;
    }
    if (seen.size() >= capacity) {
      Seen oldest = byAge.poll();
      seen.remove(oldest);
      floor = Math.max(floor, oldest.timestamp);
      if (timestamp <= floor) {
        return Verdict.STALE;
      }
    }
    seen.add(s);
    byAge.add(s);
    return Verdict.FRESH;
  }

  public int size() {
    return seen.size();
  }
}
