package io.mvpn.aodv;

import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The route discoveries this router runs (§6.3, §6.4): the RREQs it originates, the expanding ring
 * search with its retries, the datagrams held meanwhile (FIFO, at most {@link
 * MobilityRouter#MAX_BUFFERED} per destination), local repair (§6.12, one try from here after a
 * link break), and the re-request an originator sends ahead of its route's expiry.
 */
final class RouteDiscovery {

  /** How soon a RREQ held back by RREQ_RATELIMIT or the reboot hold is tried again. */
  private static final long HELD_RREQ_RETRY_MILLIS = 100;

  /** One destination being searched for. */
  private static final class Discovery {
    final Ipv4Address destination;
    final ArrayDeque<ByteBuf> buffered = new ArrayDeque<>();
    int ttl;
    int retries;
    Scheduler.Timer timer;

    /** A re-request ahead of expiry: asks for a number above the known one (§6.6.1). */
    boolean fresher;

    /** A local repair (§6.12): the broken route's hop count; -1 for an ordinary discovery. */
    int repairHops = -1;

    Discovery(Ipv4Address destination, int ttl) {
      this.destination = destination;
      this.ttl = ttl;
    }
  }

  private final RouterContext ctx;
  private final WeightedRingSearch weighted;
  private final Map<Ipv4Address, Discovery> discoveries = new HashMap<>();
  private final Map<Ipv4Address, Long> originating = new HashMap<>(); // last datagram sent, nanos

  RouteDiscovery(RouterContext ctx, WeightedRingSearch weighted) {
    this.ctx = ctx;
    this.weighted = weighted;
  }

  boolean isSearching(Ipv4Address destination) {
    return discoveries.containsKey(destination);
  }

  boolean isIdle() {
    return discoveries.isEmpty();
  }

  /** Starts a discovery for {@code destination} on a proxied node's behalf, unless one runs. */
  void searchFor(Ipv4Address destination) {
    if (!discoveries.containsKey(destination)) {
      startDiscovery(destination);
    }
  }

  /** A datagram we originate (or let into the site as its gateway) waits for its route. */
  void hold(Ipv4Address destination, Ipv4Packet packet) {
    Discovery d = discoveries.get(destination);
    if (d == null) {
      d = startDiscovery(destination);
    }
    buffer(d, packet);
  }

  /** §6.12: a datagram for a destination repaired here waits too; false if none is repaired. */
  boolean holdWhileRepairing(Ipv4Address destination, Ipv4Packet packet) {
    Discovery repairing = discoveries.get(destination);
    if (repairing == null || repairing.repairHops < 0) {
      return false;
    }
    buffer(repairing, packet);
    return true;
  }

  private void buffer(Discovery d, Ipv4Packet packet) {
    if (d.buffered.size() >= MobilityRouter.MAX_BUFFERED) {
      ctx.count(AodvCounter.DATA_DROPPED);
      return;
    }
    d.buffered.add(packet.buffer().retainedSlice(packet.offset(), packet.totalLength()));
    ctx.count(AodvCounter.DATA_BUFFERED);
  }

  /** A datagram of ours went out on a route: watched for the re-request, if that is on. */
  void originated(Ipv4Address destination, long now) {
    if (ctx.parameters().rerequestLeadMillis() > 0) {
      originating.put(destination, now);
    }
  }

  /** §6.4: the first ring is as wide as the last known hop count allows. */
  private Discovery startDiscovery(Ipv4Address destination) {
    AodvParameters p = ctx.parameters();
    Optional<RouteEntry> known = ctx.table.lookup(destination);
    int ttl =
        !p.expandingRingSearch()
            ? p.netDiameter()
            : known.map(e -> e.hopCount() + p.ttlIncrement()).orElse(p.ttlStart());
    Discovery d = new Discovery(destination, Math.min(ttl, p.netDiameter()));
    discoveries.put(destination, d);
    sendRreq(d);
    return d;
  }

  /** Searches again for every destination more than one hop away (after a handover, c37-38). */
  void rediscoverDistant() {
    for (RouteEntry e : ctx.table.routes()) {
      if (e.hopCount() > 1 && !discoveries.containsKey(e.destination())) {
        startDiscovery(e.destination());
      }
    }
  }

  /**
   * An originator whose route is still in use but runs out within RE-REQUEST lead asks for a
   * fresher one without waiting for expiry; data keeps the old route meanwhile.
   */
  void rerequest(long now) {
    AodvParameters p = ctx.parameters();
    long lead = TimeUnit.MILLISECONDS.toNanos(p.rerequestLeadMillis());
    long window = TimeUnit.MILLISECONDS.toNanos(p.activeRouteTimeoutMillis());
    Iterator<Map.Entry<Ipv4Address, Long>> it = originating.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Ipv4Address, Long> e = it.next();
      if (now - e.getValue() > window) {
        it.remove();
        continue;
      }
      Optional<RouteEntry> route = ctx.table.activeRoute(e.getKey(), now);
      if (route.isPresent()
          && route.get().expiresAtNanos() - now <= lead
          && !discoveries.containsKey(e.getKey())) {
        ctx.count(AodvCounter.REREQUESTS);
        Discovery d =
            new Discovery(
                e.getKey(),
                !p.expandingRingSearch()
                    ? p.netDiameter()
                    : Math.min(route.get().hopCount() + p.ttlIncrement(), p.netDiameter()));
        d.fresher = true;
        discoveries.put(e.getKey(), d);
        sendRreq(d);
      }
    }
  }

  private void sendRreq(Discovery d) {
    long now = ctx.now();
    if (ctx.rebootHolding()) {
      ctx.count(AodvCounter.REBOOT_HELD);
      d.timer = retryLater(d);
      return;
    }
    if (!ctx.mayOriginateRreq(now)) {
      ctx.count(AodvCounter.RREQ_RATE_LIMITED);
      d.timer = retryLater(d);
      return;
    }
    AodvParameters p = ctx.parameters();
    int ownSeq = ctx.nextOwnSeq();
    int rreqId = ctx.nextRreqId(now);
    Optional<RouteEntry> known = ctx.table.lookup(d.destination);
    boolean seqKnown = known.isPresent() && known.get().validSeq();
    RouteRequest rreq =
        new RouteRequest(
            (seqKnown ? 0 : RouteRequest.UNKNOWN_SEQUENCE)
                | (p.gratuitousRreps() ? RouteRequest.GRATUITOUS : 0),
            0,
            rreqId,
            d.destination,
            !seqKnown
                ? 0
                : d.fresher ? SequenceNumbers.increment(known.get().seq()) : known.get().seq(),
            ctx.self,
            ownSeq,
            List.of());
    if (p.weightedRingSearch()) {
      weighted.originate(rreq, d.ttl);
    } else {
      ctx.count(AodvCounter.RREQ_TRANSMISSIONS, ctx.broadcast(rreq, d.ttl));
    }
    ctx.count(AodvCounter.RREQ_SENT);
    long wait =
        d.ttl < p.netDiameter()
            ? p.ringTraversalTimeMillis(d.ttl)
            : p.netTraversalTimeMillis() << Math.min(d.retries, 16);
    d.timer = ctx.scheduler.schedule(wait, TimeUnit.MILLISECONDS, () -> timedOut(d));
  }

  private Scheduler.Timer retryLater(Discovery d) {
    return ctx.scheduler.schedule(HELD_RREQ_RETRY_MILLIS, TimeUnit.MILLISECONDS, () -> sendRreq(d));
  }

  /** No RREP in time: the next ring, a retry at NET_DIAMETER, or the end of the search. */
  private void timedOut(Discovery d) {
    if (discoveries.get(d.destination) != d) {
      return;
    }
    AodvParameters p = ctx.parameters();
    if (d.repairHops >= 0) {
      // §6.12: one try; then the RERR that the break would have sent.
      discoveries.remove(d.destination);
      ctx.count(AodvCounter.LOCAL_REPAIRS_FAILED);
      d.buffered.forEach(ByteBuf::release);
      ctx.count(AodvCounter.DATA_DROPPED);
      ctx.sendRerr(d.destination, false);
      ctx.proxied.discoveryEnded(d.destination);
      return;
    }
    if (d.ttl < p.netDiameter()) {
      d.ttl += p.ttlIncrement();
      if (d.ttl > p.ttlThreshold()) {
        d.ttl = p.netDiameter();
      }
    } else if (++d.retries > p.rreqRetries()) {
      discoveries.remove(d.destination);
      ctx.count(AodvCounter.DISCOVERIES_FAILED);
      for (ByteBuf b : d.buffered) {
        b.release();
        ctx.count(AodvCounter.DATA_DROPPED);
      }
      ctx.proxied.discoveryEnded(d.destination);
      return;
    }
    sendRreq(d);
  }

  /** §6.12: active routes through {@code neighbour} that others use, close enough to repair. */
  Map<Ipv4Address, Integer> repairable(Ipv4Address neighbour, long now) {
    Map<Ipv4Address, Integer> out = new HashMap<>();
    for (RouteEntry e : ctx.table.routes()) {
      if (e.isActive(now)
          && e.nextHop().equals(neighbour)
          && !e.precursors().isEmpty()
          && e.hopCount() <= ctx.parameters().maxRepairTtl()) {
        out.put(e.destination(), e.hopCount());
      }
    }
    return out;
  }

  /** §6.12: TTL = MIN_REPAIR_TTL (the last hop count) + LOCAL_ADD_TTL, destination number + 1. */
  void repair(Ipv4Address destination, int lastHops) {
    if (discoveries.containsKey(destination)) {
      return;
    }
    AodvParameters p = ctx.parameters();
    Discovery d = new Discovery(destination, Math.min(lastHops + p.localAddTtl(), p.netDiameter()));
    d.repairHops = lastHops;
    discoveries.put(destination, d);
    sendRreq(d);
  }

  /** A RREP gave us the route: the held datagrams go, a repair that got longer says so. */
  void found(Ipv4Address destination, long now) {
    Discovery d = discoveries.remove(destination);
    if (d == null) {
      return;
    }
    ctx.proxied.discoveryEnded(destination);
    if (d.timer != null) {
      d.timer.cancel();
    }
    ctx.count(AodvCounter.DISCOVERIES_SUCCEEDED);
    Optional<RouteEntry> route = ctx.table.activeRoute(destination, now);
    if (d.repairHops >= 0) {
      ctx.count(AodvCounter.LOCAL_REPAIRS);
      if (route.isPresent() && route.get().hopCount() > d.repairHops) {
        // §6.12: a longer path; upstream keeps its route (N) but may look for a better one.
        ctx.sendRerr(destination, true);
      }
    }
    for (ByteBuf b : d.buffered) {
      if (route.isPresent()) {
        ctx.transmit(route.get(), b);
        ctx.count(AodvCounter.DATA_FORWARDED);
      } else {
        b.release();
        ctx.count(AodvCounter.DATA_DROPPED);
      }
    }
  }

  /** The router stops: no timer fires any more, and the held datagrams are let go. */
  void stop() {
    for (Discovery d : discoveries.values()) {
      if (d.timer != null) {
        d.timer.cancel();
      }
      d.buffered.forEach(ByteBuf::release);
    }
    discoveries.clear();
  }
}
