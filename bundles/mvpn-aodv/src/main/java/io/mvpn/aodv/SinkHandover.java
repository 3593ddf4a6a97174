package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Seed 002's proactive handover between sinks (c26-39), on all three sides. The mobile node asks a
 * new sink to take it over with a Sink Request Hello; the new sink sends its direct route to the
 * node, with the node's number + 1, along the old path to the old sink; the old sink confirms to
 * the node, which then leaves the old link and asks its peers for shorter routes. If the old sink
 * cannot be reached, the new sink says so and the node looks for its peers at once.
 */
final class SinkHandover {

  /** A new sink's handover in progress for one node: waiting for a route toward the old sink. */
  private record Pending(Ipv4Address node, int seq, Ipv4Address oldSink, String link) {}

  /** What our route to a node said before its Sink Request made it our neighbour. */
  record Before(int seq, boolean validSeq, Ipv4Address nextHop, boolean active) {
    static Before of(RouteEntry e, long now) {
      return new Before(e.seq(), e.validSeq(), e.nextHop(), e.isActive(now));
    }
  }

  private final RouterContext ctx;
  private final RouteDiscovery discovery;
  private final RrepSender rreps;
  private final Map<Ipv4Address, Pending> pending = new HashMap<>();
  private Ipv4Address leavingSink; // on a mobile node: the sink it is leaving
  private Interface leavingLink;

  SinkHandover(RouterContext ctx, RouteDiscovery discovery, RrepSender rreps) {
    this.ctx = ctx;
    this.discovery = discovery;
    this.rreps = rreps;
  }

  /** A Hello from the node itself carrying the Sink Request extension (c27). */
  static boolean isSinkRequest(AodvMessage message, Ipv4Address sender) {
    return message instanceof RouteReply
        && ((RouteReply) message).extension(AodvExtension.SINK_REQUEST) != null
        && ((RouteReply) message).destination().equals(sender);
  }

  /** A RREP carrying the Handover extension: the new sink's route travelling the old path. */
  static boolean isHandoverUpdate(AodvMessage message) {
    return message instanceof RouteReply
        && ((RouteReply) message).extension(AodvExtension.HANDOVER) != null;
  }

  /** Our route to the node before its Hello changes it, or null (c29). */
  Before before(Ipv4Address node, long now) {
    return ctx.table.lookup(node).map(e -> Before.of(e, now)).orElse(null);
  }

  /**
   * Mobile node side (c27): the node hears a new sink on {@code newLink} and asks it to take over,
   * with the sequence number of its last RREP through the old sink.
   */
  void handoverTo(String newLink, Ipv4Address oldSink, String oldLink) {
    Interface via = Objects.requireNonNull(ctx.link(newLink), newLink);
    leavingSink = oldSink;
    leavingLink = ctx.link(oldLink);
    via.setUp(true);
    int seq = ctx.ownSeq();
    // The new sink will advertise seq + 1 for us; our own number follows (§6.1 stays monotonic).
    ctx.nextOwnSeq();
    AodvParameters p = ctx.parameters();
    RouteReply hello =
        new RouteReply(
            0,
            0,
            0,
            ctx.self,
            seq,
            ctx.self,
            p.allowedHelloLoss() * p.helloIntervalMillis(),
            List.of(AodvExtension.of(AodvExtension.SINK_REQUEST, bytes(oldSink))));
    ctx.sendOn(via, hello, RouterContext.LIMITED_BROADCAST, 1);
    ctx.count(AodvCounter.HANDOVER_REQUESTED);
  }

  /** New sink side (c28-30): take the node over. {@code prior} is our route to it before. */
  void onSinkRequest(
      RouteReply hello, Before prior, Ipv4Address node, Interface ingress, long now) {
    ctx.count(AodvCounter.HANDOVER_RECEIVED);
    Ipv4Address oldSink = address(hello.extension(AodvExtension.SINK_REQUEST).data());
    int seq = hello.destinationSequence();
    int newSeq = SequenceNumbers.increment(seq);
    if (prior != null
        && prior.validSeq()
        && prior.seq() == seq
        && !prior.nextHop().equals(node)
        && prior.active()) {
      // c29: we already route to the node, through the old sink: update that path at once.
      takeOver(node, newSeq, oldSink, ingress, prior.nextHop(), now);
      return;
    }
    // c30: ask for the node's route with its number; the old sink or a router on its path answers.
    Pending waiting = new Pending(node, seq, oldSink, ingress.name());
    pending.put(node, waiting);
    AodvParameters p = ctx.parameters();
    ctx.table.updateFrom(
        new RouteUpdate(node, newSeq, true, 1, node, ingress.name(), p.myRouteTimeoutMillis()),
        now);
    int rreqId = ctx.nextRreqId(now);
    RouteRequest rreq =
        new RouteRequest(0, 0, rreqId, node, seq, ctx.self, ctx.nextOwnSeq(), List.of());
    for (Interface i : ctx.links()) {
      if (i != ingress && i.isUp()) {
        ctx.sendOn(i, rreq, RouterContext.LIMITED_BROADCAST, p.netDiameter());
      }
    }
    ctx.count(AodvCounter.RREQ_SENT);
    ctx.scheduler.schedule(
        p.netTraversalTimeMillis(),
        TimeUnit.MILLISECONDS,
        () -> {
          if (pending.remove(node, waiting)) {
            // c35: the old sink cannot be reached; the node must look for its peers itself.
            ctx.count(AodvCounter.HANDOVER_FAILED);
            ctx.sendOn(
                ingress,
                new RouteError(
                    0,
                    List.of(new RouteError.Unreachable(oldSink, 0)),
                    List.of(AodvExtension.of(AodvExtension.HANDOVER_DONE, new byte[0]))),
                node.toInt(),
                1);
          }
        });
  }

  /**
   * New sink (c31): a RREP to our c30 RREQ came back along the old path; that path gets our direct
   * route with the new number (c32). Whether the RREP was one.
   */
  boolean oldPathAnswered(RouteReply rrep, Ipv4Address sender, long now) {
    Pending waiting = pending.get(rrep.destination());
    if (waiting == null || !rrep.originator().equals(ctx.self) || sender.equals(waiting.node())) {
      return false;
    }
    pending.remove(rrep.destination());
    takeOver(
        waiting.node(),
        SequenceNumbers.increment(waiting.seq()),
        waiting.oldSink(),
        ctx.link(waiting.link()),
        sender,
        now);
    return true;
  }

  /** c32: our route to the node (direct, seq + 1) travels toward the old sink along its path. */
  private void takeOver(
      Ipv4Address node,
      int newSeq,
      Ipv4Address oldSink,
      Interface ingress,
      Ipv4Address toward,
      long now) {
    long lifetime = ctx.parameters().myRouteTimeoutMillis();
    ctx.table.updateFrom(
        new RouteUpdate(node, newSeq, true, 1, node, ingress.name(), lifetime), now);
    rreps.send(
        new RouteReply(
            0,
            0,
            1,
            node,
            newSeq,
            oldSink,
            lifetime,
            List.of(AodvExtension.of(AodvExtension.HANDOVER, bytes(oldSink)))),
        toward);
    ctx.count(AodvCounter.HANDOVER_UPDATES_SENT);
  }

  /**
   * A router on the old path, or the old sink (c33-35): take the new route to the node and pass the
   * update on along the old one; the old sink confirms to the node through the new sink.
   */
  void onHandoverUpdate(RouteReply rrep, Ipv4Address sender, Interface ingress, long now) {
    Ipv4Address node = rrep.destination();
    Before old = before(node, now);
    boolean updated =
        ctx.table.updateFromRrep(
            new RouteUpdate(
                node,
                rrep.destinationSequence(),
                true,
                rrep.hopCount() + 1,
                sender,
                ingress.name(),
                rrep.lifetimeMillis()),
            now);
    if (!updated) {
      ctx.count(AodvCounter.STALE);
      return;
    }
    ctx.count(AodvCounter.HANDOVER_UPDATES_RECEIVED);
    boolean oldSink =
        ctx.self.equals(rrep.originator()) || old == null || old.nextHop().equals(node);
    if (!oldSink) {
      rreps.send(rrep.withHopCount(rrep.hopCount() + 1), old.nextHop());
      return;
    }
    // c34-35: we forward to the new sink from now on, and tell the node it worked.
    rreps.send(
        new RouteReply(
            0,
            0,
            0,
            ctx.self,
            ctx.ownSeq(),
            node,
            ctx.parameters().myRouteTimeoutMillis(),
            List.of(AodvExtension.of(AodvExtension.HANDOVER_DONE, new byte[0]))),
        sender);
    ctx.count(AodvCounter.HANDOVER_CONFIRMED);
  }

  /**
   * Mobile node (c36-39): a RREP to us with Handover Done is the old sink's confirmation; we
   * forward through the new sink, leave the old link, then shorten the routes to our peers.
   */
  void confirmedBy(RouteReply rrep, long now) {
    if (!rrep.originator().equals(ctx.self)
        || rrep.extension(AodvExtension.HANDOVER_DONE) == null
        || leavingSink == null) {
      return;
    }
    ctx.count(AodvCounter.HANDOVER_COMPLETED);
    leavingSink = null;
    if (leavingLink != null) {
      leavingLink.setUp(false);
      for (Ipv4Address n : neighboursOn(leavingLink)) {
        ctx.table.linkBroken(n, now);
        ctx.neighbours.remove(n);
      }
      leavingLink = null;
    }
    discovery.rediscoverDistant(); // c38: our originator number is the new one
  }

  /**
   * Mobile node (c37): a RERR with Handover Done while we wait is the new sink's word that the old
   * sink is out of reach; we ask for the active peers at once and keep the old link. Whether the
   * RERR was one.
   */
  boolean refusedBy(RouteError rerr) {
    if (leavingSink == null || rerr.extension(AodvExtension.HANDOVER_DONE) == null) {
      return false;
    }
    leavingSink = null;
    leavingLink = null;
    ctx.count(AodvCounter.HANDOVER_FAILED);
    discovery.rediscoverDistant();
    return true;
  }

  private List<Ipv4Address> neighboursOn(Interface link) {
    return ctx.table.routes().stream()
        .filter(e -> e.hopCount() == 1 && link.name().equals(e.networkInterface()))
        .map(RouteEntry::destination)
        .toList();
  }

  private static byte[] bytes(Ipv4Address a) {
    int v = a.toInt();
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static Ipv4Address address(byte[] b) {
    if (b.length != 4) {
      return Ipv4Address.of(0);
    }
    return Ipv4Address.of(
        ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
  }
}
