package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Seed 002's gratuitous refresh (c67-70), on when {@link AodvParameters#refreshLeadMillis()} is
 * above 0: the source of a RREP, destination or intermediate router, sends a gratuitous RREP toward
 * the RREQ's originator when the route it advertised runs out within the refresh lead and datagrams
 * still arrive along the path (one at least since the last RREP). It is unicast hop by hop on the
 * reverse route the session already uses (c70) and carries the Route Refresh extension.
 */
final class GratuitousRefresh {

  /** An originator and destination pair whose datagrams pass (or reach) this router. */
  private record Flow(Ipv4Address source, Ipv4Address destination) {}

  /** A route this router advertised in a RREP, as the originator's side sees it. */
  private static final class Advertised {
    /** When the originator's route runs out as far as we can tell: RREP Lifetime, data (§6.2). */
    long expiresAt;

    long lastRrepAt;
    long lastDataAt;

    Advertised(long expiresAt, long now) {
      this.expiresAt = expiresAt;
      this.lastRrepAt = now;
      this.lastDataAt = now - Long.MAX_VALUE / 4;
    }
  }

  private final RouterContext ctx;
  private final RrepSender rreps;
  private final Map<Flow, Advertised> advertised = new HashMap<>();

  GratuitousRefresh(RouterContext ctx, RrepSender rreps) {
    this.ctx = ctx;
    this.rreps = rreps;
  }

  /** We sent a RREP for this flow: watch it for the refresh, if that is on. */
  void advertised(Ipv4Address originator, Ipv4Address destination, long lifetimeMillis) {
    if (ctx.parameters().refreshLeadMillis() <= 0) {
      return;
    }
    long now = ctx.now();
    Flow f = new Flow(originator, destination);
    Advertised a = advertised.get(f);
    long expiresAt = now + TimeUnit.MILLISECONDS.toNanos(lifetimeMillis);
    if (a == null) {
      advertised.put(f, new Advertised(expiresAt, now));
    } else {
      a.expiresAt = expiresAt;
      a.lastRrepAt = now;
    }
  }

  /** Data of a flow we advertised a route for: its routes live ACTIVE_ROUTE_TIMEOUT more (§6.2). */
  void sawData(Ipv4Address source, Ipv4Address destination, long now) {
    if (advertised.isEmpty()) {
      return;
    }
    Advertised a = advertised.get(new Flow(source, destination));
    if (a != null) {
      a.lastDataAt = now;
      long used = now + TimeUnit.MILLISECONDS.toNanos(ctx.parameters().activeRouteTimeoutMillis());
      if (used - a.expiresAt > 0) {
        a.expiresAt = used;
      }
    }
  }

  /**
   * A datagram reached our own address over an AODV link: the VRF delivers it without passing the
   * router, so we only look. AODV's own messages are not data.
   */
  void delivered(Interface ingress, Ipv4Packet ip) {
    if (ip.destination() != ctx.self.toInt()
        || ingress == null
        || ctx.link(ingress.name()) == null
        || (ip.protocol() == IpProtocol.UDP
            && ip.payloadLength() >= 4
            && ip.buffer().getUnsignedShort(ip.payloadOffset() + 2) == AodvMessages.UDP_PORT)) {
      return;
    }
    long now = ctx.now();
    Ipv4Address source = Ipv4Address.of(ip.source());
    // §6.2 symmetry at the path's end: the way back is what a refresh RREP travels.
    ctx.table.refreshOnUse(source, now);
    sawData(source, ctx.self, now);
  }

  /** Sends the refreshes that are due; forgets flows whose routes are gone. */
  void refreshDue(long now) {
    if (advertised.isEmpty()) {
      return;
    }
    long lead = TimeUnit.MILLISECONDS.toNanos(ctx.parameters().refreshLeadMillis());
    Iterator<Map.Entry<Flow, Advertised>> it = advertised.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Flow, Advertised> e = it.next();
      Flow f = e.getKey();
      Advertised a = e.getValue();
      if (now - a.expiresAt >= 0) {
        it.remove(); // the originator's route is gone; a new discovery starts afresh
        continue;
      }
      boolean flowing = a.lastDataAt - a.lastRrepAt > 0;
      if (a.expiresAt - now > lead || !flowing) {
        continue;
      }
      boolean ours = f.destination().equals(ctx.self);
      Optional<RouteEntry> back = ctx.table.activeRoute(f.source(), now);
      Optional<RouteEntry> ahead =
          ours ? Optional.empty() : ctx.table.activeRoute(f.destination(), now);
      if (back.isEmpty() || (!ours && ahead.isEmpty())) {
        it.remove();
        continue;
      }
      long lifetime =
          ahead
              .map(r -> RrepSender.remainingMillis(r, now))
              .orElse(ctx.parameters().myRouteTimeoutMillis());
      RouteReply refresh =
          new RouteReply(
              0,
              0,
              ahead.map(RouteEntry::hopCount).orElse(0),
              f.destination(),
              ahead.map(RouteEntry::seq).orElse(ctx.ownSeq()),
              f.source(),
              lifetime,
              List.of(AodvExtension.routeRefresh()));
      ctx.table.addPrecursor(f.destination(), back.get().nextHop());
      a.lastRrepAt = now;
      a.expiresAt = now + TimeUnit.MILLISECONDS.toNanos(lifetime);
      // The way back lives as long as the route it prolongs, so the next refresh finds it.
      ctx.table.keepAlive(f.source(), a.expiresAt, now);
      rreps.send(refresh, back.get().nextHop());
      ctx.count(AodvCounter.REFRESH_RREP_SENT);
    }
  }
}
