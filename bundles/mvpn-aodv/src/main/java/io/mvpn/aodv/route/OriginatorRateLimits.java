package io.mvpn.aodv.route;

import io.mvpn.api.Ipv4Address;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RREQ_RATELIMIT applied by the routers that receive a node's RREQs (RFC 3561 §6.3 binds only the
 * originator): a node that originates more than that per second breaks the RFC, and what it sends
 * beyond is dropped here instead of rebroadcast and answered. A node within the limit never loses a
 * RREQ to it. The originators tracked are the most recently heard ones, at most {@code capacity}: a
 * flood under ever new originator addresses costs memory up to that bound (and meets the router's
 * overall forwarding cap).
 */
public final class OriginatorRateLimits {

  private final int perSecond;
  private final Map<Ipv4Address, RateLimiter> byOriginator;

  public OriginatorRateLimits(int perSecond, int capacity) {
    this.perSecond = perSecond;
    this.byOriginator =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Ipv4Address, RateLimiter> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Whether a RREQ of {@code originator} received at {@code now} is within its rate; counted. */
  public boolean withinRate(Ipv4Address originator, long now) {
    return byOriginator
        .computeIfAbsent(originator, o -> new RateLimiter(perSecond))
        .tryAcquire(now);
  }

  /** How many originators are tracked. */
  public int size() {
    return byOriginator.size();
  }
}
