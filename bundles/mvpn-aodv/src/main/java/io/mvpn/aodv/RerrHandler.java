package io.mvpn.aodv;

import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.route.UnreachableDestination;
import io.mvpn.api.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routes that break, in the three cases of §6.11: (i) the link to a next hop is lost, (ii) data
 * arrives for a destination we have no active route to, (iii) a neighbour's RERR lists destinations
 * we route through it. Each invalidates what it must and tells the precursors with a RERR; in case
 * (i) a destination close enough is repaired locally instead when that is on (§6.12).
 */
final class RerrHandler {

  private final RouterContext ctx;
  private final RouteDiscovery discovery;
  private final SinkHandover handover;

  RerrHandler(RouterContext ctx, RouteDiscovery discovery, SinkHandover handover) {
    this.ctx = ctx;
    this.discovery = discovery;
    this.handover = handover;
  }

  /** (i): the neighbour went silent; its routes break, or are repaired from here. */
  void linkBroken(Ipv4Address neighbour, long now) {
    Map<Ipv4Address, Integer> repairable =
        ctx.parameters().localRepair() ? discovery.repairable(neighbour, now) : Map.of();
    List<UnreachableDestination> unreachable = new ArrayList<>();
    for (UnreachableDestination u : ctx.table.linkBroken(neighbour, now)) {
      Integer hops = repairable.get(u.destination());
      if (hops != null) {
        discovery.repair(u.destination(), hops);
      } else {
        unreachable.add(u);
      }
    }
    if (!unreachable.isEmpty()) {
      ctx.sendRerr(unreachable, false);
    }
  }

  /** (ii): someone routes data through us that we cannot carry. */
  void noRoute(Ipv4Address destination, long now) {
    ctx.dataWithoutRoute(now); // §6.13: someone still routes through us
    ctx.sendRerr(destination, false);
  }

  /** (iii): a RERR from a neighbour; the routes through it to the listed destinations end. */
  void onRerr(RouteError rerr, Ipv4Address sender, long now) {
    ctx.count(AodvCounter.RERR_RECEIVED);
    if (handover.refusedBy(rerr)) {
      return;
    }
    boolean quiet = ctx.rebootHolding();
    if (rerr.noDelete()) {
      return; // §6.12: repaired upstream on a longer path; the route stays
    }
    List<UnreachableDestination> listed = new ArrayList<>();
    for (RouteError.Unreachable u : rerr.destinations()) {
      listed.add(new UnreachableDestination(u.address(), u.sequence()));
    }
    List<UnreachableDestination> lost = ctx.table.invalidateFromRerr(sender, listed, now);
    if (!lost.isEmpty() && !quiet) {
      ctx.sendRerr(lost, false);
    }
  }
}
