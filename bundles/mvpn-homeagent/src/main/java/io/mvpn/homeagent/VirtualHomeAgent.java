package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.time.Scheduler;
import io.mvpn.homeagent.RegistrationCheck.Verdict;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.concurrent.TimeUnit;

/**
 * The Mobile IPv4 home agent of one tenant (RFC 5944 §3.8), living between the public VRF, where
 * the dispatcher hands it registrations and reverse-tunnelled datagrams, and the tenant's own VRF,
 * where it stands in for mobile nodes that are away: a host route per bound home address leads into
 * a tunnel interface that encapsulates (RFC 2003) toward each care-of address.
 *
 * <p>A {@link RegistrationCheck} decides on each request; this class applies the verdict (bindings,
 * routes, timers) and answers, plainly or through {@link SecurityInformationUpdates}. RFC 3519
 * tunnels are {@link UdpTunnels}'. Bindings live in a {@link BindingStore} outside this bundle,
 * written through a local {@link ForwardingCache}; {@link #start} rebuilds cache, routes and timers
 * from the store.
 *
 * <p>Runs on the scheduler the public and tenant VRFs share.
 */
public final class VirtualHomeAgent implements HomeAgent {

  private static final Binding[] NO_BINDINGS = new Binding[0];

  private final HomeAgentConfig config;
  private final Vrf publicVrf;
  private final Vrf tenantVrf;
  private final BindingStore store;
  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private final RegistrationCheck check;
  private final ForwardingCache bindings;
  private final UdpTunnels udpTunnels;
  private final SecurityInformationUpdates updates;
  private final RegistrationReplier replier;
  private final LongObjectMap<Expiry> expiryTimers = new LongObjectHashMap<>();
  private final RegistrationStats stats;
  private RegistrationAdmission admission;
  private RegistrationEvents events;
  private Interface tunnel;
  private MobilityTunnel mobilityTunnel;

  /** The tenant's inner IPsec: kept here, as each start makes a new tunnel that must ask it. */
  private InnerTunnelSecurity innerSecurity = InnerTunnelSecurity.NONE;

  private io.mvpn.net.Registration homeSide;

  /**
   * @param epochOffsetNanos added to scheduler time to get Unix time, for timestamp checks
   */
  public VirtualHomeAgent(
      HomeAgentConfig config,
      Vrf publicVrf,
      Vrf tenantVrf,
      BindingStore store,
      long epochOffsetNanos) {
    this(config, publicVrf, tenantVrf, store, epochOffsetNanos, new RegistrationStats());
  }

  /**
   * @param stats where the engine counts, e.g. in the appliance's counter store so counts outlive
   *     the engine
   */
  public VirtualHomeAgent(
      HomeAgentConfig config,
      Vrf publicVrf,
      Vrf tenantVrf,
      BindingStore store,
      long epochOffsetNanos,
      RegistrationStats stats) {
    this.config = config;
    this.stats = stats;
    this.publicVrf = publicVrf;
    this.tenantVrf = tenantVrf;
    this.store = store;
    this.scheduler = tenantVrf.scheduler();
    this.epochOffsetNanos = epochOffsetNanos;
    this.check = new RegistrationCheck(config);
    this.bindings = new ForwardingCache(store, config.tenant());
    this.udpTunnels = new UdpTunnels(publicVrf, config.address(), bindings, stats);
    this.updates = new SecurityInformationUpdates(config, publicVrf, this::ntpSeconds);
    this.replier = new RegistrationReplier(config.address(), publicVrf, stats, updates);
    this.events = new RegistrationEvents(SecurityEvents.NONE, config.tenant().value());
    this.admission = new RegistrationAdmission(scheduler, RegistrationAdmission.DEFAULT_PER_SECOND);
  }

  /** Takes on at most {@code perSecond} registration requests a second, refreshes first. */
  public void admitAtMost(int perSecond) {
    this.admission = new RegistrationAdmission(scheduler, perSecond);
  }

  public RegistrationAdmission admission() {
    return admission;
  }

  /** Where refused registrations are reported (authentication failures, replays, bad input). */
  public void reportTo(SecurityEvents securityEvents) {
    this.events = new RegistrationEvents(securityEvents, config.tenant().value());
  }

  @Override
  public Ipv4Address address() {
    return config.address();
  }

  @Override
  public MvpnId tenant() {
    return config.tenant();
  }

  @Override
  public HomeAgentConfig config() {
    return config;
  }

  @Override
  public RegistrationStats stats() {
    return stats;
  }

  /** Security Information Updates sent to gateways (seed 001). */
  public long siusSent() {
    return updates.sent();
  }

  /** The tunnel interface in the tenant VRF (null before {@link #start}). */
  public Interface tunnelInterface() {
    return tunnel;
  }

  /**
   * IPsec inside the tunnel (seed 002 claim 24): asked about every datagram the tunnel carries,
   * both ways, from now on, a restart included ({@code null}: none).
   */
  public void protectInnerWith(InnerTunnelSecurity security) {
    innerSecurity = security == null ? InnerTunnelSecurity.NONE : security;
    if (mobilityTunnel != null) {
      mobilityTunnel.protectWith(innerSecurity);
    }
  }

  /** Opens the tunnel interface and restores cache, routes, claims and timers from the store. */
  public void start() {
    mobilityTunnel = new MobilityTunnel(config.address(), publicVrf, bindings, udpTunnels, stats);
    mobilityTunnel.protectWith(innerSecurity);
    tunnel = tenantVrf.addInterface("mip-" + config.tenant(), config.address(), 32, mobilityTunnel);
    // A mobile node back home deregisters from inside the tenant's network.
    homeSide = tenantVrf.bindUdp(MipConstants.PORT, this::registration);
    replier.keepBuffers(true);
    long now = scheduler.nanoTime();
    for (Binding b : store.bindings(config.tenant())) {
      if (b.expiresAtNanos() <= now) {
        store.remove(b.tenant(), b.homeAddress(), b.careOfAddress());
      }
    }
    bindings.load();
    bindings.forEach(
        b -> {
          armExpiry(b);
          standIn(b.homeAddress());
        });
  }

  /**
   * Closes the tunnel interface, stops timers and frees the buffer kept for replies; bindings stay
   * in the store.
   */
  public void stop() {
    expiryTimers.values().forEach(e -> e.timer.cancel());
    expiryTimers.clear();
    bindings.forEach(b -> withdraw(b.homeAddress()));
    if (homeSide != null) {
      homeSide.close();
      homeSide = null;
    }
    if (tunnel != null) {
      tenantVrf.removeInterface(tunnel.name());
      tunnel = null;
      mobilityTunnel = null;
    }
    replier.keepBuffers(false);
  }

  // ---- registration ---------------------------------------------------------------------------

  @Override
  public void registration(Vrf vrf, Interface ingress, UdpDatagram datagram) {
    // Read in place in the datagram: no slice of the payload, no copy.
    ByteBuf buf = datagram.ip().buffer();
    int offset = datagram.payloadOffset();
    int length = datagram.payloadLength();
    if (UdpTunnel.isData(buf, offset, length)) {
      MobilityTunnel current = mobilityTunnel;
      udpTunnels.received(
          vrf, datagram, tunnel, current == null ? InnerTunnelSecurity.NONE : current.security());
      return;
    }
    RegistrationRequest request;
    try {
      request = RegistrationRequest.parse(buf, offset, length);
    } catch (MalformedPacketException e) {
      if (admission.admitNew()) {
        apply(vrf, datagram, null, check.unparsable(datagram.payload()), NO_BINDINGS);
      } else {
        stats.onMalformed(); // over budget: no reply, but still counted by what it is
      }
      return;
    }
    // Over budget: silently dropped (RFC 5944 §3.8.2.1 allows it; the node retransmits with
    // back-off). A 130 reply would cost the same work again and reflect floods from forged sources.
    int home = request.homeAddress();
    Binding[] current = bindings.bindings(home); // empty if not bound
    if (!admitted(current.length > 0 ? admission.admitRefresh(home) : admission.admitNew())) {
      return;
    }
    Verdict verdict =
        check.check(
            request,
            datagram.ip().source(),
            store.lastIdentification(
                config.tenant(), homeAddress(current, home), RegistrationCheck.NO_IDENTIFICATION),
            ntpSeconds());
    apply(vrf, datagram, request, verdict, current);
  }

  /** The bound node's own home address object, or one made for {@code home}. */
  private static Ipv4Address homeAddress(Binding[] current, int home) {
    return current.length > 0 ? current[0].homeAddress() : Ipv4Address.of(home);
  }

  private boolean admitted(boolean admitted) {
    if (admitted) {
      return true;
    }
    stats.onShedOverload();
    return false;
  }

  /**
   * Carries out a verdict: authenticated, fresh and well-formed only now does state change.
   *
   * @param current the node's bindings as the request was checked (nothing changes them between)
   */
  private void apply(
      Vrf vrf,
      UdpDatagram datagram,
      RegistrationRequest request,
      Verdict verdict,
      Binding[] current) {
    events.verdict(datagram, verdict);
    SecurityInformationUpdates.Route siu = null;
    switch (verdict.action()) {
      case DROP_MALFORMED -> {
        stats.onMalformed();
        return;
      }
      case DROP_UNKNOWN_EXTENSION -> {
        stats.onUnknownExtension(); // RFC 5944 §1.9: silently discard
        return;
      }
      case DENY -> {
        if (request == null) {
          stats.onMalformed();
        }
      }
      case DEREGISTER -> {
        remember(request);
        deregister(request.homeAddress(), verdict.careOf());
      }
      case REGISTER -> {
        // The identification is remembered with the binding, in bind.
        siu =
            updates.through(
                vrf == publicVrf, datagram.ip().source(), request.careOfAddress(), current);
        bind(request, datagram, verdict, current);
      }
    }
    replier.send(vrf, datagram, verdict, siu);
  }

  private void remember(RegistrationRequest request) {
    int home = request.homeAddress();
    store.setLastIdentification(
        config.tenant(), homeAddress(bindings.bindings(home), home), request.identification());
  }

  private long ntpSeconds() {
    return MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
  }

  // ---- bindings -------------------------------------------------------------------------------

  private void bind(
      RegistrationRequest request, UdpDatagram datagram, Verdict verdict, Binding[] current) {
    long now = scheduler.nanoTime();
    int lifetime = verdict.lifetime();
    // A renewal from where the node already is takes its binding's addresses as they are.
    Binding previous = current.length == 1 ? current[0] : null;
    Ipv4Address home =
        previous != null ? previous.homeAddress() : Ipv4Address.of(request.homeAddress());
    Binding binding =
        new Binding(
            config.tenant(),
            home,
            sameOr(previous == null ? null : previous.careOfAddress(), verdict.careOf()),
            config.address(),
            request.flags(),
            lifetime,
            now,
            lifetime == MipConstants.INFINITE_LIFETIME
                ? Long.MAX_VALUE
                : now + TimeUnit.SECONDS.toNanos(lifetime),
            request.identification(),
            sameOr(previous == null ? null : previous.source(), datagram.ip().source()),
            datagram.sourcePort(),
            verdict.encapsulation());
    if (verdict.simultaneous()) {
      remember(request);
      bindings.put(binding);
    } else {
      long key = timerKey(binding);
      for (Binding old : bindings.replaceAll(binding, request.identification())) {
        if (timerKey(old) != key) {
          cancelExpiry(old);
        }
      }
    }
    armExpiry(binding);
    // Every accepted registration stands in again: the home link may have come up (or been
    // replaced) after the first binding, and its proxy ARP entry must follow it.
    standIn(home);
  }

  /** {@code known} if it is {@code address}, else the address made anew. */
  private static Ipv4Address sameOr(Ipv4Address known, int address) {
    return known != null && known.toInt() == address ? known : Ipv4Address.of(address);
  }

  private void deregister(int home, int careOf) {
    Ipv4Address homeAddress = Ipv4Address.of(home);
    if (careOf == home) {
      // Back home: every binding goes (RFC 5944 §3.6.1.2).
      for (Binding b : bindings.removeAll(homeAddress)) {
        cancelExpiry(b);
      }
    } else {
      Binding removed = bindings.remove(homeAddress, Ipv4Address.of(careOf));
      if (removed != null) {
        cancelExpiry(removed);
      }
    }
    if (!bindings.isBound(home)) {
      withdraw(homeAddress);
    }
  }

  /** Routes the home address into the tunnel and answers for it on the home network. */
  private void standIn(Ipv4Address home) {
    // A renewal finds its route in place: looked up, not made and put again.
    Route route = tenantVrf.lookup(home);
    if (route == null
        || route.via() != tunnel
        || route.prefix().length() != 32
        || route.origin() != Route.Origin.PROTOCOL) {
      tenantVrf.addRoute(new Route(Prefix.of(home, 32), null, tunnel, Route.Origin.PROTOCOL));
    }
    Interface homeInterface = homeInterface();
    if (homeInterface != null) {
      homeInterface.transport().announce(home.toInt());
    }
  }

  private void withdraw(Ipv4Address home) {
    Route route = tenantVrf.lookup(home);
    if (route != null && route.via() == tunnel && route.prefix().length() == 32) {
      tenantVrf.removeRoute(route.prefix());
    }
    Interface homeInterface = homeInterface();
    if (homeInterface != null) {
      homeInterface.transport().withdraw(home.toInt());
    }
  }

  private Interface homeInterface() {
    return config.homeInterface() == null ? null : tenantVrf.getInterface(config.homeInterface());
  }

  private static long timerKey(Binding b) {
    return ((long) b.homeAddress().toInt() << 32) | (b.careOfAddress().toInt() & 0xFFFFFFFFL);
  }

  /**
   * Makes sure the binding's expiry is timed. A renewal keeps the timer its care-of address has, if
   * that one falls due first: when it does, it finds the renewed binding and times the rest, so a
   * node renewing every few minutes costs one timer per lifetime rather than one per registration.
   */
  private void armExpiry(Binding b) {
    long key = timerKey(b);
    Expiry current = expiryTimers.get(key);
    if (current != null && current.dueNanos <= b.expiresAtNanos()) {
      return;
    }
    cancelExpiry(b);
    if (b.expiresAtNanos() != Long.MAX_VALUE) {
      time(key, b.expiresAtNanos());
    }
  }

  private void time(long key, long dueNanos) {
    Expiry expiry = new Expiry(dueNanos);
    expiry.timer =
        scheduler.schedule(
            dueNanos - scheduler.nanoTime(), TimeUnit.NANOSECONDS, () -> expire(key));
    expiryTimers.put(key, expiry);
  }

  /** A binding's timer fell due: it goes, unless a renewal has moved its expiry on. */
  private void expire(long key) {
    expiryTimers.remove(key);
    int home = (int) (key >>> 32);
    Binding b = bindings.binding(home, (int) key);
    if (b == null) {
      return;
    }
    if (b.expiresAtNanos() > scheduler.nanoTime()) {
      if (b.expiresAtNanos() != Long.MAX_VALUE) {
        time(key, b.expiresAtNanos());
      }
      return;
    }
    bindings.remove(b.homeAddress(), b.careOfAddress());
    if (!bindings.isBound(home)) {
      withdraw(b.homeAddress());
    }
  }

  private void cancelExpiry(Binding b) {
    Expiry t = expiryTimers.remove(timerKey(b));
    if (t != null) {
      t.timer.cancel();
    }
  }

  /** A binding's expiry timer and when it falls due. */
  private static final class Expiry {
    final long dueNanos;
    Scheduler.Timer timer;

    Expiry(long dueNanos) {
      this.dueNanos = dueNanos;
    }
  }

  // ---- tunnels --------------------------------------------------------------------------------

  /** A reverse-tunnelled datagram (RFC 3024), for the tenant VRF if its sender is bound. */
  @Override
  public void tunnelled(Vrf vrf, Interface ingress, Ipv4Packet outer) {
    MobilityTunnel current = mobilityTunnel;
    if (current == null) {
      stats.onTunnelled(false);
      tenantVrf.counters().onDrop(DropReason.NO_ROUTE);
      return;
    }
    current.reverseTunnelled(vrf, outer);
  }
}
