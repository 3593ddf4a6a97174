package io.mvpn.aodv;

import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Neighbours and the links to them (§6.9): any message proves a link and gives a route to its
 * sender; a neighbour silent for ALLOWED_HELLO_LOSS x HELLO_INTERVAL is gone, and its routes break
 * (§6.11 (i)); while we take part in routing, a Hello goes out whenever we were silent a
 * HELLO_INTERVAL.
 */
final class NeighbourMonitor {

  private final RouterContext ctx;
  private final RouteDiscovery discovery;
  private final RerrHandler rerrs;

  NeighbourMonitor(RouterContext ctx, RouteDiscovery discovery, RerrHandler rerrs) {
    this.ctx = ctx;
    this.discovery = discovery;
    this.rerrs = rerrs;
  }

  /** Any message from a neighbour proves the link and gives a route to it (§6.2, §6.9). */
  void heard(Ipv4Address neighbour, Interface ingress, long now) {
    AodvParameters p = ctx.parameters();
    ctx.neighbours.put(neighbour, now);
    ctx.table.updateFrom(
        RouteUpdate.neighbour(
            neighbour,
            ingress.name(),
            Math.max(p.activeRouteTimeoutMillis(), p.allowedHelloLoss() * p.helloIntervalMillis())),
        now);
  }

  /** One look at the links, when Hellos are on: lost neighbours, then our own Hello if due. */
  void check(long now) {
    AodvParameters p = ctx.parameters();
    if (!p.helloMessages()) {
      return;
    }
    long silence = TimeUnit.MILLISECONDS.toNanos(p.allowedHelloLoss() * p.helloIntervalMillis());
    List<Ipv4Address> lost = new ArrayList<>();
    ctx.neighbours.forEach(
        (n, heard) -> {
          if (now - heard > silence) {
            lost.add(n);
          }
        });
    for (Ipv4Address n : lost) {
      ctx.neighbours.remove(n);
      ctx.count(AodvCounter.LINK_BREAKS);
      rerrs.linkBroken(n, now);
    }
    long interval = TimeUnit.MILLISECONDS.toNanos(p.helloIntervalMillis());
    if (now - ctx.lastBroadcast() >= interval && hasActiveRoutes(now)) {
      ctx.broadcast(
          RouteReply.hello(
              ctx.self, ctx.ownSeq(), p.helloIntervalMillis(), p.allowedHelloLoss(), false),
          1);
      ctx.count(AodvCounter.HELLO_SENT);
    }
  }

  /**
   * §6.9 asks for Hellos only from nodes on an active route. A destination cannot tell from its
   * table that data still reaches it (delivery does not pass the router), so any active route
   * counts: neighbours of a working path keep hearing each other.
   */
  private boolean hasActiveRoutes(long now) {
    for (RouteEntry e : ctx.table.routes()) {
      if (e.isActive(now)) {
        return true;
      }
    }
    return !discovery.isIdle();
  }
}
