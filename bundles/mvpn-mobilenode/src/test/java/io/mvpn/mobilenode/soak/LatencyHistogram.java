package io.mvpn.mobilenode.soak;

/**
 * Latencies in buckets of 100 µs up to 60 s (beyond: the last bucket), so that a million of them
 * take no more heap than one: a soak must not measure its own growth.
 */
final class LatencyHistogram {

  static final long BUCKET_NANOS = 100_000L;
  private final long[] counts = new long[600_000];
  private long total;
  private long max;

  void record(long nanos) {
    counts[(int) Math.min(counts.length - 1, Math.max(0, nanos) / BUCKET_NANOS)]++;
    total++;
    max = Math.max(max, nanos);
  }

  long count() {
    return total;
  }

  long maxNanos() {
    return max;
  }

  /** The upper edge of the bucket that holds the {@code q} quantile (0 < q <= 1), in ns. */
  long quantileNanos(double q) {
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank && seen > 0) {
        return (i + 1) * BUCKET_NANOS;
      }
    }
    return 0;
  }
}
