package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AgentAdvertisement;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Mobile IPv4 mobile node (RFC 5944 §3.6): at home it deregisters; on a foreign link it solicits
 * and listens for agent advertisements and registers through the foreign agent (reverse tunnelling
 * asked for, RFC 3024); with a co-located care-of address (seed 002 claim 23) it registers directly
 * and tunnels its own datagrams. Requests carry timestamp identifications and are retransmitted at
 * 1 s, doubling, until a matching authenticated reply accepts them. A denial is repaired where RFC
 * 5944 says how (133: take the home agent's time and ask again at once; 69: ask for the lifetime
 * the foreign agent offers); any other denial is retried on the same doubling schedule, since an
 * agent that refuses now (resources, a restarted peer) may accept later.
 *
 * <p>Each attachment is a VRF of the node with its interface; one is active at a time, the others'
 * interfaces are down. Runs on the node's scheduler.
 */
public final class MobileNode {

  /** Where the node is. */
  public enum Mode {
    HOME,
    FOREIGN_AGENT,
    COLOCATED
  }

  /** One way of being attached: a VRF, its interface and the mode it implies. */
  public record Attachment(String name, Mode mode, Vrf vrf, Interface iface) {}

  /** What happened, for the shell and tests: at what time, which attachment, what. */
  public record Event(long atNanos, String attachment, String what) {}

  private static final long FIRST_RETRANSMIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Ipv4Address home;
  private final Ipv4Address homeAgent;
  private final MobilitySecurityAssociation sa;
  private final int lifetime;
  private final Scheduler scheduler;
  private final Map<String, Attachment> attachments = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final java.util.Set<String> udpRequested = new java.util.HashSet<>();
  private final Map<String, Interface> tunnels = new LinkedHashMap<>();
  private final Map<Ipv4Address, MobilitySecurityAssociation> foreignAgentKeys =
      new java.util.HashMap<>();
  private boolean udpActive;
  private long keepaliveNanos;
  private Scheduler.Timer keepalive;
  private long keepalivesAnswered;
  private Attachment active;
  private Ipv4Address agent; // the foreign agent in use, if any
  private long pendingId;
  private int pendingLifetime;
  private Ipv4Address pendingCareOf;
  private long retransmitDelay;
  private Scheduler.Timer retransmit;
  private Scheduler.Timer refresh;
  private boolean registered;
  private long lastIdentification;
  private long clockSkewSeconds; // the home agent's time minus ours, learnt from a 133
  private boolean resynchronized; // this request round already took a 133's time
  private int keepaliveSequence;
  private long epochOffsetNanos;
  private long registeredUntilNanos;
  private Interface hostSide; // where datagrams for the home address go, if not this stack
  private long notForHome;

  public MobileNode(
      Ipv4Address home,
      Ipv4Address homeAgent,
      MobilitySecurityAssociation sa,
      int lifetime,
      Scheduler scheduler,
      long epochOffsetNanos) {
    this.home = home;
    this.homeAgent = homeAgent;
    this.sa = sa;
    this.lifetime = lifetime;
    this.scheduler = scheduler;
    this.epochOffsetNanos = epochOffsetNanos;
  }

  public Ipv4Address homeAddress() {
    return home;
  }

  /** The attachment in use, or null. */
  public Attachment active() {
    return active;
  }

  /** True when at home or registered with a care-of address: datagrams flow. */
  public boolean connected() {
    return active != null && (active.mode() == Mode.HOME || registered);
  }

  /** When the binding the home agent granted runs out, on the scheduler's clock (0: none). */
  public long registeredUntilNanos() {
    return registered ? registeredUntilNanos : 0;
  }

  /**
   * Hands datagrams tunnelled to the home address to a link instead of this VRF's own stack: a node
   * whose applications live in a host's kernel (behind a TUN device, say) is only their router.
   */
  public void deliverHomeDatagramsTo(Interface host) {
    this.hostSide = host;
  }

  /**
   * Gives up the binding while still away (RFC 5944 §3.6.1.2: lifetime 0 with the care-of address
   * in use), retransmitted as any request until the home agent accepts it.
   */
  public void deregister() {
    if (active == null || active.mode() == Mode.HOME) {
      return;
    }
    Ipv4Address careOf = active.mode() == Mode.COLOCATED ? active.iface().address() : agent;
    cancelTimers();
    registered = false;
    if (careOf != null) {
      startRegistration(0, careOf);
    }
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  public List<Attachment> attachments() {
    return List.copyOf(attachments.values());
  }

  /** The home link: the interface holds the home address; the VRF routes via the home router. */
  public void addHome(String name, Vrf vrf, Interface iface) {
    add(new Attachment(name, Mode.HOME, vrf, iface));
  }

  /** A foreign link with an agent: the interface holds the home address as a /32. */
  public void addForeign(String name, Vrf vrf, Interface iface) {
    add(new Attachment(name, Mode.FOREIGN_AGENT, vrf, iface));
    vrf.registerIcmp(IcmpType.ROUTER_ADVERTISEMENT, (v, in, ip) -> onAdvertisement(name, ip));
  }

  /**
   * A link where the node has an address of its own (the co-located care-of address, the
   * interface's): its own datagrams go through a tunnel interface to the home agent.
   */
  public void addColocated(String name, Vrf vrf, Interface iface) {
    addColocated(name, vrf, iface, false);
  }

  /**
   * As {@link #addColocated(String, Vrf, Interface)}; with {@code udpTunnel} the node asks for RFC
   * 3519 UDP tunnelling (forced, as behind a NAT), sends keepalives and tunnels in UDP if the home
   * agent agrees.
   */
  public void addColocated(String name, Vrf vrf, Interface iface, boolean udpTunnel) {
    add(new Attachment(name, Mode.COLOCATED, vrf, iface));
    if (udpTunnel) {
      udpRequested.add(name);
    }
    ColocatedTunnel transport = new ColocatedTunnel(iface);
    Interface tunnel = vrf.addInterface(name + "-tunnel", home, 32, transport);
    tunnels.put(name, tunnel);
    vrf.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, tunnel, Route.Origin.PROTOCOL));
    vrf.registerProtocol(
        IpProtocol.IPIP,
        (v, in, outer) -> {
          if (outer.source() != homeAgent.toInt()) {
            return;
          }
          try {
            toHome(tunnel, IpInIp.decapsulate(outer).datagram().retainedSlice());
          } catch (MalformedPacketException e) {
            v.counters().onMalformed(e.reason());
          }
        });
  }

  private void add(Attachment a) {
    attachments.put(a.name(), a);
    a.iface().setUp(false);
    a.vrf().bindUdp(MipConstants.PORT, (v, in, udp) -> onReply(a, udp));
  }

  /** An MN-FA association with the foreign agent of that care-of address (RFC 5944 §3.5.3). */
  public void addForeignAgentKey(Ipv4Address agent, MobilitySecurityAssociation key) {
    foreignAgentKeys.put(agent, key);
  }

  /** Moves to an attachment: the old interface goes down, the new one up, registration starts. */
  public void moveTo(String name) {
    Attachment next = attachments.get(name);
    if (next == null) {
      throw new IllegalArgumentException("no attachment " + name);
    }
    if (active != null) {
      active.iface().setUp(false);
      if (active.mode() == Mode.FOREIGN_AGENT && agent != null) {
        active.vrf().removeRoute(Prefix.DEFAULT_ROUTE);
      }
    }
    cancelTimers();
    registered = false;
    agent = null;
    active = next;
    next.iface().setUp(true);
    event("attached");
    switch (next.mode()) {
      case HOME -> {
        // Gratuitous ARP: the home link learns the node is back before the home agent lets go.
        next.iface().transport().announce(home.toInt());
        startRegistration(0, home);
      }
      case COLOCATED -> startRegistration(lifetime, next.iface().address());
      case FOREIGN_AGENT -> solicit(next);
    }
  }

  private void solicit(Attachment a) {
    a.vrf()
        .send(IcmpBuilder.routerSolicitation(a.vrf().alloc(), home.toInt(), -1, 1), a.iface(), -1);
  }

  private void onAdvertisement(String attachment, Ipv4Packet ip) {
    if (active == null || !active.name().equals(attachment)) {
      return;
    }
    AgentAdvertisement ad;
    try {
      ad = AgentAdvertisement.parse(RouterAdvertisement.parse(IcmpMessage.parse(ip)));
    } catch (MalformedPacketException e) {
      return;
    }
    if (ad == null || !ad.has(AgentAdvertisement.FLAG_FOREIGN_AGENT)) {
      return;
    }
    Ipv4Address coa = ad.careOfAddresses().get(0);
    if (coa.equals(agent)) {
      return; // already registering or registered through this agent
    }
    agent = coa;
    active
        .vrf()
        .addRoute(
            new Route(
                Prefix.DEFAULT_ROUTE, ip.sourceAddress(), active.iface(), Route.Origin.PROTOCOL));
    event("agent " + coa);
    startRegistration(lifetime, coa);
  }

  // ---- registration ---------------------------------------------------------------------------

  private void startRegistration(int requestedLifetime, Ipv4Address careOf) {
    retransmitDelay = FIRST_RETRANSMIT_NANOS;
    resynchronized = false;
    sendRequest(requestedLifetime, careOf);
  }

  private void sendRequest(int requestedLifetime, Ipv4Address careOf) {
    Attachment a = active;
    int flags =
        switch (a.mode()) {
          case COLOCATED ->
              MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL;
          case FOREIGN_AGENT -> MipConstants.FLAG_REVERSE_TUNNEL;
          case HOME -> 0;
        };
    pendingId = identification();
    pendingLifetime = requestedLifetime;
    pendingCareOf = careOf;
    RegistrationBuilder builder =
        RegistrationBuilder.request(
            a.vrf().alloc(),
            flags,
            requestedLifetime,
            home.toInt(),
            homeAgent.toInt(),
            careOf.toInt(),
            pendingId);
    if (udpRequested.contains(a.name())) {
      // RFC 3519 §3.1.5: the tunnel request goes before the MN-HA extension.
      ByteBuf tunnelRequest = UdpTunnel.requestData(a.vrf().alloc(), UdpTunnel.REQUEST_FORCE);
      builder.extension(MipConstants.EXT_UDP_TUNNEL_REQUEST, tunnelRequest);
      tunnelRequest.release();
    }
    builder.authenticate(MipConstants.EXT_MN_HA_AUTH, sa);
    MobilitySecurityAssociation mnFa =
        a.mode() == Mode.FOREIGN_AGENT ? foreignAgentKeys.get(agent) : null;
    if (mnFa != null) {
      builder.authenticate(MipConstants.EXT_MN_FA_AUTH, mnFa);
    }
    ByteBuf request = builder.build();
    try {
      Ipv4Address source = a.mode() == Mode.COLOCATED ? careOf : home;
      Ipv4Address destination = a.mode() == Mode.FOREIGN_AGENT ? agent : homeAgent;
      a.vrf().sendUdp(source, destination, MipConstants.PORT, MipConstants.PORT, request);
    } finally {
      request.release();
    }
    event("request lifetime " + requestedLifetime + " coa " + careOf);
    // New identification each time, at least 1 s apart, doubling (RFC 5944 §3.6.3).
    long delay = retransmitDelay;
    retransmitDelay =
        Math.min(retransmitDelay * 2, TimeUnit.SECONDS.toNanos(Math.max(1, lifetime)));
    retransmit =
        scheduler.schedule(
            delay, TimeUnit.NANOSECONDS, () -> sendRequest(requestedLifetime, careOf));
  }

  private void onReply(Attachment a, UdpDatagram udp) {
    if (a != active) {
      return;
    }
    if (UdpTunnel.isData(udp.payload())) {
      fromUdpTunnel(a, udp);
      return;
    }
    RegistrationReply reply;
    try {
      reply = RegistrationReply.parse(udp.payload());
    } catch (MalformedPacketException e) {
      return;
    }
    if ((reply.identification() & 0xFFFFFFFFL) != (pendingId & 0xFFFFFFFFL)
        || reply.homeAddress() != home.toInt()) {
      return;
    }
    MipExtension auth = reply.find(MipConstants.EXT_MN_HA_AUTH);
    boolean fromForeignAgent = reply.code() >= 64 && reply.code() < 128;
    if (!fromForeignAgent && (auth == null || !sa.verify(reply, auth))) {
      event("unauthenticated reply dropped");
      return;
    }
    MobilitySecurityAssociation mnFa =
        a.mode() == Mode.FOREIGN_AGENT ? foreignAgentKeys.get(agent) : null;
    if (mnFa != null && !fromForeignAgent) {
      MipExtension fa = reply.find(MipConstants.EXT_MN_FA_AUTH);
      if (fa == null || !mnFa.verify(reply, fa)) {
        event("reply without a valid MN-FA extension dropped");
        return;
      }
    }
    if (!ReplyCode.isAccepted(reply.code())) {
      event("denied " + ReplyCode.describe(reply.code()));
      repair(reply);
      return;
    }
    if (retransmit != null) {
      retransmit.cancel();
    }
    if (a.mode() == Mode.HOME || pendingLifetime == 0) {
      registered = false;
      event("deregistered");
      return;
    }
    registered = true;
    MipExtension tunnelReply = reply.find(MipConstants.EXT_UDP_TUNNEL_REPLY);
    // Without a tunnel reply the node must not tunnel in UDP (RFC 3519 §4.4).
    udpActive =
        a.mode() == Mode.COLOCATED
            && tunnelReply != null
            && UdpTunnel.replyCode(tunnelReply) < UdpTunnel.REPLY_DECLINED;
    if (udpActive) {
      int k = UdpTunnel.replyKeepalive(tunnelReply);
      keepaliveNanos =
          TimeUnit.SECONDS.toNanos(Math.max(10, k == 0 ? UdpTunnel.DEFAULT_KEEPALIVE_SECONDS : k));
      scheduleKeepalive(a);
      event("udp tunnel, keepalive every " + keepaliveNanos / 1_000_000_000L + " s");
    }
    int granted = Math.min(reply.lifetime(), lifetime);
    registeredUntilNanos = scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(granted);
    event("registered lifetime " + granted);
    Ipv4Address careOf = a.mode() == Mode.COLOCATED ? a.iface().address() : agent;
    refresh =
        scheduler.schedule(
            Math.max(1, granted / 2), TimeUnit.SECONDS, () -> startRegistration(lifetime, careOf));
  }

  /**
   * RFC 5944 §3.6.2.x and §5.7: a 133 carries the home agent's time in its high 32 bits, so the
   * node adopts that time and asks again at once (once per round, so two disagreeing agents cannot
   * make it loop); a 69 carries the longest lifetime the foreign agent grants. Other denials leave
   * the retransmission timer running: the next request, with a new identification, goes when it
   * fires.
   */
  private void repair(RegistrationReply reply) {
    Ipv4Address careOf = pendingCareOf;
    if (reply.code() == ReplyCode.HA_IDENTIFICATION_MISMATCH && !resynchronized) {
      resynchronized = true;
      long ours = MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
      clockSkewSeconds = (reply.identification() >>> 32) - ours;
      lastIdentification = 0; // what we sent on our own clock says nothing about the agent's
      event("resynchronized with the home agent's time, skew " + clockSkewSeconds + " s");
      resend(pendingLifetime, careOf);
    } else if (reply.code() == ReplyCode.FA_LIFETIME_TOO_LONG
        && reply.lifetime() > 0
        && reply.lifetime() < pendingLifetime) {
      resend(reply.lifetime(), careOf);
    }
  }

  private void resend(int requestedLifetime, Ipv4Address careOf) {
    if (retransmit != null) {
      retransmit.cancel();
    }
    sendRequest(requestedLifetime, careOf);
  }

  /**
   * A 64-bit NTP timestamp (RFC 5944 §5.7): seconds, adjusted by what a 133 taught, and the
   * fraction of the second, so a node that starts over (a new engine after an update) still goes
   * above what its predecessor sent; kept strictly increasing for requests within one instant.
   */
  private long identification() {
    long unixNanos = scheduler.nanoTime() + epochOffsetNanos;
    long seconds =
        MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos) + clockSkewSeconds;
    long fraction = (Math.floorMod(unixNanos, 1_000_000_000L) << 32) / 1_000_000_000L;
    long id = (seconds << 32) | fraction;
    if (Long.compareUnsigned(id, lastIdentification) <= 0) {
      id = lastIdentification + 1;
    }
    lastIdentification = id;
    return id;
  }

  /** RFC 3519 tunnel data from the home agent: its datagram for us. */
  private void fromUdpTunnel(Attachment a, UdpDatagram udp) {
    Interface tunnel = tunnels.get(a.name());
    if (!udpActive || tunnel == null || udp.ip().source() != homeAgent.toInt()) {
      return;
    }
    ByteBuf inner = UdpTunnel.dataPayload(udp.payload());
    if (inner.readableBytes() > 20
        && inner.getUnsignedByte(inner.readerIndex() + 9) == IpProtocol.ICMP
        && inner.getInt(inner.readerIndex() + 12) == homeAgent.toInt()) {
      keepalivesAnswered++;
    }
    toHome(tunnel, inner.retainedSlice());
  }

  /** A datagram out of the tunnel: to this VRF through the tunnel interface, or to the host. */
  private void toHome(Interface tunnel, ByteBuf inner) {
    if (hostSide == null) {
      tunnel.receive(inner);
      return;
    }
    int destination;
    try {
      destination = Ipv4Packet.parse(inner).destination();
    } catch (MalformedPacketException e) {
      tunnel.vrf().counters().onMalformed(e.reason());
      inner.release();
      return;
    }
    // The host's stack is the home address's only: whatever else came through the tunnel (a
    // spoofed or misrouted datagram) would enter the host's kernel and be routed on from there.
    if (destination != home.toInt()) {
      notForHome++;
      tunnel.counters().onDrop(DropReason.NO_ROUTE);
      inner.release();
      return;
    }
    hostSide.vrf().send(inner, hostSide, 0);
  }

  /**
   * Datagrams out of the tunnel for another address than the home address, dropped rather than
   * handed to the host side (counted as NO_ROUTE on the tunnel interface too).
   */
  public long notForHome() {
    return notForHome;
  }

  /** Keepalives answered by the home agent through the UDP tunnel. */
  public long keepalivesAnswered() {
    return keepalivesAnswered;
  }

  private void scheduleKeepalive(Attachment a) {
    keepalive =
        scheduler.schedule(
            keepaliveNanos,
            TimeUnit.NANOSECONDS,
            () -> {
              if (active != a || !udpActive) {
                return;
              }
              ByteBuf echo =
                  IcmpBuilder.echoRequest(
                      a.vrf().alloc(),
                      home.toInt(),
                      homeAgent.toInt(),
                      0xFFFF,
                      ++keepaliveSequence & 0xFFFF,
                      io.netty.buffer.Unpooled.EMPTY_BUFFER,
                      64);
              try {
                sendUdpTunnel(a, Ipv4Packet.parse(echo), null);
              } catch (MalformedPacketException e) {
                throw new IllegalStateException("built here", e);
              } finally {
                echo.release();
              }
              scheduleKeepalive(a);
            });
  }

  private void sendUdpTunnel(Attachment a, Ipv4Packet inner, Interface tunnel) {
    TunnelEntry.sendInUdp(
        a.vrf(),
        a.iface().address(),
        homeAgent,
        MipConstants.PORT,
        MipConstants.PORT,
        inner,
        tunnel);
  }

  private void cancelTimers() {
    if (retransmit != null) {
      retransmit.cancel();
      retransmit = null;
    }
    if (refresh != null) {
      refresh.cancel();
      refresh = null;
    }
    if (keepalive != null) {
      keepalive.cancel();
      keepalive = null;
    }
    udpActive = false;
  }

  private void event(String what) {
    events.add(new Event(scheduler.nanoTime(), active == null ? "-" : active.name(), what));
  }

  /**
   * With a co-located care-of address, the node's own datagrams go to its home agent in IP-in-IP.
   */
  private final class ColocatedTunnel extends EncapsulatingTransport {
    private final Interface physical;

    ColocatedTunnel(Interface physical) {
      super("ipip:" + homeAgent, physical.mtu() - 20);
      this.physical = physical;
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      if (udpActive && active != null && active.iface() == physical) {
        sendUdpTunnel(active, inner, owner());
        return;
      }
      TunnelEntry.sendIpInIp(
          owner().vrf(), physical.address().toInt(), homeAgent.toInt(), inner, owner());
    }
  }
}
