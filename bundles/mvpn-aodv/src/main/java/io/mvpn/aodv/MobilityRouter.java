package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteReplyAck;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.Blacklist;
import io.mvpn.aodv.route.DuplicateRreqCache;
import io.mvpn.aodv.route.RateLimiter;
import io.mvpn.aodv.route.RebootHold;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteTable;
import io.mvpn.aodv.route.RouteUpdate;
import io.mvpn.aodv.route.UnreachableDestination;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One AODV mobility router (RFC 3561) on a VRF: it answers and forwards route requests, replies and
 * errors on UDP 654 over its AODV interfaces, and forwards data itself. The VRF's default route
 * points at the router's {@code aodv0} interface, so every datagram without a more specific route
 * comes here: with an active route it goes to the next hop (and keeps the route alive, §6.2),
 * without one it is buffered while a discovery runs (expanding ring search, §6.4) if this router
 * originated it, or answered with a RERR otherwise (§6.11). Links are watched with Hellos (§6.9).
 *
 * <p>Runs on the VRF's scheduler; not thread-safe.
 */
public final class MobilityRouter {

  /** Datagrams held per destination while its route is discovered (§6.3: FIFO). */
  public static final int MAX_BUFFERED = 64;

  private static final int LIMITED_BROADCAST = -1;

  /** Rebroadcast RREQs allowed per second, as a multiple of RREQ_RATELIMIT, unless configured. */
  public static final int DEFAULT_FORWARD_FACTOR = 10;

  /** A route discovery this router runs for datagrams it originated (§6.3, §6.4). */
  private final class Discovery {
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

  /** An originator and destination pair whose datagrams pass (or reach) this router. */
  private record Flow(Ipv4Address source, Ipv4Address destination) {}

  /**
   * A route this router advertised in a RREP (as destination or as an intermediate router), watched
   * for seed 002's gratuitous refresh (c67-70).
   */
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

  private final Ipv4Address self;
  private final Vrf vrf;
  private final AodvParameters parameters;
  private final Scheduler scheduler;
  private final Map<String, Interface> interfaces = new LinkedHashMap<>();
  private final RouteTable table;
  private final DuplicateRreqCache duplicates;
  private final Blacklist blacklist;
  private final RateLimiter rreqLimiter;
  private final RateLimiter rerrLimiter;
  private RateLimiter forwardLimiter;
  private boolean gratuitousRreps;
  private java.util.function.Predicate<Ipv4Address> gatewayFor = d -> false;
  private boolean localRepair;
  private RebootHold rebootHold;
  private final Map<Ipv4Address, Discovery> discoveries = new HashMap<>();
  private final Map<Ipv4Address, Long> neighbours = new HashMap<>(); // last heard, nanos
  private final Map<String, Integer> linkWeights = new HashMap<>();
  private final Map<Flow, Advertised> advertised = new HashMap<>();
  private final Map<Ipv4Address, Long> originating = new HashMap<>(); // last datagram sent, nanos
  private final long[] counters = new long[AodvCounter.values().length];
  private final List<Registration> registrations = new ArrayList<>();
  private int ownSeq;
  private int rreqId;
  private long lastBroadcast = Long.MIN_VALUE / 2;
  private Interface dataInterface;
  private Scheduler.Timer housekeeping;

  public MobilityRouter(
      Ipv4Address self, Vrf vrf, List<Interface> aodvInterfaces, AodvParameters parameters) {
    this.self = Objects.requireNonNull(self, "self");
    this.vrf = vrf;
    this.parameters = parameters.requireValid();
    this.scheduler = vrf.scheduler();
    for (Interface i : aodvInterfaces) {
      interfaces.put(i.name(), i);
    }
    this.table = new RouteTable(parameters);
    this.duplicates = new DuplicateRreqCache(parameters);
    this.blacklist = new Blacklist(parameters);
    this.rreqLimiter = new RateLimiter(parameters.rreqRatelimit());
    this.rerrLimiter = new RateLimiter(parameters.rerrRatelimit());
    this.forwardLimiter = new RateLimiter(DEFAULT_FORWARD_FACTOR * parameters.rreqRatelimit());
  }

  /**
   * Caps the RREQs this router rebroadcasts per second. RFC 3561 limits only what a node
   * originates; a neighbour flooding fresh RREQs would otherwise make every router repeat them.
   */
  /**
   * Sets the G flag on the RREQs this router originates (§5.1, §6.6.3): an intermediate router that
   * answers also gives the destination a route back, as a TCP-like session wants.
   */
  public void setGratuitousRreps(boolean on) {
    this.gratuitousRreps = on;
  }

  /**
   * Lets this router repair a broken route locally (§6.12, a MAY): when the link to a next hop
   * breaks, destinations at most MAX_REPAIR_TTL hops away are searched for again from here while
   * their datagrams wait, instead of an immediate RERR.
   */
  public void setLocalRepair(boolean on) {
    this.localRepair = on;
  }

  /**
   * Makes this router the site's way out (seed 002 c14-15): it answers RREQs for the destinations
   * {@code reachableBeyond} accepts, addresses outside the site, or a mobile node that left the
   * site and is now bound at the tenant's home agent, so the site's traffic for them comes here and
   * the VRF's own routes (the home agent's tunnel, the Internet) take it on.
   */
  public void setGatewayFor(java.util.function.Predicate<Ipv4Address> reachableBeyond) {
    this.gatewayFor = Objects.requireNonNull(reachableBeyond, "reachableBeyond");
  }

  public void setRreqForwardLimit(int perSecond) {
    this.forwardLimiter = new RateLimiter(perSecond);
  }

  /**
   * Seed 002 c64: the administrator's weight for the hop over one link, at least 1 (the default).
   * Used when {@link AodvParameters#weightedRingSearch()} is on.
   */
  public void setLinkWeight(String interfaceName, int weight) {
    if (!interfaces.containsKey(interfaceName)) {
      throw new IllegalArgumentException("no AODV interface " + interfaceName);
    }
    if (weight < 1) {
      throw new IllegalArgumentException("link weight " + weight + " is below 1");
    }
    linkWeights.put(interfaceName, weight);
  }

  public int linkWeight(String interfaceName) {
    return linkWeights.getOrDefault(interfaceName, 1);
  }

  public Ipv4Address address() {
    return self;
  }

  public AodvParameters parameters() {
    return parameters;
  }

  public long counter(AodvCounter c) {
    return counters[c.ordinal()];
  }

  public int sequenceNumber() {
    return ownSeq;
  }

  /** A snapshot of the route table, for the shell and tests. */
  public List<RouteEntry> routes() {
    return table.routes();
  }

  public Optional<RouteEntry> activeRoute(Ipv4Address destination) {
    return table.activeRoute(destination, scheduler.nanoTime());
  }

  /** Neighbours heard within the Hello loss window. */
  public List<Ipv4Address> neighbours() {
    return List.copyOf(neighbours.keySet());
  }

  /**
   * Starts after a reboot (§6.13): for DELETE_PERIOD the router learns routes from what it hears
   * but originates no discovery, answers no RREQ and passes no control message on, because its
   * neighbours may still route through the state it lost.
   */
  public void startAfterReboot() {
    rebootHold = new RebootHold(parameters, scheduler.nanoTime());
    start();
  }

  /** Whether the §6.13 quiet period is still running. */
  public boolean rebootHolding() {
    return rebootHold != null && rebootHold.isHolding(scheduler.nanoTime());
  }

  public void start() {
    registrations.add(vrf.bindUdp(AodvMessages.UDP_PORT, this::receive));
    if (parameters.refreshLeadMillis() > 0) {
      // Datagrams for our own address are delivered without passing the router; the refresh needs
      // to know they still arrive.
      registrations.add(vrf.observeDeliveries((v, in, ip) -> delivered(in, ip)));
    }
    // Holding our address, so datagrams we originate toward it take that source.
    dataInterface = vrf.addInterface("aodv0", self, 32, new DataPlane());
    vrf.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, dataInterface, Route.Origin.PROTOCOL));
    long tick = Math.max(1, parameters.helloIntervalMillis() / 4);
    housekeeping = scheduler.schedule(tick, TimeUnit.MILLISECONDS, () -> housekeep(tick));
  }

  public void stop() {
    registrations.forEach(Registration::close);
    registrations.clear();
    if (housekeeping != null) {
      housekeeping.cancel();
    }
    for (Discovery d : discoveries.values()) {
      if (d.timer != null) {
        d.timer.cancel();
      }
      d.buffered.forEach(ByteBuf::release);
    }
    discoveries.clear();
    if (dataInterface != null) {
      vrf.removeInterface(dataInterface.name());
      dataInterface = null;
    }
  }

  // ---- data plane ---------------------------------------------------------------------------

  private final class DataPlane extends EncapsulatingTransport {
    DataPlane() {
      super("aodv:" + self, 1500);
    }

    @Override
    protected void forward(Ipv4Packet packet, int nextHop) {
      data(packet);
    }
  }

  private void data(Ipv4Packet packet) {
    long now = scheduler.nanoTime();
    Ipv4Address destination = Ipv4Address.of(packet.destination());
    Optional<RouteEntry> route = table.activeRoute(destination, now);
    if (route.isPresent()) {
      // §6.2: a route in use lives on, and so does the way back to the source.
      Ipv4Address source = Ipv4Address.of(packet.source());
      table.refreshOnUse(destination, now);
      table.refreshOnUse(source, now);
      if (packet.source() == self.toInt()) {
        if (parameters.rerequestLeadMillis() > 0) {
          originating.put(destination, now);
        }
      } else {
        sawData(source, destination, now);
      }
      transmit(route.get(), packet.buffer().retainedSlice(packet.offset(), packet.totalLength()));
      count(AodvCounter.DATA_FORWARDED);
      return;
    }
    if (packet.source() == self.toInt() || gatewayFor.test(Ipv4Address.of(packet.source()))) {
      // Ours, or entering the site through us as its gateway (c14-15): we look for the route.
      Discovery d = discoveries.get(destination);
      if (d == null) {
        d = startDiscovery(destination);
      }
      if (d.buffered.size() >= MAX_BUFFERED) {
        count(AodvCounter.DATA_DROPPED);
        return;
      }
      d.buffered.add(packet.buffer().retainedSlice(packet.offset(), packet.totalLength()));
      count(AodvCounter.DATA_BUFFERED);
      return;
    }
    Discovery repairing = discoveries.get(destination);
    if (repairing != null && repairing.repairHops >= 0) {
      // §6.12: held while the route is repaired here.
      if (repairing.buffered.size() < MAX_BUFFERED) {
        repairing.buffered.add(
            packet.buffer().retainedSlice(packet.offset(), packet.totalLength()));
        count(AodvCounter.DATA_BUFFERED);
      } else {
        count(AodvCounter.DATA_DROPPED);
      }
      return;
    }
    // §6.11 (ii): data for a destination we have no active route to.
    count(AodvCounter.DATA_DROPPED);
    if (rebootHold != null) {
      rebootHold.dataWithoutRoute(now); // §6.13: someone still routes through us
    }
    Optional<RouteEntry> known = table.lookup(destination);
    int seq = known.map(RouteEntry::seq).orElse(0);
    sendRerr(List.of(new UnreachableDestination(destination, seq)), false);
  }

  /** A datagram reached our own address: the VRF delivers it, we only look. */
  private void delivered(Interface ingress, Ipv4Packet ip) {
    if (ip.destination() != self.toInt()
        || ingress == null
        || !interfaces.containsKey(ingress.name())
        || (ip.protocol() == IpProtocol.UDP
            && ip.payloadLength() >= 4
            && ip.buffer().getUnsignedShort(ip.payloadOffset() + 2) == AodvMessages.UDP_PORT)) {
      return;
    }
    long now = scheduler.nanoTime();
    Ipv4Address source = Ipv4Address.of(ip.source());
    // §6.2 symmetry at the path's end: the way back is what a refresh RREP travels.
    table.refreshOnUse(source, now);
    sawData(source, self, now);
  }

  /** Data of a flow we advertised a route for: its routes live ACTIVE_ROUTE_TIMEOUT more (§6.2). */
  private void sawData(Ipv4Address source, Ipv4Address destination, long now) {
    if (advertised.isEmpty()) {
      return;
    }
    Advertised a = advertised.get(new Flow(source, destination));
    if (a != null) {
      a.lastDataAt = now;
      long used = now + TimeUnit.MILLISECONDS.toNanos(parameters.activeRouteTimeoutMillis());
      if (used - a.expiresAt > 0) {
        a.expiresAt = used;
      }
    }
  }

  /** We sent a RREP for this flow: watch it for the refresh, if that is on. */
  private void advertise(Ipv4Address originator, Ipv4Address destination, long lifetimeMillis) {
    if (parameters.refreshLeadMillis() <= 0) {
      return;
    }
    long now = scheduler.nanoTime();
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

  private void transmit(RouteEntry route, ByteBuf datagram) {
    Interface via = interfaces.get(route.networkInterface());
    if (via == null) {
      datagram.release();
      count(AodvCounter.DATA_DROPPED);
      return;
    }
    vrf.send(datagram, via, route.nextHop().toInt());
  }

  // ---- route discovery (§6.3, §6.4) ------------------------------------------------------

  private Discovery startDiscovery(Ipv4Address destination) {
    Optional<RouteEntry> known = table.lookup(destination);
    int ttl =
        !parameters.expandingRingSearch()
            ? parameters.netDiameter()
            : known
                .map(e -> e.hopCount() + parameters.ttlIncrement())
                .orElse(parameters.ttlStart());
    Discovery d = new Discovery(destination, Math.min(ttl, parameters.netDiameter()));
    discoveries.put(destination, d);
    sendRreq(d);
    return d;
  }

  /**
   * An originator whose route is still in use but runs out within RE-REQUEST lead asks for a
   * fresher one without waiting for expiry; data keeps the old route meanwhile.
   */
  private void rerequest(long now) {
    long lead = TimeUnit.MILLISECONDS.toNanos(parameters.rerequestLeadMillis());
    long window = TimeUnit.MILLISECONDS.toNanos(parameters.activeRouteTimeoutMillis());
    Iterator<Map.Entry<Ipv4Address, Long>> it = originating.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Ipv4Address, Long> e = it.next();
      if (now - e.getValue() > window) {
        it.remove();
        continue;
      }
      Optional<RouteEntry> route = table.activeRoute(e.getKey(), now);
      if (route.isPresent()
          && route.get().expiresAtNanos() - now <= lead
          && !discoveries.containsKey(e.getKey())) {
        count(AodvCounter.REREQUESTS);
        Discovery d =
            new Discovery(
                e.getKey(),
                !parameters.expandingRingSearch()
                    ? parameters.netDiameter()
                    : Math.min(
                        route.get().hopCount() + parameters.ttlIncrement(),
                        parameters.netDiameter()));
        d.fresher = true;
        discoveries.put(e.getKey(), d);
        sendRreq(d);
      }
    }
  }

  private void sendRreq(Discovery d) {
    long now = scheduler.nanoTime();
    if (rebootHolding()) {
      count(AodvCounter.REBOOT_HELD);
      d.timer = scheduler.schedule(100, TimeUnit.MILLISECONDS, () -> sendRreq(d));
      return;
    }
    if (!rreqLimiter.tryAcquire(now)) {
      count(AodvCounter.RREQ_RATE_LIMITED);
      d.timer = scheduler.schedule(100, TimeUnit.MILLISECONDS, () -> sendRreq(d));
      return;
    }
    ownSeq = SequenceNumbers.increment(ownSeq);
    rreqId++;
    Optional<RouteEntry> known = table.lookup(d.destination);
    boolean seqKnown = known.isPresent() && known.get().validSeq();
    RouteRequest rreq =
        new RouteRequest(
            (seqKnown ? 0 : RouteRequest.UNKNOWN_SEQUENCE)
                | (gratuitousRreps ? RouteRequest.GRATUITOUS : 0),
            0,
            rreqId,
            d.destination,
            !seqKnown
                ? 0
                : d.fresher ? SequenceNumbers.increment(known.get().seq()) : known.get().seq(),
            self,
            ownSeq,
            List.of());
    // Our own RREQ coming back from a neighbour is a duplicate (§6.3).
    duplicates.isDuplicate(self, rreqId, now);
    if (parameters.weightedRingSearch()) {
      // Seed 002 c63-66: the ring's weight budget grows as its TTL does; the NET_DIAMETER tries
      // are unlimited, so weights never make a reachable destination unreachable.
      long budget = d.ttl < parameters.netDiameter() ? d.ttl : AodvExtension.UNLIMITED_BUDGET;
      sendWeighted(rreq, d.ttl, null, budget, 0);
    } else {
      countTransmissions(broadcast(rreq, d.ttl));
    }
    count(AodvCounter.RREQ_SENT);
    long wait =
        d.ttl < parameters.netDiameter()
            ? parameters.ringTraversalTimeMillis(d.ttl)
            : parameters.netTraversalTimeMillis() << Math.min(d.retries, 16);
    d.timer = scheduler.schedule(wait, TimeUnit.MILLISECONDS, () -> discoveryTimeout(d));
  }

  private void discoveryTimeout(Discovery d) {
    if (discoveries.get(d.destination) != d) {
      return;
    }
    if (d.repairHops >= 0) {
      // §6.12: one try; then the RERR that the break would have sent.
      discoveries.remove(d.destination);
      count(AodvCounter.LOCAL_REPAIRS_FAILED);
      d.buffered.forEach(ByteBuf::release);
      count(AodvCounter.DATA_DROPPED);
      int seq = table.lookup(d.destination).map(RouteEntry::seq).orElse(0);
      sendRerr(List.of(new UnreachableDestination(d.destination, seq)), false);
      return;
    }
    if (d.ttl < parameters.netDiameter()) {
      d.ttl += parameters.ttlIncrement();
      if (d.ttl > parameters.ttlThreshold()) {
        d.ttl = parameters.netDiameter();
      }
    } else if (++d.retries > parameters.rreqRetries()) {
      discoveries.remove(d.destination);
      count(AodvCounter.DISCOVERIES_FAILED);
      for (ByteBuf b : d.buffered) {
        b.release();
        count(AodvCounter.DATA_DROPPED);
      }
      return;
    }
    sendRreq(d);
  }

  /** §6.12: active routes through {@code neighbour} that others use, close enough to repair. */
  private Map<Ipv4Address, Integer> repairable(Ipv4Address neighbour, long now) {
    Map<Ipv4Address, Integer> out = new HashMap<>();
    for (RouteEntry e : table.routes()) {
      if (e.isActive(now)
          && e.nextHop().equals(neighbour)
          && !e.precursors().isEmpty()
          && e.hopCount() <= parameters.maxRepairTtl()) {
        out.put(e.destination(), e.hopCount());
      }
    }
    return out;
  }

  /** §6.12: TTL = MIN_REPAIR_TTL (the last hop count) + LOCAL_ADD_TTL, destination number + 1. */
  private void startRepair(Ipv4Address destination, int lastHops) {
    if (discoveries.containsKey(destination)) {
      return;
    }
    Discovery d =
        new Discovery(
            destination, Math.min(lastHops + parameters.localAddTtl(), parameters.netDiameter()));
    d.repairHops = lastHops;
    discoveries.put(destination, d);
    sendRreq(d);
  }

  private void discovered(Ipv4Address destination, long now) {
    Discovery d = discoveries.remove(destination);
    if (d == null) {
      return;
    }
    if (d.timer != null) {
      d.timer.cancel();
    }
    count(AodvCounter.DISCOVERIES_SUCCEEDED);
    Optional<RouteEntry> route = table.activeRoute(destination, now);
    if (d.repairHops >= 0) {
      count(AodvCounter.LOCAL_REPAIRS);
      if (route.isPresent() && route.get().hopCount() > d.repairHops) {
        // §6.12: a longer path; upstream keeps its route (N) but may look for a better one.
        sendRerr(List.of(new UnreachableDestination(destination, route.get().seq())), true);
      }
    }
    for (ByteBuf b : d.buffered) {
      if (route.isPresent()) {
        transmit(route.get(), b);
        count(AodvCounter.DATA_FORWARDED);
      } else {
        b.release();
        count(AodvCounter.DATA_DROPPED);
      }
    }
  }

  // ---- control messages ---------------------------------------------------------------------

  // ---- seed 002 handover (c26-39) ---------------------------------------------------------

  /** A new sink's handover in progress for one node: waiting for a route toward the old sink. */
  private record PendingHandover(Ipv4Address node, int seq, Ipv4Address oldSink, String link) {}

  /** What a route said before a message changed it. */
  private record Before(int seq, boolean validSeq, Ipv4Address nextHop, boolean active) {
    static Before of(RouteEntry e, long now) {
      return new Before(e.seq(), e.validSeq(), e.nextHop(), e.isActive(now));
    }
  }

  private final Map<Ipv4Address, PendingHandover> pendingHandovers = new HashMap<>();
  private Ipv4Address handoverOldSink; // on a mobile node: the sink it is leaving
  private Interface handoverOldLink;

  /**
   * Mobile node side (c27): the node hears a new sink on {@code newLink} and asks it to take over,
   * with the sequence number of its last RREP through the old sink. When the old sink confirms
   * (c35) the node forwards through the new sink and leaves the old link (c36), then asks its
   * active peers for shorter routes (c37-39).
   */
  public void handoverTo(String newLink, Ipv4Address oldSink, String oldLink) {
    Interface via = Objects.requireNonNull(interfaces.get(newLink), newLink);
    handoverOldSink = oldSink;
    handoverOldLink = interfaces.get(oldLink);
    via.setUp(true);
    int seq = ownSeq;
    // The new sink will advertise seq + 1 for us; our own number follows (§6.1 stays monotonic).
    ownSeq = SequenceNumbers.increment(ownSeq);
    RouteReply hello =
        new RouteReply(
            0,
            0,
            0,
            self,
            seq,
            self,
            parameters.allowedHelloLoss() * parameters.helloIntervalMillis(),
            List.of(AodvExtension.of(AodvExtension.SINK_REQUEST, bytes(oldSink))));
    sendOn(via, hello, LIMITED_BROADCAST, 1);
    count(AodvCounter.HANDOVER_REQUESTED);
  }

  /** New sink side (c28-30): take the node over. {@code prior} is our route to it before. */
  private void onSinkRequest(
      RouteReply hello, Before prior, Ipv4Address node, Interface ingress, long now) {
    count(AodvCounter.HANDOVER_RECEIVED);
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
    pendingHandovers.put(node, new PendingHandover(node, seq, oldSink, ingress.name()));
    table.updateFrom(
        new RouteUpdate(
            node, newSeq, true, 1, node, ingress.name(), parameters.myRouteTimeoutMillis()),
        now);
    rreqId++;
    ownSeq = SequenceNumbers.increment(ownSeq);
    RouteRequest rreq = new RouteRequest(0, 0, rreqId, node, seq, self, ownSeq, List.of());
    duplicates.isDuplicate(self, rreqId, now);
    for (Interface i : interfaces.values()) {
      if (i != ingress && i.isUp()) {
        sendOn(i, rreq, LIMITED_BROADCAST, parameters.netDiameter());
      }
    }
    count(AodvCounter.RREQ_SENT);
    PendingHandover pending = pendingHandovers.get(node);
    scheduler.schedule(
        parameters.netTraversalTimeMillis(),
        TimeUnit.MILLISECONDS,
        () -> {
          if (pendingHandovers.remove(node, pending)) {
            // c35: the old sink cannot be reached; the node must look for its peers itself.
            count(AodvCounter.HANDOVER_FAILED);
            sendOn(
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

  /** Mobile node (c37): the handover failed; ask for the active peers at once, old link kept. */
  private void handoverFailed() {
    handoverOldSink = null;
    handoverOldLink = null;
    count(AodvCounter.HANDOVER_FAILED);
    for (RouteEntry e : table.routes()) {
      if (e.hopCount() > 1 && !discoveries.containsKey(e.destination())) {
        startDiscovery(e.destination());
      }
    }
  }

  /** c32: our route to the node (direct, seq + 1) travels toward the old sink along its path. */
  private void takeOver(
      Ipv4Address node,
      int newSeq,
      Ipv4Address oldSink,
      Interface ingress,
      Ipv4Address toward,
      long now) {
    table.updateFrom(
        new RouteUpdate(
            node, newSeq, true, 1, node, ingress.name(), parameters.myRouteTimeoutMillis()),
        now);
    unicast(
        new RouteReply(
            0,
            0,
            1,
            node,
            newSeq,
            oldSink,
            parameters.myRouteTimeoutMillis(),
            List.of(AodvExtension.of(AodvExtension.HANDOVER, bytes(oldSink)))),
        toward);
    count(AodvCounter.HANDOVER_UPDATES_SENT);
  }

  /**
   * A router on the old path, or the old sink (c33-35): take the new route to the node and pass the
   * update on along the old one; the old sink confirms to the node through the new sink.
   */
  private void onHandoverUpdate(RouteReply rrep, Ipv4Address sender, Interface ingress, long now) {
    Ipv4Address node = rrep.destination();
    Before old = table.lookup(node).map(e -> Before.of(e, now)).orElse(null);
    boolean updated =
        table.updateFromRrep(
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
      count(AodvCounter.STALE);
      return;
    }
    count(AodvCounter.HANDOVER_UPDATES_RECEIVED);
    boolean oldSink = self.equals(rrep.originator()) || old == null || old.nextHop().equals(node);
    if (!oldSink) {
      unicast(rrep.withHopCount(rrep.hopCount() + 1), old.nextHop());
      return;
    }
    // c34-35: we forward to the new sink from now on, and tell the node it worked.
    unicast(
        new RouteReply(
            0,
            0,
            0,
            self,
            ownSeq,
            node,
            parameters.myRouteTimeoutMillis(),
            List.of(AodvExtension.of(AodvExtension.HANDOVER_DONE, new byte[0]))),
        sender);
    count(AodvCounter.HANDOVER_CONFIRMED);
  }

  /** Mobile node (c36-39): forward through the new sink, then shorten the routes to peers. */
  private void handoverDone(long now) {
    if (handoverOldSink == null) {
      return;
    }
    count(AodvCounter.HANDOVER_COMPLETED);
    handoverOldSink = null;
    if (handoverOldLink != null) {
      handoverOldLink.setUp(false);
      List<UnreachableDestination> lost = new ArrayList<>();
      for (Ipv4Address n : neighboursOn(handoverOldLink)) {
        lost.addAll(table.linkBroken(n, now));
        neighbours.remove(n);
      }
      handoverOldLink = null;
    }
    for (RouteEntry e : table.routes()) {
      if (e.hopCount() > 1 && !discoveries.containsKey(e.destination())) {
        startDiscovery(e.destination()); // c38: our originator number is the new one
      }
    }
  }

  private List<Ipv4Address> neighboursOn(Interface link) {
    List<Ipv4Address> on = new ArrayList<>();
    for (RouteEntry e : table.routes()) {
      if (e.hopCount() == 1 && link.name().equals(e.networkInterface())) {
        on.add(e.destination());
      }
    }
    return on;
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

  private void receive(Vrf v, Interface ingress, UdpDatagram datagram) {
    long now = scheduler.nanoTime();
    Ipv4Address sender = Ipv4Address.of(datagram.ip().source());
    if (ingress == null || !interfaces.containsKey(ingress.name()) || sender.equals(self)) {
      count(AodvCounter.IGNORED);
      return;
    }
    AodvMessage message;
    try {
      message = AodvMessages.parse(datagram.payload());
    } catch (AodvFormatException e) {
      count(AodvCounter.MALFORMED);
      return;
    }
    if (blacklist.contains(sender, now) && message instanceof RouteRequest) {
      count(AodvCounter.IGNORED); // §6.8: RREQs from a blacklisted neighbour are ignored
      return;
    }
    Before prior = null;
    boolean sinkRequest =
        message instanceof RouteReply
            && ((RouteReply) message).extension(AodvExtension.SINK_REQUEST) != null
            && ((RouteReply) message).destination().equals(sender);
    if (sinkRequest) {
      // What we knew of the node before this Hello makes it our neighbour (c29).
      prior = table.lookup(sender).map(e -> Before.of(e, now)).orElse(null);
    }
    heard(sender, ingress, now);
    if (sinkRequest) {
      onSinkRequest((RouteReply) message, prior, sender, ingress, now);
      return;
    }
    if (message instanceof RouteReply
        && ((RouteReply) message).extension(AodvExtension.HANDOVER) != null) {
      onHandoverUpdate((RouteReply) message, sender, ingress, now);
      return;
    }
    if (message instanceof RouteRequest) {
      onRreq((RouteRequest) message, sender, ingress, datagram.ip().ttl(), now);
    } else if (message instanceof RouteReply) {
      onRrep((RouteReply) message, sender, ingress, now);
    } else if (message instanceof RouteError) {
      onRerr((RouteError) message, sender, now);
    } else if (message instanceof RouteReplyAck) {
      onRrepAck(sender);
    }
  }

  /** Any message from a neighbour proves the link and gives a route to it (§6.2, §6.9). */
  private void heard(Ipv4Address neighbour, Interface ingress, long now) {
    neighbours.put(neighbour, now);
    table.updateFrom(
        RouteUpdate.neighbour(
            neighbour,
            ingress.name(),
            Math.max(
                parameters.activeRouteTimeoutMillis(),
                parameters.allowedHelloLoss() * parameters.helloIntervalMillis())),
        now);
  }

  private void onRreq(
      RouteRequest rreq, Ipv4Address sender, Interface ingress, int ipTtl, long now) {
    count(AodvCounter.RREQ_RECEIVED);
    if (rreq.originator().equals(self)
        || duplicates.isDuplicate(rreq.originator(), rreq.rreqId(), now)) {
      count(AodvCounter.RREQ_DUPLICATE);
      return;
    }
    int hops = rreq.hopCount() + 1;
    table.refreshReverseRoute(
        new RouteUpdate(
            rreq.originator(), rreq.originatorSequence(), true, hops, sender, ingress.name(), 0),
        now);
    if (rebootHolding()) {
      count(AodvCounter.REBOOT_HELD);
      return; // §6.13: learn, but neither answer nor pass on
    }
    if (rreq.destination().equals(self)) {
      // §6.6.1: our number catches up with what the originator asked for.
      if (!rreq.hasFlag(RouteRequest.UNKNOWN_SEQUENCE)
          && SequenceNumbers.isNewer(rreq.destinationSequence(), ownSeq)) {
        ownSeq = rreq.destinationSequence();
      }
      RouteReply rrep =
          new RouteReply(
              0,
              0,
              0,
              self,
              ownSeq,
              rreq.originator(),
              parameters.myRouteTimeoutMillis(),
              List.of());
      unicast(rrep, sender);
      count(AodvCounter.RREP_SENT);
      advertise(rreq.originator(), self, parameters.myRouteTimeoutMillis());
      return;
    }
    if (gatewayFor.test(rreq.destination())) {
      // c14-15: we reach it beyond the site; the RREQ's own number is fresh enough for it.
      unicast(
          new RouteReply(
              0,
              0,
              1,
              rreq.destination(),
              rreq.destinationSequence(),
              rreq.originator(),
              parameters.activeRouteTimeoutMillis(),
              List.of(AodvExtension.of(AodvExtension.GATEWAY, new byte[0]))),
          sender);
      count(AodvCounter.GATEWAY_RREP_SENT);
      return;
    }
    Optional<RouteEntry> route = table.activeRoute(rreq.destination(), now);
    boolean fresh =
        route.isPresent()
            && route.get().validSeq()
            && (rreq.hasFlag(RouteRequest.UNKNOWN_SEQUENCE)
                || !SequenceNumbers.isStale(route.get().seq(), rreq.destinationSequence()));
    if (fresh && !rreq.hasFlag(RouteRequest.DESTINATION_ONLY)) {
      answerAsIntermediate(rreq, route.get(), sender, hops, now);
      return;
    }
    if (ipTtl <= 1) {
      return;
    }
    if (!forwardLimiter.tryAcquire(now)) {
      count(AodvCounter.RREQ_FORWARD_RATE_LIMITED);
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
    if (parameters.weightedRingSearch() && weight != null) {
      if (sendWeighted(forwarded, ipTtl - 1, ingress, weight.weightBudget(), weight.weightSum())
          > 0) {
        count(AodvCounter.RREQ_FORWARDED);
      }
      return;
    }
    countTransmissions(broadcast(forwarded, ipTtl - 1));
    count(AodvCounter.RREQ_FORWARDED);
  }

  /**
   * Seed 002 c65-66: one copy of the RREQ on each link but the one it came in on whose weight keeps
   * the sum from the originator within the ring's budget; each copy carries its own sum. Links over
   * budget are left out: the search reaches the neighbours with the lowest sums first.
   *
   * @return the copies sent
   */
  private int sendWeighted(
      RouteRequest rreq, int ttl, Interface ingress, long budget, long sumHere) {
    int sent = 0;
    for (Interface i : interfaces.values()) {
      if (!i.isUp() || i == ingress) {
        continue;
      }
      long sum = sumHere + linkWeight(i.name());
      if (sum > budget) {
        count(AodvCounter.RREQ_WEIGHT_PRUNED);
        continue;
      }
      List<AodvExtension> extensions = new ArrayList<>();
      for (AodvExtension e : rreq.extensions()) {
        if (e.type() != AodvExtension.WEIGHT_SUM) {
          extensions.add(e);
        }
      }
      extensions.add(AodvExtension.weightSum(budget, sum));
      sendOn(
          i,
          new RouteRequest(
              rreq.flags(),
              rreq.hopCount(),
              rreq.rreqId(),
              rreq.destination(),
              rreq.destinationSequence(),
              rreq.originator(),
              rreq.originatorSequence(),
              extensions),
          LIMITED_BROADCAST,
          ttl);
      sent++;
    }
    if (sent > 0) {
      lastBroadcast = scheduler.nanoTime();
    }
    countTransmissions(sent);
    return sent;
  }

  private void countTransmissions(int links) {
    counters[AodvCounter.RREQ_TRANSMISSIONS.ordinal()] += links;
  }

  /** §6.6.2 and, with G, §6.6.3. */
  private void answerAsIntermediate(
      RouteRequest rreq, RouteEntry route, Ipv4Address sender, int hopsToOriginator, long now) {
    long remaining = Math.max(0, (route.expiresAtNanos() - now) / 1_000_000L);
    table.addPrecursor(rreq.destination(), sender);
    table.addPrecursor(rreq.originator(), route.nextHop());
    unicast(
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
    count(AodvCounter.RREP_SENT);
    advertise(rreq.originator(), rreq.destination(), remaining);
    if (rreq.hasFlag(RouteRequest.GRATUITOUS)) {
      Optional<RouteEntry> reverse = table.activeRoute(rreq.originator(), now);
      long reverseLeft =
          reverse.map(e -> Math.max(0, (e.expiresAtNanos() - now) / 1_000_000L)).orElse(0L);
      unicast(
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
      count(AodvCounter.GRATUITOUS_RREP_SENT);
    }
  }

  private void onRrep(RouteReply rrep, Ipv4Address sender, Interface ingress, long now) {
    if (rrep.hasFlag(RouteReply.ACK_REQUIRED)) {
      // §5.4: the link works this way round; say so before anything else.
      sendOn(ingress, RouteReplyAck.INSTANCE, sender.toInt(), 1);
      count(AodvCounter.RREP_ACK_SENT);
    }
    if (rrep.hopCount() == 0 && rrep.destination().equals(sender) && isHello(rrep)) {
      count(AodvCounter.HELLO_RECEIVED);
      return; // heard() already refreshed the neighbour
    }
    count(AodvCounter.RREP_RECEIVED);
    PendingHandover pending = pendingHandovers.get(rrep.destination());
    if (pending != null && rrep.originator().equals(self) && !sender.equals(pending.node())) {
      // c31: the old path answered; it gets our direct route with the new number (c32).
      pendingHandovers.remove(rrep.destination());
      takeOver(
          pending.node(),
          SequenceNumbers.increment(pending.seq()),
          pending.oldSink(),
          interfaces.get(pending.link()),
          sender,
          now);
      return;
    }
    if (rrep.originator().equals(self) && rrep.extension(AodvExtension.HANDOVER_DONE) != null) {
      handoverDone(now);
    }
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
    boolean updated = table.updateFromRrep(update, now);
    boolean refreshed = rrep.extension(AodvExtension.ROUTE_REFRESH) != null;
    if (!updated && refreshed && table.refreshFromRrep(update, now)) {
      // Seed 002 c67-70: the same route, prolonged by the source of the RREP that made it.
      count(AodvCounter.REFRESH_RREP_RECEIVED);
      updated = true;
    }
    if (!updated) {
      // §6.7: only a RREP that created or improved the forward route travels on; a stale or
      // longer one (old sequence number, forged or late) stops here.
      count(AodvCounter.STALE);
      return;
    }
    if (rebootHolding()) {
      count(AodvCounter.REBOOT_HELD);
      return; // §6.13: the route is learnt; the RREP goes no further
    }
    if (rrep.originator().equals(self)) {
      // A refresh answers a re-request too: the route is good again.
      discovered(rrep.destination(), now);
      return;
    }
    Optional<RouteEntry> reverse = table.activeRoute(rrep.originator(), now);
    if (reverse.isEmpty()) {
      count(AodvCounter.IGNORED);
      return;
    }
    // §6.7: precursors both ways, and the reverse route lives ACTIVE_ROUTE_TIMEOUT more.
    table.addPrecursor(rrep.destination(), reverse.get().nextHop());
    table.addPrecursor(rrep.originator(), sender);
    table.refreshOnUse(rrep.originator(), now);
    if (refreshed) {
      // Seed 002 c70: the session's path lives on both ways, as long as the refreshed route.
      table.keepAlive(
          rrep.originator(), now + TimeUnit.MILLISECONDS.toNanos(rrep.lifetimeMillis()), now);
    }
    unicast(rrep.withHopCount(hops), reverse.get().nextHop());
    count(AodvCounter.RREP_FORWARDED);
  }

  /** A Hello is a RREP our neighbour sends about itself with IP TTL 1 (§6.9). */
  private static boolean isHello(RouteReply rrep) {
    return rrep.originator().equals(rrep.destination()) || rrep.helloIntervalMillis().isPresent();
  }

  private void onRerr(RouteError rerr, Ipv4Address sender, long now) {
    count(AodvCounter.RERR_RECEIVED);
    if (handoverOldSink != null && rerr.extension(AodvExtension.HANDOVER_DONE) != null) {
      handoverFailed();
      return;
    }
    boolean quiet = rebootHolding();
    if (rerr.noDelete()) {
      return; // §6.12: repaired upstream on a longer path; the route stays
    }
    List<UnreachableDestination> listed = new ArrayList<>();
    for (RouteError.Unreachable u : rerr.destinations()) {
      listed.add(new UnreachableDestination(u.address(), u.sequence()));
    }
    List<UnreachableDestination> lost = table.invalidateFromRerr(sender, listed, now);
    if (!lost.isEmpty() && !quiet) {
      sendRerr(lost, rerr.noDelete());
    }
  }

  private void sendRerr(List<UnreachableDestination> lost, boolean noDelete) {
    if (!rerrLimiter.tryAcquire(scheduler.nanoTime())) {
      count(AodvCounter.RERR_RATE_LIMITED);
      return;
    }
    List<RouteError.Unreachable> entries = new ArrayList<>();
    for (UnreachableDestination u : lost) {
      if (entries.size() == RouteError.MAX_DESTINATIONS) {
        break;
      }
      entries.add(new RouteError.Unreachable(u.destination(), u.seq()));
    }
    broadcast(new RouteError(noDelete ? RouteError.NO_DELETE : 0, entries, List.of()), 1);
    count(AodvCounter.RERR_SENT);
  }

  // ---- hellos, link breaks and expiry -----------------------------------------------------

  private void housekeep(long tickMillis) {
    long now = scheduler.nanoTime();
    long silence =
        TimeUnit.MILLISECONDS.toNanos(
            parameters.allowedHelloLoss() * parameters.helloIntervalMillis());
    if (parameters.helloMessages()) {
      List<Ipv4Address> lost = new ArrayList<>();
      neighbours.forEach(
          (n, heard) -> {
            if (now - heard > silence) {
              lost.add(n);
            }
          });
      for (Ipv4Address n : lost) {
        neighbours.remove(n);
        count(AodvCounter.LINK_BREAKS);
        Map<Ipv4Address, Integer> repairable = localRepair ? repairable(n, now) : Map.of();
        List<UnreachableDestination> unreachable = new ArrayList<>();
        for (UnreachableDestination u : table.linkBroken(n, now)) {
          Integer hops = repairable.get(u.destination());
          if (hops != null) {
            startRepair(u.destination(), hops);
          } else {
            unreachable.add(u);
          }
        }
        if (!unreachable.isEmpty()) {
          sendRerr(unreachable, false);
        }
      }
      long interval = TimeUnit.MILLISECONDS.toNanos(parameters.helloIntervalMillis());
      if (now - lastBroadcast >= interval && hasActiveRoutes(now)) {
        broadcast(
            RouteReply.hello(
                self,
                ownSeq,
                parameters.helloIntervalMillis(),
                parameters.allowedHelloLoss(),
                false),
            1);
        count(AodvCounter.HELLO_SENT);
      }
    }
    if (parameters.rerequestLeadMillis() > 0) {
      rerequest(now);
    }
    if (!advertised.isEmpty()) {
      refreshAdvertised(now);
    }
    table.expire(now);
    housekeeping =
        scheduler.schedule(tickMillis, TimeUnit.MILLISECONDS, () -> housekeep(tickMillis));
  }

  /**
   * Seed 002 c67-70: the source of a RREP sends a gratuitous RREP toward the RREQ's originator when
   * the route it advertised runs out within the refresh lead and datagrams still arrive along the
   * path (one at least since the last RREP). It is unicast hop by hop on the reverse route the
   * session already uses (c70) and carries the Route Refresh extension.
   */
  private void refreshAdvertised(long now) {
    long lead = TimeUnit.MILLISECONDS.toNanos(parameters.refreshLeadMillis());
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
      Optional<RouteEntry> back = table.activeRoute(f.source(), now);
      Optional<RouteEntry> ahead =
          f.destination().equals(self) ? Optional.empty() : table.activeRoute(f.destination(), now);
      if (back.isEmpty() || (!f.destination().equals(self) && ahead.isEmpty())) {
        it.remove();
        continue;
      }
      long lifetime =
          ahead
              .map(r -> Math.max(0, (r.expiresAtNanos() - now) / 1_000_000L))
              .orElse(parameters.myRouteTimeoutMillis());
      RouteReply refresh =
          new RouteReply(
              0,
              0,
              ahead.map(RouteEntry::hopCount).orElse(0),
              f.destination(),
              ahead.map(RouteEntry::seq).orElse(ownSeq),
              f.source(),
              lifetime,
              List.of(AodvExtension.routeRefresh()));
      table.addPrecursor(f.destination(), back.get().nextHop());
      a.lastRrepAt = now;
      a.expiresAt = now + TimeUnit.MILLISECONDS.toNanos(lifetime);
      // The way back lives as long as the route it prolongs, so the next refresh finds it.
      table.keepAlive(f.source(), a.expiresAt, now);
      unicast(refresh, back.get().nextHop());
      count(AodvCounter.REFRESH_RREP_SENT);
    }
  }

  /**
   * §6.9 asks for Hellos only from nodes on an active route. A destination cannot tell from its
   * table that data still reaches it (delivery does not pass the router), so any active route
   * counts: neighbours of a working path keep hearing each other.
   */
  private boolean hasActiveRoutes(long now) {
    for (RouteEntry e : table.routes()) {
      if (e.isActive(now)) {
        return true;
      }
    }
    return !discoveries.isEmpty();
  }

  // ---- sending -------------------------------------------------------------------------------

  /** On every link that is up; returns how many. */
  private int broadcast(AodvMessage message, int ttl) {
    ByteBuf payload = message.encode(vrf.alloc());
    int links = 0;
    try {
      for (Interface i : interfaces.values()) {
        if (!i.isUp()) {
          continue;
        }
        vrf.send(
            UdpDatagram.build(
                vrf.alloc(),
                self.toInt(),
                LIMITED_BROADCAST,
                AodvMessages.UDP_PORT,
                AodvMessages.UDP_PORT,
                payload,
                ttl),
            i,
            LIMITED_BROADCAST);
        links++;
      }
    } finally {
      payload.release();
    }
    lastBroadcast = scheduler.nanoTime();
    return links;
  }

  /** One message on one link. */
  private void sendOn(Interface via, AodvMessage message, int destination, int ttl) {
    ByteBuf payload = message.encode(vrf.alloc());
    try {
      vrf.send(
          UdpDatagram.build(
              vrf.alloc(),
              self.toInt(),
              destination,
              AodvMessages.UDP_PORT,
              AodvMessages.UDP_PORT,
              payload,
              ttl),
          via,
          destination);
    } finally {
      payload.release();
    }
  }

  /** Control messages travel hop by hop: to a neighbour, IP TTL 1 (§6.6, §6.7). */
  private void unicast(AodvMessage message, Ipv4Address neighbour) {
    Optional<RouteEntry> link = table.lookup(neighbour);
    Interface via = link.map(e -> interfaces.get(e.networkInterface())).orElse(null);
    if (via == null) {
      count(AodvCounter.IGNORED);
      return;
    }
    if (rrepAcks && message instanceof RouteReply && ((RouteReply) message).hopCount() < 255) {
      message = askForAck((RouteReply) message, neighbour);
    }
    sendOn(via, message, neighbour.toInt(), 1);
  }

  // ---- RREP-ACK and the blacklist (§6.7, §6.8) -------------------------------------------

  private final Map<Ipv4Address, Scheduler.Timer> awaitingAck = new HashMap<>();
  private boolean rrepAcks;

  /**
   * Asks for a RREP-ACK on every RREP sent (the A flag, §5.2), for links that may be
   * unidirectional: a neighbour that does not acknowledge within NEXT_HOP_WAIT is blacklisted for
   * BLACKLIST_TIMEOUT, and its RREQs are ignored meanwhile (§6.8).
   */
  public void setRrepAcks(boolean on) {
    this.rrepAcks = on;
  }

  private RouteReply askForAck(RouteReply rrep, Ipv4Address neighbour) {
    Scheduler.Timer old = awaitingAck.remove(neighbour);
    if (old != null) {
      old.cancel();
    }
    awaitingAck.put(
        neighbour,
        scheduler.schedule(
            parameters.nextHopWaitMillis(),
            TimeUnit.MILLISECONDS,
            () -> {
              awaitingAck.remove(neighbour);
              blacklist.add(neighbour, scheduler.nanoTime());
              count(AodvCounter.BLACKLISTED);
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

  private void onRrepAck(Ipv4Address sender) {
    count(AodvCounter.RREP_ACK_RECEIVED);
    Scheduler.Timer t = awaitingAck.remove(sender);
    if (t != null) {
      t.cancel();
    }
  }

  private void count(AodvCounter c) {
    counters[c.ordinal()]++;
  }
}
