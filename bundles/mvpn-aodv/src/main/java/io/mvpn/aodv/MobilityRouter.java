package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteReplyAck;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One AODV mobility router (RFC 3561) on a VRF: it answers and forwards route requests, replies and
 * errors on UDP 654 over its AODV interfaces, and forwards data itself. The VRF's default route
 * points at the router's {@code aodv0} interface, so every datagram without a more specific route
 * comes here: with an active route it goes to the next hop (and keeps the route alive, §6.2),
 * without one it is buffered while a discovery runs (expanding ring search, §6.4) if this router
 * originated it, or answered with a RERR otherwise (§6.11). Links are watched with Hellos (§6.9).
 *
 * <p>This class binds the router to its VRF and hands each message to the handler of its kind, as
 * AODV-UU does: {@link RreqHandler}, {@link RrepHandler} (with {@link RrepSender} for RREP-ACKs and
 * the blacklist), {@link RerrHandler}, {@link NeighbourMonitor}, {@link RouteDiscovery}, {@link
 * DataForwarding}, and seed 002's {@link SinkHandover}, {@link GratuitousRefresh} and {@link
 * WeightedRingSearch}; they share one {@link RouterContext}.
 *
 * <p>Runs on the VRF's scheduler; not thread-safe.
 */
public final class MobilityRouter {

  /** Datagrams held per destination while its route is discovered (§6.3: FIFO). */
  public static final int MAX_BUFFERED = 64;

  /** Rebroadcast RREQs allowed per second, as a multiple of RREQ_RATELIMIT, unless configured. */
  public static final int DEFAULT_FORWARD_FACTOR = AodvParameters.DEFAULT_FORWARD_FACTOR;

  private final RouterContext ctx;
  private final RrepSender rreps;
  private final WeightedRingSearch weighted;
  private final RouteDiscovery discovery;
  private final GratuitousRefresh refresh;
  private final SinkHandover handover;
  private final RreqHandler rreqs;
  private final RrepHandler rrepHandler;
  private final RerrHandler rerrs;
  private final NeighbourMonitor neighbourMonitor;
  private final DataForwarding data;
  private final List<Registration> registrations = new ArrayList<>();
  private Scheduler.Timer housekeeping;

  public MobilityRouter(
      Ipv4Address self, Vrf vrf, List<Interface> aodvInterfaces, AodvParameters parameters) {
    ctx = new RouterContext(self, vrf, aodvInterfaces, parameters);
    rreps = new RrepSender(ctx);
    weighted = new WeightedRingSearch(ctx);
    discovery = new RouteDiscovery(ctx, weighted);
    refresh = new GratuitousRefresh(ctx, rreps);
    handover = new SinkHandover(ctx, discovery, rreps);
    rreqs = new RreqHandler(ctx, rreps, weighted, refresh);
    rrepHandler = new RrepHandler(ctx, rreps, discovery, handover);
    rerrs = new RerrHandler(ctx, discovery, handover);
    neighbourMonitor = new NeighbourMonitor(ctx, discovery, rerrs);
    data = new DataForwarding(ctx, discovery, refresh, rerrs);
  }

  /** Sets {@link AodvParameters#gratuitousRreps()} from now on. */
  public void setGratuitousRreps(boolean on) {
    ctx.reconfigure(ctx.parameters().toBuilder().gratuitousRreps(on).build());
  }

  /** Sets {@link AodvParameters#localRepair()} from now on. */
  public void setLocalRepair(boolean on) {
    ctx.reconfigure(ctx.parameters().toBuilder().localRepair(on).build());
  }

  /** Sets {@link AodvParameters#rrepAcks()} from now on. */
  public void setRrepAcks(boolean on) {
    ctx.reconfigure(ctx.parameters().toBuilder().rrepAcks(on).build());
  }

  /** Sets {@link AodvParameters#rreqForwardLimit()} from now on. */
  public void setRreqForwardLimit(int perSecond) {
    ctx.reconfigure(ctx.parameters().toBuilder().rreqForwardLimit(perSecond).build());
  }

  /**
   * Makes this router the site's way out (seed 002 c14-15): it answers RREQs for the destinations
   * {@code reachableBeyond} accepts, addresses outside the site, or a mobile node that left the
   * site and is now bound at the tenant's home agent, so the site's traffic for them comes here and
   * the VRF's own routes (the home agent's tunnel, the Internet) take it on.
   */
  public void setGatewayFor(Predicate<Ipv4Address> reachableBeyond) {
    ctx.setGatewayFor(reachableBeyond);
  }

  /**
   * Seed 002 c64: the administrator's weight for the hop over one link, at least 1 (the default).
   * Used when {@link AodvParameters#weightedRingSearch()} is on.
   */
  public void setLinkWeight(String interfaceName, int weight) {
    weighted.setWeight(interfaceName, weight);
  }

  public int linkWeight(String interfaceName) {
    return weighted.weight(interfaceName);
  }

  public Ipv4Address address() {
    return ctx.self;
  }

  /** The parameters in force, the setters' changes included. */
  public AodvParameters parameters() {
    return ctx.parameters();
  }

  public long counter(AodvCounter c) {
    return ctx.counter(c);
  }

  public int sequenceNumber() {
    return ctx.ownSeq();
  }

  /** A snapshot of the route table, for the shell and tests. */
  public List<RouteEntry> routes() {
    return ctx.table.routes();
  }

  public Optional<RouteEntry> activeRoute(Ipv4Address destination) {
    return ctx.table.activeRoute(destination, ctx.now());
  }

  /** Neighbours heard within the Hello loss window. */
  public List<Ipv4Address> neighbours() {
    return List.copyOf(ctx.neighbours.keySet());
  }

  /**
   * Mobile node side of seed 002's handover (c27): the node hears a new sink on {@code newLink} and
   * asks it to take over, with the sequence number of its last RREP through the old sink. When the
   * old sink confirms (c35) the node forwards through the new sink and leaves the old link (c36),
   * then asks its active peers for shorter routes (c37-39).
   */
  public void handoverTo(String newLink, Ipv4Address oldSink, String oldLink) {
    handover.handoverTo(newLink, oldSink, oldLink);
  }

  /**
   * Starts after a reboot (§6.13): for DELETE_PERIOD the router learns routes from what it hears
   * but originates no discovery, answers no RREQ and passes no control message on, because its
   * neighbours may still route through the state it lost.
   */
  public void startAfterReboot() {
    ctx.holdAfterReboot();
    start();
  }

  /** Whether the §6.13 quiet period is still running. */
  public boolean rebootHolding() {
    return ctx.rebootHolding();
  }

  public void start() {
    registrations.add(ctx.vrf.bindUdp(AodvMessages.UDP_PORT, this::receive));
    if (ctx.parameters().refreshLeadMillis() > 0) {
      // Datagrams for our own address are delivered without passing the router; the refresh needs
      // to know they still arrive.
      registrations.add(ctx.vrf.observeDeliveries((v, in, ip) -> refresh.delivered(in, ip)));
    }
    data.attach();
    long tick = Math.max(1, ctx.parameters().helloIntervalMillis() / 4);
    housekeeping = ctx.scheduler.schedule(tick, TimeUnit.MILLISECONDS, () -> housekeep(tick));
  }

  public void stop() {
    registrations.forEach(Registration::close);
    registrations.clear();
    if (housekeeping != null) {
      housekeeping.cancel();
    }
    discovery.stop();
    data.detach();
  }

  /** A control message on UDP 654: to the handler of its kind, once its sender is a neighbour. */
  private void receive(Vrf v, Interface ingress, UdpDatagram datagram) {
    long now = ctx.now();
    Ipv4Address sender = Ipv4Address.of(datagram.ip().source());
    if (ingress == null || ctx.link(ingress.name()) == null || sender.equals(ctx.self)) {
      ctx.count(AodvCounter.IGNORED);
      return;
    }
    AodvMessage message;
    try {
      message = AodvMessages.parse(datagram.payload());
    } catch (AodvFormatException e) {
      ctx.count(AodvCounter.MALFORMED);
      return;
    }
    if (noRoomForOurHop(message)) {
      // RFC 3561 §6.5, §6.7: we add our hop to the 8-bit count; at 255 there is none left, and
      // no real path is that long (NET_DIAMETER is 35). Taken, it made a route of 256 hops.
      ctx.count(AodvCounter.MALFORMED);
      return;
    }
    if (message instanceof RouteReply rrep && rrep.destination().equals(ctx.self)) {
      // A route to ourselves through a neighbour: no RREP of any node we talk to names us as its
      // destination (ours name us as originator); taken, it made a route to this router's address.
      ctx.count(AodvCounter.IGNORED);
      return;
    }
    if (rreps.ignoresRreqsFrom(sender, now) && message instanceof RouteRequest) {
      ctx.count(AodvCounter.IGNORED); // §6.8: RREQs from a blacklisted neighbour are ignored
      return;
    }
    boolean sinkRequest = SinkHandover.isSinkRequest(message, sender);
    // What we knew of the node before this Hello makes it our neighbour (c29).
    SinkHandover.Before prior = sinkRequest ? handover.before(sender, now) : null;
    neighbourMonitor.heard(sender, ingress, now);
    if (sinkRequest) {
      handover.onSinkRequest((RouteReply) message, prior, sender, ingress, now);
    } else if (SinkHandover.isHandoverUpdate(message)) {
      handover.onHandoverUpdate((RouteReply) message, sender, ingress, now);
    } else if (message instanceof RouteRequest) {
      rreqs.onRreq((RouteRequest) message, sender, ingress, datagram.ip().ttl(), now);
    } else if (message instanceof RouteReply) {
      rrepHandler.onRrep((RouteReply) message, sender, ingress, now);
    } else if (message instanceof RouteError) {
      rerrs.onRerr((RouteError) message, sender, now);
    } else if (message instanceof RouteReplyAck) {
      rreps.acknowledged(sender);
    }
  }

  private static boolean noRoomForOurHop(AodvMessage message) {
    return (message instanceof RouteRequest rreq && rreq.hopCount() == 255)
        || (message instanceof RouteReply rrep && rrep.hopCount() == 255);
  }

  /** Every quarter HELLO_INTERVAL: links, re-requests, refreshes, then expiry. */
  private void housekeep(long tickMillis) {
    long now = ctx.now();
    neighbourMonitor.check(now);
    if (ctx.parameters().rerequestLeadMillis() > 0) {
      discovery.rerequest(now);
    }
    refresh.refreshDue(now);
    ctx.table.expire(now);
    housekeeping =
        ctx.scheduler.schedule(tickMillis, TimeUnit.MILLISECONDS, () -> housekeep(tickMillis));
  }
}
