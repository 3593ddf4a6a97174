package io.mvpn.api.ipsec;

import java.util.Objects;

/**
 * How long an SA may live (RFC 4301 §4.4.2.1): in bytes of inner data, in packets and in seconds
 * from its installation. Reaching a soft limit asks for new keys while the SA still works; reaching
 * a hard one ends it.
 */
public record SaLifetime(Limit bytes, Limit packets, Limit seconds) {

  /** A soft and a hard limit; {@link Long#MAX_VALUE} is none. */
  public record Limit(long soft, long hard) {

    public static final Limit NONE = new Limit(Long.MAX_VALUE, Long.MAX_VALUE);

    public Limit {
      if (soft <= 0 || soft > hard) {
        throw new IllegalArgumentException(
            "limits must be positive, the soft one at most the hard one: " + soft + " " + hard);
      }
    }
  }

  public static final SaLifetime UNLIMITED = new SaLifetime(Limit.NONE, Limit.NONE, Limit.NONE);

  public SaLifetime {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(packets, "packets");
    Objects.requireNonNull(seconds, "seconds");
  }

  /** Only a time limit, as a key exchange's local policy usually sets one. */
  public static SaLifetime seconds(long soft, long hard) {
    return new SaLifetime(Limit.NONE, Limit.NONE, new Limit(soft, hard));
  }

  /**
   * When the hard limit in seconds ends for an SA installed at {@code installedAtNanos} (any clock
   * in nanoseconds, wall-clock for stored SAs); {@link Long#MAX_VALUE} for never.
   */
  public long hardExpiry(long installedAtNanos) {
    long hard = seconds.hard();
    if (hard >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    long at = installedAtNanos + hard * 1_000_000_000L;
    return at < installedAtNanos ? Long.MAX_VALUE : at;
  }

  /**
   * The lifetime left after {@code elapsedNanos} (an SA restored from a store): seconds shortened,
   * a passed soft limit due at once (in a second), at least a second before the hard one.
   */
  public SaLifetime remainingAfter(long elapsedNanos) {
    if (seconds.hard() == Long.MAX_VALUE) {
      return this;
    }
    long elapsed = Math.max(0, elapsedNanos / 1_000_000_000L);
    long hard = Math.max(1, seconds.hard() - elapsed);
    long soft =
        seconds.soft() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, seconds.soft() - elapsed);
    return new SaLifetime(bytes, packets, new Limit(Math.min(soft, hard), hard));
  }
}
