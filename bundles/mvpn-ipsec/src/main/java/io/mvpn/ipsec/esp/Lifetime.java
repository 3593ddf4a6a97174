package io.mvpn.ipsec.esp;

import io.mvpn.api.ipsec.SaLifetime;

/**
 * Soft and hard lifetimes of an SA (RFC 4301 §4.4.2.1) in bytes of inner data, packets and seconds.
 * Reaching a soft limit asks for a re-key while the SA keeps working; reaching a hard limit ends
 * it. {@link Long#MAX_VALUE} means no limit.
 */
public record Lifetime(
    long softBytes,
    long hardBytes,
    long softPackets,
    long hardPackets,
    long softSeconds,
    long hardSeconds) {

  public static final Lifetime UNLIMITED =
      new Lifetime(
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          Long.MAX_VALUE);

  public Lifetime {
    check("bytes", softBytes, hardBytes);
    check("packets", softPackets, hardPackets);
    check("seconds", softSeconds, hardSeconds);
  }

  /** Only a time limit, as IKE usually negotiates it. */
  public static Lifetime seconds(long soft, long hard) {
    return new Lifetime(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, soft, hard);
  }

  public static Lifetime packets(long soft, long hard) {
    return new Lifetime(Long.MAX_VALUE, Long.MAX_VALUE, soft, hard, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  public static Lifetime bytes(long soft, long hard) {
    return new Lifetime(soft, hard, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** The same limits as the api's value, for SAs that other functions store or hand over. */
  public static Lifetime of(SaLifetime l) {
    return new Lifetime(
        l.bytes().soft(),
        l.bytes().hard(),
        l.packets().soft(),
        l.packets().hard(),
        l.seconds().soft(),
        l.seconds().hard());
  }

  /** These limits as the api's value. */
  public SaLifetime toSaLifetime() {
    return new SaLifetime(
        new SaLifetime.Limit(softBytes, hardBytes),
        new SaLifetime.Limit(softPackets, hardPackets),
        new SaLifetime.Limit(softSeconds, hardSeconds));
  }

  long hardNanos() {
    return hardSeconds >= Long.MAX_VALUE / 1_000_000_000L
        ? Long.MAX_VALUE
        : hardSeconds * 1_000_000_000L;
  }

  long softNanos() {
    return softSeconds >= Long.MAX_VALUE / 1_000_000_000L
        ? Long.MAX_VALUE
        : softSeconds * 1_000_000_000L;
  }

  private static void check(String what, long soft, long hard) {
    if (soft <= 0 || hard <= 0) {
      throw new IllegalArgumentException(what + " lifetimes must be positive");
    }
    if (soft > hard) {
      throw new IllegalArgumentException(
          "soft " + what + " lifetime " + soft + " exceeds the hard one " + hard);
    }
  }
}
