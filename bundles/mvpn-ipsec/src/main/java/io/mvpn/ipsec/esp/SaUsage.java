package io.mvpn.ipsec.esp;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What an SA has carried against its lifetime (RFC 4301 §4.4.2.1): packets and bytes, and the clock
 * the limits in seconds run on. Not thread-safe: every call holds its SA's lock.
 */
final class SaUsage {

  private long packets;
  private long bytes;
  private Lifetime lifetime = Lifetime.UNLIMITED;
  private LongSupplier clock = () -> 0L;
  private long createdNanos;
  private boolean timed; // a limit in seconds: the clock is read once per packet
  private boolean softExpired;

  /** New limits, counted from now on {@code clockNanos}. */
  void limit(Lifetime lifetime, LongSupplier clockNanos) {
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.clock = Objects.requireNonNull(clockNanos, "clockNanos");
    this.createdNanos = clockNanos.getAsLong();
    this.timed = lifetime.softNanos() != Long.MAX_VALUE || lifetime.hardNanos() != Long.MAX_VALUE;
    this.softExpired = false;
  }

  long packets() {
    return packets;
  }

  long bytes() {
    return bytes;
  }

  Lifetime lifetime() {
    return lifetime;
  }

  boolean softExpired() {
    return softExpired;
  }

  /** The clock now. */
  long now() {
    return clock.getAsLong();
  }

  /** The clock for a packet's lifetime checks; not read at all when no limit is in seconds. */
  long packetClock() {
    return timed ? clock.getAsLong() : createdNanos;
  }

  boolean hardExpired(long now) {
    return packets >= lifetime.hardPackets()
        || bytes >= lifetime.hardBytes()
        || now - createdNanos >= lifetime.hardNanos();
  }

  /** Counts a packet; true when it crossed a soft limit (the SA's listener is then due, once). */
  boolean count(int dataBytes, long now) {
    packets++;
    bytes += dataBytes;
    if (!softExpired
        && (packets >= lifetime.softPackets()
            || bytes >= lifetime.softBytes()
            || now - createdNanos >= lifetime.softNanos())) {
      softExpired = true;
      return true;
    }
    return false;
  }
}
