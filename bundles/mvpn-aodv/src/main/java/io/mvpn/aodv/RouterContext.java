package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.aodv.route.Blacklist;
import io.mvpn.aodv.route.DuplicateRreqCache;
import io.mvpn.aodv.route.OriginatorRateLimits;
import io.mvpn.aodv.route.RateLimiter;
import io.mvpn.aodv.route.RebootHold;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.aodv.route.RouteTable;
import io.mvpn.aodv.route.UnreachableDestination;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the handlers of one mobility router share: its address and sequence number, the route table
 * and the caches beside it, the scheduler, the parameters in force, the counters, and the ways out
 * (a broadcast on every link, one message on one link, a rate-limited RERR, a datagram to its next
 * hop). Each handler holds this and the few handlers it hands work to; none keeps state another
 * reads.
 *
 * <p>Runs on the VRF's scheduler; not thread-safe.
 */
final class RouterContext {

  /** 255.255.255.255: AODV broadcasts go to every neighbour on a link (§6.3, §6.9, §6.11). */
  static final int LIMITED_BROADCAST = -1;

  /** Originators whose RREQ rate is tracked; a neighbourhood rarely holds more nodes. */
  static final int ORIGINATORS_TRACKED = 1024;

  final Ipv4Address self;
  final Vrf vrf;
  final Scheduler scheduler;
  final RouteTable table;
  final DuplicateRreqCache duplicates;
  final Blacklist blacklist;

  /** Neighbours by when they were last heard, nanos (§6.9). */
  final Map<Ipv4Address, Long> neighbours = new HashMap<>();

  private final Map<String, Interface> links = new LinkedHashMap<>();
  private final Counter[] counters = new Counter[AodvCounter.values().length];
  private final RateLimiter rreqLimiter;
  private final RateLimiter rerrLimiter;
  private RateLimiter forwardLimiter;
  private final OriginatorRateLimits originatorLimits;
  private AodvParameters parameters;
  private Predicate<Ipv4Address> gatewayFor = d -> false;

  /** The nodes this router acts for in AODV (seed 002 c57); set once by the router. */
  ProxiedNodes proxied;

  private RebootHold rebootHold;
  private int ownSeq;
  private int rreqId;
  private long lastBroadcast = Long.MIN_VALUE / 2;

  RouterContext(
      Ipv4Address self, Vrf vrf, List<Interface> aodvInterfaces, AodvParameters parameters) {
    this(self, vrf, aodvInterfaces, parameters, null, null);
  }

  /**
   * A router's context that counts in {@code store} (if not null), in {@code scope}, each counter
   * under its name in {@code mvpn:aodv stats} ({@link #counterName}), its handles taken here once.
   */
  RouterContext(
      Ipv4Address self,
      Vrf vrf,
      List<Interface> aodvInterfaces,
      AodvParameters parameters,
      CounterStore store,
      String scope) {
    for (AodvCounter c : AodvCounter.values()) {
      counters[c.ordinal()] = Counter.of(store, scope, counterName(c));
    }
    this.self = Objects.requireNonNull(self, "self");
    this.vrf = vrf;
    this.parameters = parameters.requireValid();
    this.scheduler = vrf.scheduler();
    for (Interface i : aodvInterfaces) {
      links.put(i.name(), i);
    }
    this.table = new RouteTable(parameters);
    this.duplicates = new DuplicateRreqCache(parameters);
    this.blacklist = new Blacklist(parameters);
    this.rreqLimiter = new RateLimiter(parameters.rreqRatelimit());
    this.rerrLimiter = new RateLimiter(parameters.rerrRatelimit());
    this.forwardLimiter = new RateLimiter(parameters.rreqForwardLimit());
    this.originatorLimits =
        new OriginatorRateLimits(parameters.rreqRatelimit(), ORIGINATORS_TRACKED);
  }

  // ---- configuration ----------------------------------------------------------------------------

  AodvParameters parameters() {
    return parameters;
  }

  /** Puts a changed set in force at once; a new forwarding limit starts with an empty window. */
  void reconfigure(AodvParameters changed) {
    changed.requireValid();
    if (changed.rreqForwardLimit() != parameters.rreqForwardLimit()) {
      forwardLimiter = new RateLimiter(changed.rreqForwardLimit());
    }
    parameters = changed;
  }

  boolean isGatewayFor(Ipv4Address address) {
    return gatewayFor.test(address);
  }

  void setGatewayFor(Predicate<Ipv4Address> reachableBeyond) {
    gatewayFor = Objects.requireNonNull(reachableBeyond, "reachableBeyond");
  }

  /** The AODV interface of that name, or null when it is none of ours. */
  Interface link(String name) {
    return links.get(name);
  }

  /** The AODV interfaces, in the order the router was given them. */
  Collection<Interface> links() {
    return links.values();
  }

  // ---- own numbers (§6.1, §6.3) -----------------------------------------------------------------

  int ownSeq() {
    return ownSeq;
  }

  /** Increments our sequence number (§6.1) and returns the new one. */
  int nextOwnSeq() {
    ownSeq = SequenceNumbers.increment(ownSeq);
    return ownSeq;
  }

  /** §6.6.1: a destination's number catches up with what an originator asked for. */
  void catchUpOwnSeq(int asked) {
    if (SequenceNumbers.isNewer(asked, ownSeq)) {
      ownSeq = asked;
    }
  }

  /** The next RREQ ID, remembered so our own RREQ coming back is a duplicate (§6.3). */
  int nextRreqId(long now) {
    rreqId++;
    duplicates.isDuplicate(self, rreqId, now);
    return rreqId;
  }

  // ---- the quiet period after a reboot (§6.13) --------------------------------------------------

  void holdAfterReboot() {
    rebootHold = new RebootHold(parameters, now());
  }

  boolean rebootHolding() {
    return rebootHold != null && rebootHold.isHolding(now());
  }

  /** Someone still routes through us: the quiet period starts again. */
  void dataWithoutRoute(long now) {
    if (rebootHold != null) {
      rebootHold.dataWithoutRoute(now);
    }
  }

  // ---- counters and time ------------------------------------------------------------------------

  long now() {
    return scheduler.nanoTime();
  }

  void count(AodvCounter c) {
    counters[c.ordinal()].increment();
  }

  void count(AodvCounter c, int times) {
    counters[c.ordinal()].add(times);
  }

  long counter(AodvCounter c) {
    return counters[c.ordinal()].get();
  }

  /** A counter's name in the counter store, as {@code mvpn:aodv stats} shows it. */
  static String counterName(AodvCounter c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  boolean mayOriginateRreq(long now) {
    return rreqLimiter.tryAcquire(now);
  }

  /** Whether the originator of a received RREQ keeps to RREQ_RATELIMIT (§6.3). */
  boolean withinOriginatorRate(Ipv4Address originator, long now) {
    return originatorLimits.withinRate(originator, now);
  }

  boolean mayForwardRreq(long now) {
    return forwardLimiter.tryAcquire(now);
  }

  /** When we last broadcast: a Hello is due only after a HELLO_INTERVAL of silence (§6.9). */
  long lastBroadcast() {
    return lastBroadcast;
  }

  void broadcastAt(long now) {
    lastBroadcast = now;
  }

  // ---- sending ----------------------------------------------------------------------------------

  /** On every link that is up; returns how many. */
  int broadcast(AodvMessage message, int ttl) {
    ByteBuf payload = message.encode(vrf.alloc());
    int sent = 0;
    try {
      for (Interface i : links.values()) {
        if (i.isUp()) {
          vrf.send(udp(payload, LIMITED_BROADCAST, ttl), i, LIMITED_BROADCAST);
          sent++;
        }
      }
    } finally {
      payload.release();
    }
    lastBroadcast = now();
    return sent;
  }

  /** One message on one link. */
  void sendOn(Interface via, AodvMessage message, int destination, int ttl) {
    ByteBuf payload = message.encode(vrf.alloc());
    try {
      vrf.send(udp(payload, destination, ttl), via, destination);
    } finally {
      payload.release();
    }
  }

  private ByteBuf udp(ByteBuf payload, int destination, int ttl) {
    return UdpDatagram.build(
        vrf.alloc(),
        self.toInt(),
        destination,
        AodvMessages.UDP_PORT,
        AodvMessages.UDP_PORT,
        payload,
        ttl);
  }

  /**
   * A RERR to the neighbours (§6.11), within RERR_RATELIMIT; at most the destinations one message
   * holds. With {@code noDelete} (N, §6.12) upstream keeps its routes.
   */
  void sendRerr(List<UnreachableDestination> lost, boolean noDelete) {
    if (!rerrLimiter.tryAcquire(now())) {
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

  /** A RERR for one destination, with the last number we knew for it. */
  void sendRerr(Ipv4Address destination, boolean noDelete) {
    int seq = table.lookup(destination).map(RouteEntry::seq).orElse(0);
    sendRerr(List.of(new UnreachableDestination(destination, seq)), noDelete);
  }

  /** A data datagram to the route's next hop; dropped if the route's link is none of ours. */
  void transmit(RouteEntry route, ByteBuf datagram) {
    Interface via = links.get(route.networkInterface());
    if (via == null) {
      datagram.release();
      count(AodvCounter.DATA_DROPPED);
      return;
    }
    vrf.send(datagram, via, route.nextHop().toInt());
  }
}
