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
}
