package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteReplyAck;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A RREP from a neighbour (§6.7): acknowledged first if it asks (§5.4); a Hello only proves the
 * link (§6.9); otherwise the forward route is created or improved, and the RREP either ends a
 * discovery of ours or travels on along the reverse route, precursors noted both ways. Seed 002's
 * refresh RREP prolongs an unchanged route (c67-70); its handover replies go to {@link
 * SinkHandover}.
 */
final class RrepHandler {

  private final RouterContext ctx;
  private final RrepSender rreps;
  private final RouteDiscovery discovery;
  private final SinkHandover handover;

  RrepHandler(
      RouterContext ctx, RrepSender rreps, RouteDiscovery discovery, SinkHandover handover) {
    this.ctx = ctx;
    this.rreps = rreps;
    this.discovery = discovery;
    this.handover = handover;
  }

  void onRrep(RouteReply rrep, Ipv4Address sender, Interface ingress, long now) {
    if (rrep.hasFlag(RouteReply.ACK_REQUIRED)) {
      // §5.4: the link works this way round; say so before anything else.
      ctx.sendOn(ingress, RouteReplyAck.INSTANCE, sender.toInt(), 1);
      ctx.count(AodvCounter.RREP_ACK_SENT);
    }
    if (rrep.hopCount() == 0 && rrep.destination().equals(sender) && isHello(rrep)) {
      ctx.count(AodvCounter.HELLO_RECEIVED);
      return; // hearing the neighbour already refreshed its route
    }
    ctx.count(AodvCounter.RREP_RECEIVED);
    if (handover.oldPathAnswered(rrep, sender, now)) {
      return;
    }
    handover.confirmedBy(rrep, now);
    int hops = rrep.hopCount() + 1;
    RouteUpdate update =
        new RouteUpdate(
            rrep.destination(),
            rrep.destinationSequence(),
            true,
            hops,
            sender,
            ingress.name(),
            rrep.lifetimeMillis());
    boolean updated = ctx.table.updateFromRrep(update, now);
    boolean refreshed = rrep.extension(AodvExtension.ROUTE_REFRESH) != null;
    if (!updated && refreshed && ctx.table.refreshFromRrep(update, now)) {
      // Seed 002 c67-70: the same route, prolonged by the source of the RREP that made it.
      ctx.count(AodvCounter.REFRESH_RREP_RECEIVED);
      updated = true;
    }
    if (!updated) {
      // §6.7: only a RREP that created or improved the forward route travels on; a stale or
      // longer one (old sequence number, forged or late) stops here.
      ctx.count(AodvCounter.STALE);
      return;
    }
    if (ctx.rebootHolding()) {
      ctx.count(AodvCounter.REBOOT_HELD);
      return; // §6.13: the route is learnt; the RREP goes no further
    }
    if (rrep.originator().equals(ctx.self)) {
      // A refresh answers a re-request too: the route is good again.
      discovery.found(rrep.destination(), now);
      return;
    }
    forward(rrep, sender, hops, refreshed, now);
  }

  /** §6.7: precursors both ways, and the reverse route lives ACTIVE_ROUTE_TIMEOUT more. */
  private void forward(RouteReply rrep, Ipv4Address sender, int hops, boolean refreshed, long now) {
    Optional<RouteEntry> reverse = ctx.table.activeRoute(rrep.originator(), now);
    if (reverse.isEmpty()) {
      ctx.count(AodvCounter.IGNORED);
      return;
    }
    ctx.table.addPrecursor(rrep.destination(), reverse.get().nextHop());
    ctx.table.addPrecursor(rrep.originator(), sender);
    ctx.table.refreshOnUse(rrep.originator(), now);
    if (refreshed) {
      // Seed 002 c70: the session's path lives on both ways, as long as the refreshed route.
      ctx.table.keepAlive(
          rrep.originator(), now + TimeUnit.MILLISECONDS.toNanos(rrep.lifetimeMillis()), now);
    }
    rreps.send(rrep.withHopCount(hops), reverse.get().nextHop());
    ctx.count(AodvCounter.RREP_FORWARDED);
  }

  /** A Hello is a RREP our neighbour sends about itself with IP TTL 1 (§6.9). */
  static boolean isHello(RouteReply rrep) {
    return rrep.originator().equals(rrep.destination()) || rrep.helloIntervalMillis().isPresent();
  }
}
