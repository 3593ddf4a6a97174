package io.mvpn.ike.sa;

import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * When an engine re-keys by itself (RFC 7296 §2.8): soft lifetimes after which it re-keys the IKE
 * SAs and Child SAs it holds, at either end, whoever created them. Each lifetime is shortened by a
 * random part of the jitter, so that two ends with the same settings rarely re-key the same SA at
 * once, as strongSwan's rand_time does.
 *
 * @param ikeSeconds IKE SA lifetime before its re-key, 0 for never
 * @param childSeconds Child SA lifetime before its re-key, 0 for never
 * @param jitterSeconds up to how much earlier each re-key comes; less than each non-zero lifetime
 * @param pfsGroup the D-H group of a Child SA re-key for perfect forward secrecy, 0 for none
 */
public record RekeyPolicy(long ikeSeconds, long childSeconds, long jitterSeconds, int pfsGroup) {

  /** Never re-key by itself: only on request (and the peer's re-keys are answered anyway). */
  public static final RekeyPolicy NEVER = new RekeyPolicy(0, 0, 0, 0);

  public RekeyPolicy {
    if (ikeSeconds < 0 || childSeconds < 0 || jitterSeconds < 0 || pfsGroup < 0) {
      throw new IllegalArgumentException(
          ikeSeconds + " s, " + childSeconds + " s, jitter " + jitterSeconds + " s");
    }
    if ((ikeSeconds != 0 && jitterSeconds >= ikeSeconds)
        || (childSeconds != 0 && jitterSeconds >= childSeconds)) {
      throw new IllegalArgumentException("jitter " + jitterSeconds + " s is not below a lifetime");
    }
  }

  /** strongSwan's defaults: IKE SAs after 4 h, Child SAs after 1 h, up to 6 min earlier. */
  public static RekeyPolicy defaults() {
    return new RekeyPolicy(4 * 3600, 3600, 360, 0);
  }

  /** Milliseconds until an IKE SA made now is re-keyed, or -1 for never. */
  long ikeDelayMillis(RandomGenerator random) {
    return delayMillis(ikeSeconds, random);
  }

  /** Milliseconds until a Child SA made now is re-keyed, or -1 for never. */
  long childDelayMillis(RandomGenerator random) {
    return delayMillis(childSeconds, random);
  }

  private long delayMillis(long lifetime, RandomGenerator random) {
    if (lifetime == 0) {
      return -1;
    }
    long jitter =
        jitterSeconds == 0 ? 0 : random.nextLong(TimeUnit.SECONDS.toMillis(jitterSeconds));
    return TimeUnit.SECONDS.toMillis(lifetime) - jitter;
  }
}
