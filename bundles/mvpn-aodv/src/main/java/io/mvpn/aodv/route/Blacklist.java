package io.mvpn.aodv.route;

import io.mvpn.api.Ipv4Address;
import java.util.concurrent.TimeUnit;

/**
 * Neighbours over a unidirectional link (RFC 3561 §6.8): a RREP sent to them was not acknowledged,
 * so their RREQs are ignored for BLACKLIST_TIMEOUT.
 */
public final class Blacklist {

  private final ExpiringSet<Ipv4Address> neighbours;

  public Blacklist(RouteTimeouts timeouts) {
    neighbours =
        new ExpiringSet<>(TimeUnit.MILLISECONDS.toNanos(timeouts.blacklistTimeoutMillis()));
  }

  /** Blacklists the neighbour from {@code now} for BLACKLIST_TIMEOUT (again, if it was). */
  public void add(Ipv4Address neighbour, long now) {
    neighbours.add(neighbour, now);
  }

  /** Whether RREQs from the neighbour must be ignored at {@code now}. */
  public boolean contains(Ipv4Address neighbour, long now) {
    return neighbours.contains(neighbour, now);
  }

  public int size(long now) {
    return neighbours.size(now);
  }
}
