package io.mvpn.aodv.route;

import java.util.concurrent.TimeUnit;

/**
 * The quiet period after a reboot (RFC 3561 §6.13). A rebooted node has lost its own sequence
 * number and the routes its neighbours may still use through it, so for DELETE_PERIOD it answers no
 * RREQ and forwards no RREP: by then every neighbour has expired the routes through it. Each data
 * packet it cannot forward in that time (it answers with a RERR) restarts the period, because the
 * sender evidently still holds such a route.
 */
public final class RebootHold {

  private final long deletePeriod;
  private long endsAt;

  /** A hold that starts at {@code bootTime}. */
  public RebootHold(RouteTimeouts timeouts, long bootTime) {
    deletePeriod = TimeUnit.MILLISECONDS.toNanos(timeouts.deletePeriodMillis());
    endsAt = bootTime + deletePeriod;
  }

  /** Whether route discovery and RREP forwarding must still stay silent at {@code now}. */
  public boolean isHolding(long now) {
    return now - endsAt < 0;
  }

  /**
   * Data arrived for a destination we have no route to while holding: the wait restarts at {@code
   * now} + DELETE_PERIOD. After the hold has ended this changes nothing.
   */
  public void dataWithoutRoute(long now) {
    if (isHolding(now)) {
      endsAt = now + deletePeriod;
    }
  }
}
