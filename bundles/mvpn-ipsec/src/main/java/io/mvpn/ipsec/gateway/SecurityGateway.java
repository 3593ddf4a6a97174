package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.ipsec.esp.SecurityPolicy;
import io.mvpn.ipsec.esp.SecurityPolicy.Action;
import io.mvpn.ipsec.esp.SecurityPolicyDatabase;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security gateway of one private network (seed 001, Fig. 1: the VPN gateway 2): ESP tunnels to
 * roaming mobile nodes between an outside VRF (the Internet) and an inside VRF (the private
 * network, where the home agent lives).
 *
 * <p>Inbound, an SA without a tunnel source accepts a node from whatever care-of address it uses
 * (c7), so the node's registration request from a new address reaches the home agent at once.
 * Outbound, the SPD picks the tunnel by the inner destination: the node's home address, or its
 * care-of address for what the home agent tunnels to it (the Mobile IP tunnel inside the IPsec
 * tunnel). A Security Information Update from the home agent, authenticated and fresh, re-points
 * the outbound SA to the new care-of address before the registration reply it carries, or anything
 * after it, leaves for the node (c1, c4, c7).
 *
 * <p>Runs on the scheduler both VRFs share; not thread-safe.
 */
public final class SecurityGateway {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityGateway.class);
  private static final int TTL = 64;
  private static final String INTERFACE = "ipsec0";

  /**
   * @param publicAddress the gateway's address on the outside VRF, where ESP arrives
   * @param siuPort the UDP port the inside VRF listens on for updates
   * @param homeAgentKeys gateway-HA associations, by home agent address
   * @param replayToleranceSeconds how far an update's timestamp may be from the gateway's clock
   */
  public record Config(
      Ipv4Address publicAddress,
      int siuPort,
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys,
      int replayToleranceSeconds) {
    public Config {
      Objects.requireNonNull(publicAddress, "publicAddress");
      homeAgentKeys = Map.copyOf(homeAgentKeys);
      if (replayToleranceSeconds < 1) {
        throw new IllegalArgumentException("replay tolerance " + replayToleranceSeconds + " s");
      }
    }
  }

  /** An applied update, as listeners and the shell see it. */
  public record Update(
      long atNanos, Ipv4Address homeAddress, Ipv4Address oldCareOf, Ipv4Address newCareOf) {}

  private final Config config;
  private final Vrf outside;
  private final Vrf inside;
  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
  private final SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
  private final Map<Integer, GatewayEntry> byHome = new LinkedHashMap<>();
  private final Map<EspSecurityAssociation, GatewayEntry> bySa = new HashMap<>();
  private final Map<Ipv4Address, Long> lastSiu = new HashMap<>();
  private GatewayCounts counts = new GatewayCounts();
  private final UnknownSpiLog unknownSpis;
  private final GatewayEvents events;
  private final List<Consumer<Update>> listeners = new ArrayList<>();
  private final List<Registration> registrations = new ArrayList<>();
  private Interface tunnelInterface;
  private GatewaySaStore saStore; // null: the tunnels live only here
  private EspOwners esp; // who seals and opens: this thread unless spread over owners
  private final GatewayInbound inbound;
  private ReaderEsp readerEsp; // null: ESP is opened where the loop hands it (espOnReaders off)

  /**
   * @param epochOffsetNanos added to scheduler time to get Unix time, for timestamp checks
   */
  public SecurityGateway(Config config, Vrf outside, Vrf inside, long epochOffsetNanos) {
    this.config = Objects.requireNonNull(config, "config");
    this.outside = outside;
    this.inside = inside;
    this.scheduler = inside.scheduler();
    this.epochOffsetNanos = epochOffsetNanos;
    this.unknownSpis = new UnknownSpiLog("gateway " + config.publicAddress(), LOG, scheduler);
    this.events = new GatewayEvents(config.publicAddress());
    this.esp = EspOwners.inline(scheduler, outside.alloc());
    this.inbound = new GatewayInbound(this, outside, sad, spd, unknownSpis, events);
  }

  /**
   * Opens inbound ESP on the outside VRF's TUN reader threads, where they read it, rather than on
   * this thread or the ESP owners ({@link ReaderEsp}); before traffic. What follows the opening
   * stays on this thread. Outbound is unchanged.
   */
  public void openEspOnReaders() {
    readerEsp = new ReaderEsp(config.publicAddress().toInt(), inbound);
    if (saStore != null) {
      saStore.limitReaders(readerEsp);
    }
    for (EspSecurityAssociation sa : sad.all()) {
      readerEsp.changed(sa.spi(), sad);
    }
    if (running()) {
      outside.interfaces().forEach(i -> i.setReaderStage(readerEsp));
    }
  }

  /** Whether inbound ESP is opened on the readers ({@link #openEspOnReaders}). */
  public boolean espOnReaders() {
    return readerEsp != null;
  }

  /** Seals and opens on {@code owners} from now on, one owner per SA; before traffic. */
  public void spreadEspOver(EspOwners owners) {
    owners.countWith(c -> counts.count(c)); // read at each count: countInto may follow
    this.esp = owners.checkedAgainst(saStore);
  }

  /** Where refused ESP and updates are reported: ICV failures, replays, unknown SPIs, SIUs. */
  public void reportTo(SecurityEvents securityEvents) {
    events.reportTo(securityEvents);
  }

  /**
   * Hands the IKE datagrams arriving on port 4500 (behind the non-ESP marker, RFC 3948 §2.2) to the
   * gateway's IKE responder; null drops them.
   */
  public void setNatTraversalIke(Consumer<UdpDatagram> handler) {
    inbound.setNatTraversalIke(handler);
  }

  public Config config() {
    return config;
  }

  public void start() {
    registrations.add(
        outside.registerProtocol(IpProtocol.ESP, (vrf, in, p) -> inbound.fromRawEsp(p)));
    registrations.add(outside.bindUdp(EspInUdp.PORT, new EspInUdpPort(inbound::fromUdp)));
    registrations.add(inside.bindUdp(config.siuPort(), (vrf, in, d) -> update(d)));
    tunnelInterface = inside.addInterface(INTERFACE, config.publicAddress(), 32, new Tunnels());
    if (readerEsp != null) {
      // The interfaces the outside VRF has now: a gateway's are configured before it starts.
      outside.interfaces().forEach(i -> i.setReaderStage(readerEsp));
    }
  }

  /** Stops taking packets; outcomes still with the ESP owners are dropped as they come back. */
  public void stop() {
    if (readerEsp != null) {
      outside.interfaces().forEach(i -> i.setReaderStage(null)); // in flight: dropped on arrival
    }
    esp.stop();
    registrations.forEach(Registration::close);
    registrations.clear();
    if (tunnelInterface != null) {
      inside.removeInterface(INTERFACE);
      tunnelInterface = null;
    }
  }

  /**
   * Writes every change of the tunnels through to {@code store} from now on, and reserves their
   * sequence numbers there; tunnels it holds are {@linkplain GatewaySaStore#restore restored}
   * first.
   */
  public void writeThrough(GatewaySaStore store) {
    esp.checkedAgainst(store);
    this.saStore = store;
    if (readerEsp != null) {
      store.limitReaders(readerEsp);
    }
  }

  /** Counts into {@code counts} from now on: counters in a store outlive the engine. */
  public void countInto(GatewayCounts counts) {
    this.counts = counts;
  }

  // ---- tunnels --------------------------------------------------------------------------------

  /** Installs a mobile node's SA bundle (manually keyed, or from IKE). Replaces an older one. */
  public void addTunnel(MobileTunnel tunnel) {
    install(tunnel);
    saved(tunnel, List.of());
  }

  /** A tunnel rebuilt from a store, with the re-keyed inbound SAs still accepted; not re-stored. */
  public void restoreTunnel(MobileTunnel tunnel, List<EspSecurityAssociation> retiring) {
    install(tunnel);
    keepRetiring(byHome.get(tunnel.homeAddress().toInt()), retiring);
  }

  private void install(MobileTunnel tunnel) {
    uninstall(tunnel.homeAddress());
    GatewayEntry e = new GatewayEntry(tunnel);
    sadAdd(tunnel.inbound());
    e.homePolicy = protect(tunnel.homeAddress(), tunnel);
    e.careOfPolicy = protect(tunnel.careOfAddress(), tunnel);
    byHome.put(tunnel.homeAddress().toInt(), e);
    bySa.put(tunnel.inbound(), e);
    bySa.put(tunnel.outbound(), e);
    route(tunnel.homeAddress());
    route(tunnel.careOfAddress());
  }

  /**
   * A re-key of a node's tunnel (RFC 7296 §2.8): the new SAs take over, sending where the old
   * outbound SA sent (the node may have moved since IKE made it, seed 001), and the old inbound SA
   * is still accepted, as the node sends on it until the re-key's answer reaches it, until {@link
   * #retireInbound}. Without a tunnel for the node, as {@link #addTunnel}.
   */
  public void rekeyTunnel(MobileTunnel next) {
    GatewayEntry old = byHome.get(next.homeAddress().toInt());
    if (old == null) {
      addTunnel(next);
      return;
    }
    EspSecurityAssociation was = old.tunnel.outbound();
    next.outbound().repoint(was.tunnelSource(), was.tunnelDestination());
    next.outbound().setUdpPorts(was.udpSourcePort(), was.udpDestinationPort());
    MobileTunnel moved =
        new MobileTunnel(
            next.homeAddress(), next.inbound(), next.outbound(), old.tunnel.udpEncapsulated());
    List<EspSecurityAssociation> keep = new ArrayList<>(old.retiring);
    keep.add(old.tunnel.inbound());
    install(moved);
    GatewayEntry e = byHome.get(next.homeAddress().toInt());
    keepRetiring(e, keep);
    saved(moved, e.retiring);
  }

  private void keepRetiring(GatewayEntry e, List<EspSecurityAssociation> keep) {
    for (EspSecurityAssociation in : keep) {
      sadAdd(in);
      bySa.put(in, e);
      e.retiring.add(in);
    }
  }

  /** Stops accepting a node's previous inbound SA once IKE has deleted it. */
  public void retireInbound(EspSecurityAssociation inbound) {
    GatewayEntry e = bySa.get(inbound);
    if (e != null && e.retiring.remove(inbound)) {
      sadRemove(inbound);
      bySa.remove(inbound);
      saved(e.tunnel, e.retiring);
    }
  }

  /**
   * Ends the inbound SA of that SPI: a node's current one takes the node's tunnel with it, one kept
   * through a re-key only stops being accepted. False if the gateway holds none.
   */
  public boolean removeInbound(int spi) {
    for (GatewayEntry e : List.copyOf(byHome.values())) {
      if (e.tunnel.inbound().spi() == spi) {
        removeTunnel(e.tunnel.homeAddress());
        return true;
      }
      for (EspSecurityAssociation in : e.retiring) {
        if (in.spi() == spi) {
          retireInbound(in);
          return true;
        }
      }
    }
    return false;
  }

  /** Removes a node's tunnel: its SAs, policies and routes. */
  public MobileTunnel removeTunnel(Ipv4Address homeAddress) {
    MobileTunnel removed = uninstall(homeAddress);
    if (removed != null && saStore != null) {
      saStore.removed(homeAddress);
    }
    return removed;
  }

  /** Into the SAD, and the readers' index when they open ESP. */
  private void sadAdd(EspSecurityAssociation in) {
    sad.add(in);
    if (readerEsp != null) {
      readerEsp.changed(in.spi(), sad);
    }
  }

  private void sadRemove(EspSecurityAssociation in) {
    sad.remove(in);
    if (readerEsp != null) {
      readerEsp.changed(in.spi(), sad);
    }
  }

  void saved(MobileTunnel tunnel, List<EspSecurityAssociation> retiring) {
    if (saStore != null) {
      saStore.saved(tunnel, retiring);
    }
  }

  private MobileTunnel uninstall(Ipv4Address homeAddress) {
    GatewayEntry e = byHome.remove(homeAddress.toInt());
    if (e == null) {
      return null;
    }
    for (EspSecurityAssociation in : e.retiring) {
      sadRemove(in);
      bySa.remove(in);
    }
    sadRemove(e.tunnel.inbound());
    spd.remove(e.homePolicy);
    spd.remove(e.careOfPolicy);
    bySa.remove(e.tunnel.inbound());
    bySa.remove(e.tunnel.outbound());
    inside.removeRoute(Prefix.of(homeAddress, 32));
    inside.removeRoute(Prefix.of(e.tunnel.careOfAddress(), 32));
    return e.tunnel;
  }

  public MobileTunnel tunnel(Ipv4Address homeAddress) {
    GatewayEntry e = byHome.get(homeAddress.toInt());
    return e == null ? null : e.tunnel;
  }

  public List<MobileTunnel> tunnels() {
    return byHome.values().stream().map(e -> e.tunnel).toList();
  }

  public SecurityPolicyDatabase spd() {
    return spd;
  }

  public SecurityAssociationDatabase sad() {
    return sad;
  }

  public long counter(GatewayCounter c) {
    return counts.get(c);
  }

  /** ESP packets refused by the gateway's SAs, per reason. */
  public Map<EspException.Reason, Long> refusals() {
    return counts.refusals();
  }

  /** Told of each applied update, on the engine's thread. */
  public void addUpdateListener(Consumer<Update> listener) {
    listeners.add(listener);
  }

  private SecurityPolicy protect(Ipv4Address remote, MobileTunnel tunnel) {
    SecurityPolicy p = MobileTunnels.policyTo(remote, tunnel);
    spd.add(p);
    return p;
  }

  private void route(Ipv4Address address) {
    inside.addRoute(
        new Route(Prefix.of(address, 32), null, tunnelInterface, Route.Origin.PROTOCOL));
  }

  // ---- outbound: toward mobile nodes ----------------------------------------------------------

  /** What the inside VRF routes to the tunnels: the SPD picks the SA by the inner destination. */
  private final class Tunnels extends EncapsulatingTransport {

    Tunnels() {
      // Over Ethernet in AES-GCM ESP in UDP: IPv4, UDP, ESP header, IV, ICV, trailer. A smaller
      // outside link is checked per datagram (TunnelMtu), which pre-fragments DF-clear ones.
      super("esp:" + config.publicAddress(), 1500 - 20 - 8 - 8 - 8 - 16 - 2);
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      SecurityPolicy p = spd.match(inner, true);
      GatewayEntry e = p == null || p.action() != Action.PROTECT ? null : bySa.get(p.outboundSa());
      if (e == null) {
        counts.count(GatewayCounter.OUTBOUND_SELECTOR_MISS);
        return;
      }
      Route path = outside.lookup(e.tunnel.outbound().tunnelDestination());
      int fits = path == null ? inner.totalLength() : TunnelMtu.largestInner(e.tunnel, path);
      if (inner.totalLength() <= fits) {
        sendThrough(e.tunnel, inner);
      } else if (TunnelMtu.fragment(inner, fits, outside.alloc(), f -> sendThrough(e.tunnel, f))) {
        counts.count(GatewayCounter.PRE_FRAGMENTED);
      } else {
        counts.count(GatewayCounter.TOO_BIG_FOR_TUNNEL);
        TunnelMtu.tellWhatFits(inside, config.publicAddress(), inner, fits);
      }
    }
  }

  private void sendThrough(MobileTunnel tunnel, Ipv4Packet inner) {
    EspSecurityAssociation sa = tunnel.outbound();
    esp.seal(sa, inner, tunnel.udpEncapsulated(), TTL, (out, x, newest) -> sent(sa, out, x));
  }

  private void sent(EspSecurityAssociation sa, ByteBuf out, EspException x) {
    if (x != null) {
      refuse(x.reason());
      return;
    }
    counts.count(GatewayCounter.ESP_SENT);
    if (saStore != null) {
      saStore.used(sa);
    }
    outside.send(out);
  }

  // ---- Security Information Update ------------------------------------------------------------

  private void update(UdpDatagram d) {
    SecurityInformationUpdate siu;
    try {
      siu = SecurityInformationUpdate.parse(d.payload());
    } catch (MalformedPacketException x) {
      siuRefused(d, GatewayCounter.SIU_MALFORMED);
      return;
    }
    // Verified before anything in it is believed.
    MobilitySecurityAssociation key = config.homeAgentKeys().get(siu.homeAgent());
    if (key == null) {
      siuRefused(d, GatewayCounter.SIU_UNKNOWN_HOME_AGENT);
      return;
    }
    if (!siu.verify(key)) {
      siuRefused(d, GatewayCounter.SIU_FORGED);
      return;
    }
    long id = siu.identification();
    Long last = lastSiu.get(siu.homeAgent());
    if (Math.abs((id >>> 32) - ntpSeconds()) > config.replayToleranceSeconds()
        || (last != null && Long.compareUnsigned(id, last) <= 0)) {
      siuRefused(d, GatewayCounter.SIU_REPLAYED);
      return;
    }
    GatewayEntry e = byHome.get(siu.homeAddress().toInt());
    Ipv4Address old = siu.oldCareOf();
    Ipv4Address current = e == null ? null : e.tunnel.careOfAddress();
    if (e == null
        || !(old.toInt() == 0 || old.equals(current) || siu.newCareOf().equals(current))) {
      siuRefused(d, GatewayCounter.SIU_UNKNOWN_SA);
      return;
    }
    lastSiu.put(siu.homeAgent(), id);
    repoint(e, siu.newCareOf());
    counts.count(GatewayCounter.SIU_APPLIED);
    Update applied = new Update(scheduler.nanoTime(), siu.homeAddress(), current, siu.newCareOf());
    listeners.forEach(l -> l.accept(applied));
    // Only now, through the re-pointed SA, does the reply leave (c4; Fig. 3 step 27).
    ByteBuf reply =
        UdpDatagram.build(
            inside.alloc(),
            siu.homeAgent().toInt(),
            siu.homeAddress().toInt(),
            MipConstants.PORT,
            siu.replyPort(),
            siu.reply(),
            TTL);
    try {
      sendThrough(e.tunnel, Ipv4Packet.parse(reply));
    } catch (MalformedPacketException x) {
      throw new IllegalStateException("a reply this gateway built does not parse", x);
    } finally {
      reply.release();
    }
  }

  private void repoint(GatewayEntry e, Ipv4Address newCareOf) {
    Ipv4Address old = e.tunnel.careOfAddress();
    if (old.equals(newCareOf)) {
      return;
    }
    EspSecurityAssociation out = e.tunnel.outbound();
    out.repoint(out.tunnelSource(), newCareOf);
    spd.remove(e.careOfPolicy);
    e.careOfPolicy = protect(newCareOf, e.tunnel);
    inside.removeRoute(Prefix.of(old, 32));
    route(newCareOf);
    saved(e.tunnel, e.retiring);
  }

  private long ntpSeconds() {
    return MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
  }

  private void siuRefused(UdpDatagram d, GatewayCounter why) {
    counts.count(why);
    events.siuRefused(d.ip().sourceAddress(), why);
  }

  void refuse(EspException.Reason reason) {
    counts.refuse(reason);
  }

  // ---- for the inbound path (GatewayInbound), on this thread ----------------------------------

  void count(GatewayCounter c) {
    counts.count(c);
  }

  /** The tunnel an SA is the gateway's for now, or null. */
  GatewayEntry entry(EspSecurityAssociation sa) {
    return bySa.get(sa);
  }

  EspOwners esp() {
    return esp;
  }

  /** An SA has just used a sequence number: the store, if any, reserves ahead. */
  void used(EspSecurityAssociation sa) {
    if (saStore != null) {
      saStore.used(sa);
    }
  }

  /** Whether the gateway takes packets: started and not stopped. */
  boolean running() {
    return tunnelInterface != null;
  }

  Interface tunnelInterface() {
    return tunnelInterface;
  }
}
