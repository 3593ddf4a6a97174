package io.mvpn.net.link;

import java.time.Duration;

/**
 * What a link does to the datagrams it carries: one-way delay, jitter (a uniform extra delay of up
 * to this much), loss (probability per datagram and receiver), rate (bits per second; 0 for
 * unlimited) and MTU (bytes).
 */
public record LinkProperties(
    long delayNanos, long jitterNanos, double loss, long rateBitsPerSecond, int mtu) {

  public static final int ETHERNET_MTU = 1500;

  /** No delay, no loss, no rate limit, Ethernet's MTU. */
  public static final LinkProperties IDEAL = new LinkProperties(0, 0, 0, 0, ETHERNET_MTU);

  public LinkProperties {
    if (delayNanos < 0 || jitterNanos < 0 || rateBitsPerSecond < 0) {
      throw new IllegalArgumentException("delay, jitter and rate must not be negative");
    }
    if (!(loss >= 0 && loss <= 1)) {
      throw new IllegalArgumentException("loss " + loss + " is not a probability");
    }
    if (mtu < 68 || mtu > 65535) {
      throw new IllegalArgumentException("MTU " + mtu + " outside 68..65535 (RFC 791)");
    }
  }

  public LinkProperties withDelay(Duration delay) {
    return new LinkProperties(delay.toNanos(), jitterNanos, loss, rateBitsPerSecond, mtu);
  }

  public LinkProperties withJitter(Duration jitter) {
    return new LinkProperties(delayNanos, jitter.toNanos(), loss, rateBitsPerSecond, mtu);
  }

  public LinkProperties withLoss(double lossProbability) {
    return new LinkProperties(delayNanos, jitterNanos, lossProbability, rateBitsPerSecond, mtu);
  }

  public LinkProperties withRate(long bitsPerSecond) {
    return new LinkProperties(delayNanos, jitterNanos, loss, bitsPerSecond, mtu);
  }

  public LinkProperties withMtu(int bytes) {
    return new LinkProperties(delayNanos, jitterNanos, loss, rateBitsPerSecond, bytes);
  }
}
