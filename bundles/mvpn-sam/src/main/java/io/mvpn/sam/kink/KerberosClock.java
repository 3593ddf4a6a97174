package io.mvpn.sam.kink;

import io.mvpn.api.time.Scheduler;
import java.util.concurrent.TimeUnit;

/**
 * Kerberos time on a scheduler: authenticators, tickets and SA lifetimes are wall-clock times (RFC
 * 4120 §5.2.3), while engines may only read their scheduler. The wall clock is the scheduler's
 * clock plus the Unix time its origin stood for, so virtual time moves tickets and authenticators
 * forward exactly as it moves timers.
 *
 * @param unixMillisAtOrigin the Unix time, in milliseconds, at the scheduler's nanoTime 0
 */
public record KerberosClock(Scheduler time, long unixMillisAtOrigin) {

  /** The clock of a production scheduler: its origin is now minus what it has counted. */
  public static KerberosClock of(Scheduler time, long unixMillisNow) {
    return new KerberosClock(time, unixMillisNow - TimeUnit.NANOSECONDS.toMillis(time.nanoTime()));
  }

  /** Unix time in milliseconds. */
  public long unixMillis() {
    return unixMillisAtOrigin + TimeUnit.NANOSECONDS.toMillis(time.nanoTime());
  }

  /** Unix time in microseconds, for an authenticator's ctime and cusec. */
  public long unixMicros() {
    return unixMillisAtOrigin * 1000 + TimeUnit.NANOSECONDS.toMicros(time.nanoTime());
  }
}
