package io.mvpn.mobilenode;

import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.mip.MipConstants;

/**
 * 64-bit NTP timestamp identifications (RFC 5944 §5.7) as a node sends them to one peer: seconds,
 * adjusted by the peer's time once a 133 taught it, and the fraction of the second, so a node that
 * starts over (a new engine after an update) still goes above what its predecessor sent; strictly
 * increasing within one instant. Registrations and binding updates both use them.
 */
public final class TimestampIdentifications {

  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private long skewSeconds; // the peer's time minus ours, learnt from a 133
  private long last;

  public TimestampIdentifications(Scheduler scheduler, long epochOffsetNanos) {
    this.scheduler = scheduler;
    this.epochOffsetNanos = epochOffsetNanos;
  }

  /** The next identification. */
  public long next() {
    // One reading for both halves: read twice, a thread preempted across a second boundary would
    // put the next second's count over this second's fraction, an identification nearly a second
    // ahead of the clock, which a successor engine's first request then falls below (133).
    long now = scheduler.nanoTime();
    long unixNanos = now + epochOffsetNanos;
    long seconds = MipConstants.ntpSeconds(now, epochOffsetNanos) + skewSeconds;
    long fraction = (Math.floorMod(unixNanos, 1_000_000_000L) << 32) / 1_000_000_000L;
    long id = (seconds << 32) | fraction;
    if (Long.compareUnsigned(id, last) <= 0) {
      id = last + 1;
    }
    last = id;
    return id;
  }

  /**
   * Adopts the peer's time from the high 32 bits of a 133's identification; returns the skew. What
   * was sent on another skew says nothing about the peer's clock, so the floor starts over then;
   * with the skew unchanged it stays, so the retry goes above every identification sent.
   */
  public long adoptPeerTime(long identification) {
    long ours = MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
    long skew = (identification >>> 32) - ours;
    if (skew != skewSeconds) {
      skewSeconds = skew;
      last = 0;
    }
    return skewSeconds;
  }
}
