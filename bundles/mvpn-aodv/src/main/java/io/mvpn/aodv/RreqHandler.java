package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import java.util.List;
import java.util.Optional;

/**
 * A RREQ from a neighbour (§6.5, §6.6): the reverse route to its originator, then an answer if we
 * are the destination, reach it beyond the site as its gateway (seed 002 c14-15) or hold a fresh
 * enough route (as an intermediate router, with the gratuitous RREP of §6.6.3 if G is set), else
 * the RREQ travels on, within the forwarding limit and, with seed 002's weighted search, the ring's
 * weight budget.
 */
final class RreqHandler {

  private final RouterContext ctx;
  private final RrepSender rreps;
  private final WeightedRingSearch weighted;
  private final GratuitousRefresh refresh;

  RreqHandler(
      RouterContext ctx, RrepSender rreps, WeightedRingSearch weighted, GratuitousRefresh refresh) {
    this.ctx = ctx;
    this.rreps = rreps;
    this.weighted = weighted;
    this.refresh = refresh;
  }

  void onRreq(RouteRequest rreq, Ipv4Address sender, Interface ingress, int ipTtl, long now) {
    ctx.count(AodvCounter.RREQ_RECEIVED);
    if (rreq.originator().equals(ctx.self)
        || ctx.duplicates.isDuplicate(rreq.originator(), rreq.rreqId(), now)) {
      ctx.count(AodvCounter.RREQ_DUPLICATE);
      return;
    }
    if (!ctx.withinOriginatorRate(rreq.originator(), now)) {
      ctx.count(AodvCounter.RREQ_ORIGINATOR_RATE_LIMITED);
      return;
    }
    int hops = rreq.hopCount() + 1;
    ctx.table.refreshReverseRoute(
        new RouteUpdate(
            rreq.originator(), rreq.originatorSequence(), true, hops, sender, ingress.name(), 0),
        now);
    if (ctx.rebootHolding()) {
      ctx.count(AodvCounter.REBOOT_HELD);
      return; // §6.13: learn, but neither answer nor pass on
    }
    if (rreq.destination().equals(ctx.self)) {
      answerAsDestination(rreq, sender);
      return;
    }
    if (ctx.isGatewayFor(rreq.destination())) {
      answerAsGateway(rreq, sender);
      return;
    }
    if (ctx.proxied.contains(rreq.destination())) {
      answerAsProxy(rreq, sender);
      return;
    }
    Optional<RouteEntry> route = ctx.table.activeRoute(rreq.destination(), now);
    boolean fresh =
        route.isPresent()
            && route.get().validSeq()
            && (rreq.hasFlag(RouteRequest.UNKNOWN_SEQUENCE)
                || !SequenceNumbers.isStale(route.get().seq(), rreq.destinationSequence()));
    if (fresh && !rreq.hasFlag(RouteRequest.DESTINATION_ONLY)) {
      answerAsIntermediate(rreq, route.get(), sender, hops, now);
      return;
    }
    if (ipTtl > 1) {
      forward(rreq, route, ingress, hops, ipTtl, now);
    }
  }

  /** §6.6.1: our number catches up with what the originator asked for. */
  private void answerAsDestination(RouteRequest rreq, Ipv4Address sender) {
    if (!rreq.hasFlag(RouteRequest.UNKNOWN_SEQUENCE)) {
      ctx.catchUpOwnSeq(rreq.destinationSequence());
    }
    long lifetime = ctx.parameters().myRouteTimeoutMillis();
    rreps.send(
        new RouteReply(0, 0, 0, ctx.self, ctx.ownSeq(), rreq.originator(), lifetime, List.of()),
        sender);
    ctx.count(AodvCounter.RREP_SENT);
    refresh.advertised(rreq.originator(), ctx.self, lifetime);
  }

  /** c14-15: we reach it beyond the site; the RREQ's own number is fresh enough for it. */
  private void answerAsGateway(RouteRequest rreq, Ipv4Address sender) {
    rreps.send(
        new RouteReply(
            0,
            0,
            1,
            rreq.destination(),
            rreq.destinationSequence(),
            rreq.originator(),
            ctx.parameters().activeRouteTimeoutMillis(),
            List.of(AodvExtension.of(AodvExtension.GATEWAY, new byte[0]))),
        sender);
    ctx.count(AodvCounter.GATEWAY_RREP_SENT);
  }

  /** c57: for a node that speaks only DHCP, as that node would, one hop beyond us. */
  private void answerAsProxy(RouteRequest rreq, Ipv4Address sender) {
    long lifetime = ctx.parameters().myRouteTimeoutMillis();
    rreps.send(
        new RouteReply(
            0,
            0,
            1,
            rreq.destination(),
            ctx.proxied.answerSequence(rreq.destination(), rreq),
            rreq.originator(),
            lifetime,
            List.of()),
        sender);
    ctx.count(AodvCounter.PROXY_RREP_SENT);
  }

  /** §6.6.2 and, with G, §6.6.3. */
  private void answerAsIntermediate(
      RouteRequest rreq, RouteEntry route, Ipv4Address sender, int hopsToOriginator, long now) {
    long remaining = RrepSender.remainingMillis(route, now);
    ctx.table.addPrecursor(rreq.destination(), sender);
    ctx.table.addPrecursor(rreq.originator(), route.nextHop());
    rreps.send(
        new RouteReply(
            0,
            0,
            route.hopCount(),
            rreq.destination(),
            route.seq(),
            rreq.originator(),
            remaining,
            List.of()),
        sender);
    ctx.count(AodvCounter.RREP_SENT);
    refresh.advertised(rreq.originator(), rreq.destination(), remaining);
    if (rreq.hasFlag(RouteRequest.GRATUITOUS)) {
      long reverseLeft =
          ctx.table
              .activeRoute(rreq.originator(), now)
              .map(e -> RrepSender.remainingMillis(e, now))
              .orElse(0L);
      rreps.send(
          new RouteReply(
              0,
              0,
              hopsToOriginator,
              rreq.originator(),
              rreq.originatorSequence(),
              rreq.destination(),
              reverseLeft,
              List.of()),
          route.nextHop());
      ctx.count(AodvCounter.GRATUITOUS_RREP_SENT);
    }
  }

  /** §6.5: one hop more, the destination number the larger we know, the IP TTL one less. */
  private void forward(
      RouteRequest rreq,
      Optional<RouteEntry> route,
      Interface ingress,
      int hops,
      int ipTtl,
      long now) {
    if (!ctx.mayForwardRreq(now)) {
      ctx.count(AodvCounter.RREQ_FORWARD_RATE_LIMITED);
      return;
    }
    int destSeq =
        route.isPresent() && route.get().validSeq()
            ? SequenceNumbers.max(rreq.destinationSequence(), route.get().seq())
            : rreq.destinationSequence();
    RouteRequest forwarded =
        new RouteRequest(
            rreq.flags(),
            hops,
            rreq.rreqId(),
            rreq.destination(),
            destSeq,
            rreq.originator(),
            rreq.originatorSequence(),
            rreq.extensions());
    AodvExtension weight = rreq.extension(AodvExtension.WEIGHT_SUM);
    if (ctx.parameters().weightedRingSearch() && weight != null) {
      if (weighted.send(forwarded, ipTtl - 1, ingress, weight.weightBudget(), weight.weightSum())
          > 0) {
        ctx.count(AodvCounter.RREQ_FORWARDED);
      }
      return;
    }
    ctx.count(AodvCounter.RREQ_TRANSMISSIONS, ctx.broadcast(forwarded, ipTtl - 1));
    ctx.count(AodvCounter.RREQ_FORWARDED);
  }
}
