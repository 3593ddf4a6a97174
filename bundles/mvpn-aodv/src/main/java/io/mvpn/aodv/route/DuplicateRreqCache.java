package io.mvpn.aodv.route;

import io.mvpn.api.Ipv4Address;
import java.util.concurrent.TimeUnit;

/**
 * The (originator, RREQ ID) pairs seen within PATH_DISCOVERY_TIME (RFC 3561 §6.3, §6.5): a RREQ
 * that arrives again over another path is dropped instead of flooded a second time.
 */
public final class DuplicateRreqCache {

  private record Key(Ipv4Address originator, int rreqId) {}

  private final ExpiringSet<Key> seen;

  public DuplicateRreqCache(RouteTimeouts timeouts) {
    seen = new ExpiringSet<>(TimeUnit.MILLISECONDS.toNanos(timeouts.pathDiscoveryTimeMillis()));
  }

  /**
   * Whether the RREQ is a duplicate; if not, remembers it from {@code now} on. One call per
   * received RREQ, and one for each RREQ this node originates (§6.3).
   */
  public boolean isDuplicate(Ipv4Address originator, int rreqId, long now) {
    Key key = new Key(originator, rreqId);
    if (seen.contains(key, now)) {
      return true;
    }
    seen.add(key, now);
    return false;
  }

  /** How many pairs are remembered at {@code now}. */
  public int size(long now) {
    return seen.size(now);
  }
}
