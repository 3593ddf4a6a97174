package io.mvpn.aodv;

import io.mvpn.aodv.message.AodvExtension;
import io.mvpn.aodv.message.AodvFormatException;
import io.mvpn.aodv.message.AodvMessage;
import io.mvpn.aodv.message.AodvMessages;
import io.mvpn.aodv.message.RouteError;
import io.mvpn.aodv.message.RouteReply;
import io.mvpn.aodv.message.RouteReplyAck;
import io.mvpn.aodv.message.RouteRequest;
import io.mvpn.aodv.message.SiteRoutes;
import io.mvpn.aodv.pki.PkiSigning;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.CounterStore;
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
  private final HelloAdmission admission;
  private final PkiHelloAdmission pkiAdmission;
  private final SiteEntry siteEntry;
  private final ProxiedNodes proxied;
  private DhcpHelloServer dhcp;
  private boolean started;
  private final List<Registration> registrations = new ArrayList<>();
  private PkiPolicy pkiPolicy;
  private Scheduler.Timer housekeeping;

  public MobilityRouter(
      Ipv4Address self, Vrf vrf, List<Interface> aodvInterfaces, AodvParameters parameters) {
    this(self, vrf, aodvInterfaces, parameters, null, null);
  }

  /**
   * A router that counts in {@code counters} (if not null), in {@code scope}: a router that follows
   * another over the same store and scope, as after an update, goes on from its counts.
   */
  public MobilityRouter(
      Ipv4Address self,
      Vrf vrf,
      List<Interface> aodvInterfaces,
      AodvParameters parameters,
      CounterStore counters,
      String scope) {
    ctx = new RouterContext(self, vrf, aodvInterfaces, parameters, counters, scope);
    rreps = new RrepSender(ctx);
    weighted = new WeightedRingSearch(ctx);
    discovery = new RouteDiscovery(ctx, weighted);
    refresh = new GratuitousRefresh(ctx, rreps);
    handover = new SinkHandover(ctx, discovery, rreps);
    rreqs = new RreqHandler(ctx, rreps, weighted, refresh);
    rrepHandler = new RrepHandler(ctx, rreps, discovery, handover);
    rerrs = new RerrHandler(ctx, discovery, handover);
    neighbourMonitor = new NeighbourMonitor(ctx, discovery, rerrs);
    admission = new HelloAdmission(ctx, neighbourMonitor);
    pkiAdmission = new PkiHelloAdmission(ctx, admission);
    siteEntry = new SiteEntry(ctx);
    data = new DataForwarding(ctx, discovery, refresh, rerrs, admission);
    proxied = new ProxiedNodes(ctx, discovery);
    ctx.proxied = proxied;
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
   * The traffic the VRF hands this router, set before {@link #start}: by default every datagram
   * without a more specific route; a site's gateway in its tenant's VRF takes only the site's range
   * (seed 002 c14), since the tenant's default route leads elsewhere (its home network, the
   * Internet).
   */
  public void serve(io.mvpn.api.Prefix prefix) {
    data.serve(prefix);
  }

  /**
   * Makes this router a sink that admits nodes entering with authenticated hellos (seed 002
   * c40-49): each is checked by {@code policy}'s authority before anything of it is taken.
   */
  public void setSitePolicy(SitePolicy policy) {
    admission.setPolicy(policy);
  }

  /**
   * Makes this sink serve nodes that speak only DHCP on {@code access}'s links (seed 002 c57-62):
   * their DHCP requests are their hellos, checked by the {@link SitePolicy}'s authority (set that
   * first), and the sink acts for them in AODV. Set once.
   */
  public void setDhcpAccess(DhcpAccess access) {
    if (!admission.active()) {
      throw new IllegalStateException("DHCP hellos need a site policy: set it first");
    }
    if (dhcp != null) {
      throw new IllegalStateException("DHCP access is set once");
    }
    dhcp = new DhcpHelloServer(ctx, admission, proxied, access);
    admission.setProxyLinks(access.links());
    if (started) {
      dhcp.start(admission.policy());
    }
  }

  /** The nodes that entered with DHCP hellos and their leases (none without DHCP access). */
  public List<DhcpLease> dhcpLeases() {
    return dhcp == null ? List.of() : dhcp.leases();
  }

  /**
   * Seed 002 c50-56: this router's certificate and key and its MSM's CA. As a sink (with a {@link
   * SitePolicy}) it checks PKI hellos itself and signs its Site Routes; as a node it enters sites
   * with {@link #enterSiteWithCertificate} and takes Site Routes only from a sink of the same CA.
   */
  public void setPkiPolicy(PkiPolicy policy) {
    if (policy != null) {
      try {
        PkiSigning.requireSigningKey(policy.credential());
      } catch (PkiSigning.UnsupportedKeyException e) {
        throw new IllegalArgumentException("a PKI hello cannot be signed with " + e.getMessage());
      }
    }
    pkiAdmission.setPolicy(policy);
    pkiPolicy = policy;
  }

  /** Node side of c51: enters the site on {@code link} with a PKI hello; returns its timestamp. */
  public long enterSiteWithCertificate(String link) {
    if (pkiPolicy == null) {
      throw new IllegalStateException("no PKI policy set");
    }
    try {
      return siteEntry.enterWithCertificate(link, pkiPolicy);
    } catch (PkiSigning.UnsupportedKeyException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The nodes that entered through this sink with authenticated hellos. */
  public List<SiteNode> siteNodes() {
    return admission.nodes();
  }

  /**
   * Node side of c40: enters the site on {@code link} with a Hello signed by the key shared with
   * the home MSM under {@code spi}; returns the hello's timestamp.
   */
  public long enterSite(String link, String identity, int spi, byte[] key) {
    return siteEntry.enter(link, identity, spi, key);
  }

  /** Node side of c44-46: the routes the sink advertised once the node was admitted, or none. */
  public List<SiteRoutes.Route> siteRoutes() {
    SiteEntry.Advertised a = siteEntry.advertised();
    return a == null ? List.of() : a.routes();
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

  /** The (originator, RREQ ID) pairs remembered now against re-flooding (§6.5). */
  public int rememberedRreqs() {
    return ctx.duplicates.size(ctx.now());
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
    if (dhcp != null) {
      dhcp.start(admission.policy());
    }
    started = true;
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
    proxied.clear();
    if (dhcp != null) {
      dhcp.stop();
    }
    started = false;
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
    if (admission.active()) {
      if (message instanceof RouteReply r && r.extension(AodvExtension.HELLO_AUTH) != null) {
        admission.onHello(r, sender, ingress, now); // heard only once admitted
        return;
      }
      if (message instanceof RouteReply r && PkiHelloAdmission.isPkiHello(r)) {
        pkiAdmission.onHello(r, sender, ingress, now);
        return;
      }
      if (admission.blocks(sender, ingress)) {
        ctx.count(AodvCounter.IGNORED); // c41: nothing of a node taken before its MSM said yes
        return;
      }
    }
    if (SiteEntry.isAdvertisement(message, ctx.self, sender)) {
      // A neighbour only once its Site Routes are taken: a PKI sink's must check first.
      siteEntry.onAdvertisement(
          (RouteReply) message, sender, now, () -> neighbourMonitor.heard(sender, ingress, now));
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
