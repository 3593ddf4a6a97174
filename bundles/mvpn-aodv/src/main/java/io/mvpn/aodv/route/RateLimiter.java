package io.mvpn.aodv.route;

import java.util.concurrent.TimeUnit;

/**
 * At most N events in any window of one second, the bound RREQ_RATELIMIT and RERR_RATELIMIT put on
 * originated messages (RFC 3561 §6.3, §6.11). A sliding window, not a per-second bucket: a burst of
 * N at the end of one second and N at the start of the next would double the RFC's rate.
 *
 * <p>It keeps the times of the last N granted events in a ring; an event is granted when fewer than
 * N were granted in the window before it.
 */
public final class RateLimiter {

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long[] granted;
  private int oldest;
  private int count;

  /** A limiter allowing {@code perSecond} events per sliding second. */
  public RateLimiter(int perSecond) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, not " + perSecond);
    }
    granted = new long[perSecond];
  }

  /** Whether an event may happen at {@code now}; if so it is counted. */
  public boolean tryAcquire(long now) {
    if (count == granted.length) {
      if (now - granted[oldest] < WINDOW_NANOS) {
        return false;
      }
      oldest = (oldest + 1) % granted.length;
      count--;
    }
    granted[(oldest + count) % granted.length] = now;
    count++;
    return true;
  }
}
