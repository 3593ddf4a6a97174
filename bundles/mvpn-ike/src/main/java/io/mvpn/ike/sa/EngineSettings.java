package io.mvpn.ike.sa;

/**
 * Timing and admission limits of an {@link IkeEngine}.
 *
 * @param retransmitMillis the first retransmission timeout; each next one doubles (RFC 7296 §2.1)
 * @param retransmitTries retransmissions before the peer is declared dead and the SA dropped
 * @param halfOpenCookieThreshold half-open responder SAs from which on every new IKE_SA_INIT must
 *     come with a cookie (§2.6); 0 asks for cookies always
 * @param rekey when the engine re-keys its SAs by itself
 * @param fragmentSize the largest IP datagram (IPv4 and UDP headers included) an encrypted message
 *     may take before it is sent in IKE fragments (RFC 7383); 0 neither announces nor uses
 *     fragmentation
 */
public record EngineSettings(
    long retransmitMillis,
    int retransmitTries,
    int halfOpenCookieThreshold,
    RekeyPolicy rekey,
    int fragmentSize) {

  /**
   * The default fragment size: strongSwan's default too. RFC 7383 §2.5.1 recommends 1280 bytes for
   * IPv6 and, when nothing is known of the path, 576 for IPv4: lower it where IPv4 paths are small.
   */
  public static final int DEFAULT_FRAGMENT_SIZE = 1280;

  /** The smallest fragment size: room for headers and an AEAD tag with some payload left. */
  public static final int MIN_FRAGMENT_SIZE = 256;

  public EngineSettings {
    java.util.Objects.requireNonNull(rekey, "rekey");
    if (retransmitMillis <= 0 || retransmitTries < 0 || halfOpenCookieThreshold < 0) {
      throw new IllegalArgumentException(
          retransmitMillis + " ms, " + retransmitTries + " tries, " + halfOpenCookieThreshold);
    }
    if (fragmentSize != 0 && (fragmentSize < MIN_FRAGMENT_SIZE || fragmentSize > 65535)) {
      throw new IllegalArgumentException("fragment size " + fragmentSize);
    }
  }

  /** With IKE fragments of {@link #DEFAULT_FRAGMENT_SIZE} bytes. */
  public EngineSettings(
      long retransmitMillis, int retransmitTries, int halfOpenCookieThreshold, RekeyPolicy rekey) {
    this(retransmitMillis, retransmitTries, halfOpenCookieThreshold, rekey, DEFAULT_FRAGMENT_SIZE);
  }

  /** Without re-keys of its own, with IKE fragments of {@link #DEFAULT_FRAGMENT_SIZE} bytes. */
  public EngineSettings(long retransmitMillis, int retransmitTries, int halfOpenCookieThreshold) {
    this(retransmitMillis, retransmitTries, halfOpenCookieThreshold, RekeyPolicy.NEVER);
  }

  /**
   * 0.5 s doubling, 5 retransmissions (31.5 s in all), cookies from 100 half-open SAs, no re-keys
   * of its own.
   */
  public static EngineSettings defaults() {
    return new EngineSettings(500, 5, 100);
  }

  public EngineSettings withCookieThreshold(int halfOpen) {
    return new EngineSettings(retransmitMillis, retransmitTries, halfOpen, rekey, fragmentSize);
  }

  public EngineSettings withRekey(RekeyPolicy policy) {
    return new EngineSettings(
        retransmitMillis, retransmitTries, halfOpenCookieThreshold, policy, fragmentSize);
  }

  /** IKE fragments of at most {@code bytes} per IP datagram; 0 turns fragmentation off. */
  public EngineSettings withFragmentSize(int bytes) {
    return new EngineSettings(
        retransmitMillis, retransmitTries, halfOpenCookieThreshold, rekey, bytes);
  }

  /** Whether the engine announces IKEV2_FRAGMENTATION_SUPPORTED and fragments when it may. */
  public boolean fragmentation() {
    return fragmentSize > 0;
  }
}
