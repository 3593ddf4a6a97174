package io.mvpn.aodv;

import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * RREPs on their way hop by hop, and the acknowledgements that guard them (§5.4, §6.7, §6.8). Every
 * RREP this router sends, answered, forwarded, gratuitous or seed 002's, goes to one neighbour with
 * IP TTL 1. With {@link AodvParameters#rrepAcks()} on, each asks for a RREP-ACK; a neighbour that
 * stays silent for NEXT_HOP_WAIT is blacklisted, and its RREQs are ignored for BLACKLIST_TIMEOUT.
 */
final class RrepSender {

  private final RouterContext ctx;
  private final Map<Ipv4Address, Scheduler.Timer> awaitingAck = new HashMap<>();

  RrepSender(RouterContext ctx) {
    this.ctx = ctx;
  }

  /** To a neighbour over the link our route to it uses; ignored when we have none. */
  void send(RouteReply rrep, Ipv4Address neighbour) {
    Interface via =
        ctx.table.lookup(neighbour).map(e -> ctx.link(e.networkInterface())).orElse(null);
    if (via == null) {
      ctx.count(AodvCounter.IGNORED);
      return;
    }
    if (ctx.parameters().rrepAcks() && rrep.hopCount() < 255) {
      rrep = askForAck(rrep, neighbour);
    }
    ctx.sendOn(via, rrep, neighbour.toInt(), 1);
  }

  /** The neighbour acknowledged our last RREP: the link works both ways. */
  void acknowledged(Ipv4Address sender) {
    ctx.count(AodvCounter.RREP_ACK_RECEIVED);
    Scheduler.Timer t = awaitingAck.remove(sender);
    if (t != null) {
      t.cancel();
    }
  }

  /** §6.8: RREQs from a blacklisted neighbour are ignored. */
  boolean ignoresRreqsFrom(Ipv4Address sender, long now) {
    return ctx.blacklist.contains(sender, now);
  }

  private RouteReply askForAck(RouteReply rrep, Ipv4Address neighbour) {
    Scheduler.Timer old = awaitingAck.remove(neighbour);
    if (old != null) {
      old.cancel();
    }
    awaitingAck.put(
        neighbour,
        ctx.scheduler.schedule(
            ctx.parameters().nextHopWaitMillis(),
            TimeUnit.MILLISECONDS,
            () -> {
              awaitingAck.remove(neighbour);
              ctx.blacklist.add(neighbour, ctx.now());
              ctx.count(AodvCounter.BLACKLISTED);
            }));
    return new RouteReply(
        rrep.flags() | RouteReply.ACK_REQUIRED,
        rrep.prefixSize(),
        rrep.hopCount(),
        rrep.destination(),
        rrep.destinationSequence(),
        rrep.originator(),
        rrep.lifetimeMillis(),
        rrep.extensions());
  }

  /** The remaining lifetime of a route at {@code now}, in whole milliseconds, for a RREP. */
  static long remainingMillis(RouteEntry route, long now) {
    return Math.max(0, (route.expiresAtNanos() - now) / 1_000_000L);
  }
}
