package io.mvpn.net;

import io.mvpn.api.time.Scheduler;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket for the ICMP errors one VRF sends (RFC 1812 §4.3.2.8): a burst, then a steady
 * rate, as Linux's icmp_ratelimit does. A flood of undeliverable datagrams then costs a counter
 * each rather than an error each, and the appliance does not turn bad input into as much output
 * toward whatever source the bad input claims. On the VRF's scheduler only.
 */
final class IcmpErrorLimiter {

  /** Errors sent back to back before the rate applies. */
  static final int BURST = 100;

  /** Errors per second once the burst is spent. */
  static final int PER_SECOND = 1000;

  private static final long NANOS_PER_TOKEN = TimeUnit.SECONDS.toNanos(1) / PER_SECOND;

  private final Scheduler scheduler;
  private long tokens = BURST;
  private long refilledAt;
  private long suppressed;

  IcmpErrorLimiter(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.refilledAt = scheduler.nanoTime();
  }

  /** Whether one more error may go now; if not, it is counted as suppressed. */
  boolean tryAcquire() {
    long now = scheduler.nanoTime();
    long earned = (now - refilledAt) / NANOS_PER_TOKEN;
    if (earned > 0) {
      tokens = Math.min(BURST, tokens + earned);
      refilledAt += earned * NANOS_PER_TOKEN;
    }
    if (tokens == 0) {
      suppressed++;
      return false;
    }
    tokens--;
    return true;
  }

  long suppressed() {
    return suppressed;
  }
}
