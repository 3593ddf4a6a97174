package io.mvpn.ike.sa;

/**
 * Timing and admission limits of an {@link IkeEngine}.
 *
 * @param retransmitMillis the first retransmission timeout; each next one doubles (RFC 7296 §2.1)
 * @param retransmitTries retransmissions before the peer is declared dead and the SA dropped
 * @param halfOpenCookieThreshold half-open responder SAs from which on every new IKE_SA_INIT must
 *     come with a cookie (§2.6); 0 asks for cookies always
 * @param rekey when the engine re-keys its SAs by itself
 */
public record EngineSettings(
    long retransmitMillis, int retransmitTries, int halfOpenCookieThreshold, RekeyPolicy rekey) {

  /** Without re-keys of its own. */
  public EngineSettings(long retransmitMillis, int retransmitTries, int halfOpenCookieThreshold) {
    this(retransmitMillis, retransmitTries, halfOpenCookieThreshold, RekeyPolicy.NEVER);
  }

  public EngineSettings {
    java.util.Objects.requireNonNull(rekey, "rekey");
    if (retransmitMillis <= 0 || retransmitTries < 0 || halfOpenCookieThreshold < 0) {
      throw new IllegalArgumentException(
          retransmitMillis + " ms, " + retransmitTries + " tries, " + halfOpenCookieThreshold);
    }
  }

  /**
   * 0.5 s doubling, 5 retransmissions (31.5 s in all), cookies from 100 half-open SAs, no re-keys
   * of its own.
   */
  public static EngineSettings defaults() {
    return new EngineSettings(500, 5, 100);
  }

  public EngineSettings withCookieThreshold(int halfOpen) {
    return new EngineSettings(retransmitMillis, retransmitTries, halfOpen, rekey);
  }

  public EngineSettings withRekey(RekeyPolicy policy) {
    return new EngineSettings(retransmitMillis, retransmitTries, halfOpenCookieThreshold, policy);
  }
}
