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
import io.mvpn.packet.mip.BindingMessage;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Mobile IPv4 mobile node (RFC 5944 §3.6): at home it deregisters; on a foreign link it registers
 * through the advertised foreign agent (reverse tunnelling, RFC 3024), again when that agent
 * restarts; with a co-located care-of address (seed 002 claim 23) it registers directly and tunnels
 * its own datagrams. Requests carry timestamp identifications, retransmitted at 1 s, doubling,
 * until an authenticated reply accepts them. 133 and 69 are repaired as RFC 5944 says (the home
 * agent's time, the offered lifetime); other denials are retried on the same schedule: a refusing
 * agent may accept later.
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

  private static final int PORT = MipConstants.PORT;
  private static final int EVENTS_KEPT = 1000; // the recent past: a node runs for months
  private static final long FIRST_RETRANSMIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Ipv4Address home;
  private final Ipv4Address homeAgent;
  private final MobilitySecurityAssociation sa;
  private final int lifetime;
  private final Scheduler scheduler;
  private final Map<String, Attachment> attachments = new LinkedHashMap<>();
  private final ArrayDeque<Event> events = new ArrayDeque<>(); // the last EVENTS_KEPT
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
  private int agentSequence = -1; // its last advertisement's sequence number
  private long pendingId;
  private int pendingLifetime;
  private Ipv4Address pendingCareOf;
  private long retransmitDelay;
  private Scheduler.Timer retransmit;
  private Scheduler.Timer refresh;
  private boolean registered;
  private final TimestampIdentifications identifications;
  private boolean resynchronized; // this request round already took a 133's time
  private int keepaliveSequence;
  private long registeredUntilNanos;
  private Interface hostSide; // where datagrams for the home address go, if not this stack
  private TunnelObserver observer; // route optimisation, if any
  private long notForHome;
  private AttachmentLogin login = AttachmentLogin.NONE;
  private Consumer<Event> listener = e -> {}; // each event, as it happens

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
    this.identifications = new TimestampIdentifications(scheduler, epochOffsetNanos);
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

  /** Hands datagrams for the home address to a link (a host's TUN, say), not this VRF's stack. */
  public void deliverHomeDatagramsTo(Interface host) {
    this.hostSide = host;
  }

  /** Shows route optimisation the node's tunnels, binding messages and registrations. */
  public void observeTunnels(TunnelObserver observer) {
    this.observer = observer;
  }

  /** Gives up the binding while away (RFC 5944 §3.6.1.2), retransmitted until accepted. */
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

  /** A link with a co-located care-of address: the node's datagrams tunnel to its home agent. */
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
          boolean fromHomeAgent = outer.source() == homeAgent.toInt();
          if (!fromHomeAgent && observer == null) {
            return;
          }
          try {
            Ipv4Packet inner = IpInIp.decapsulate(outer);
            if (observer != null && !observer.admits(fromHomeAgent, outer.source(), inner)) {
              return;
            }
            toHome(tunnel, inner.datagram().retainedSlice());
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

  /** How the node logs in on foreign-agent links beyond MN-HA (e.g. with its layer-2 key). */
  public void logInWith(AttachmentLogin login) {
    this.login = login;
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
    agentSequence = -1;
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
      case FOREIGN_AGENT -> login.attach(next, () -> solicit(next));
    }
  }

  private void solicit(Attachment a) {
    if (a == active) { // a login may finish after the node moved on
      ByteBuf rs = IcmpBuilder.routerSolicitation(a.vrf().alloc(), home.toInt(), -1, 1);
      a.vrf().send(rs, a.iface(), -1);
    }
  }

  private void onAdvertisement(String attachment, Ipv4Packet ip) {
    if (active == null || !active.name().equals(attachment)) {
      return;
    }
    if (!login.advertised(ip)) {
      return; // still associating: registering now would fail
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
    int previous = agentSequence;
    agentSequence = ad.sequence();
    if (coa.equals(agent)) {
      // Below 256 again: the agent started over, visitors forgotten (RFC 5944 §2.3.2).
      if (ad.sequence() < previous && ad.sequence() < 256) {
        event("agent " + coa + " restarted");
        cancelTimers();
        startRegistration(lifetime, coa);
      }
      return;
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
    pendingId = identifications.next();
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
    login.extend(builder, a);
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
    if (observer != null && BindingMessage.isBindingMessage(udp.payload())) {
      observer.bindingMessage(a, udp);
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
    cancelRetransmit();
    if (a.mode() == Mode.HOME || pendingLifetime == 0) {
      registered = false;
      event("deregistered");
      if (observer != null && a.mode() == Mode.HOME) {
        observer.registered(a, null);
      }
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
    if (observer != null) {
      observer.registered(a, careOf);
    }
    refresh =
        scheduler.schedule(
            Math.max(1, granted / 2), TimeUnit.SECONDS, () -> startRegistration(lifetime, careOf));
  }

  /**
   * RFC 5944 §5.7: a 133 carries the home agent's time in its high 32 bits; the node adopts it and
   * asks again at once (once per round, so two disagreeing agents cannot make it loop). A 69
   * carries the longest lifetime the foreign agent grants. Other denials wait for the timer.
   */
  private void repair(RegistrationReply reply) {
    Ipv4Address careOf = pendingCareOf;
    if (reply.code() == ReplyCode.HA_IDENTIFICATION_MISMATCH && !resynchronized) {
      resynchronized = true;
      long skew = identifications.adoptPeerTime(reply.identification());
      event("resynchronized with the home agent's time, skew " + skew + " s");
      cancelRetransmit();
      sendRequest(pendingLifetime, careOf);
    } else if (reply.code() == ReplyCode.FA_LIFETIME_TOO_LONG
        && reply.lifetime() > 0
        && reply.lifetime() < pendingLifetime) {
      cancelRetransmit();
      sendRequest(reply.lifetime(), careOf);
    }
  }

  private void cancelRetransmit() {
    if (retransmit != null) {
      retransmit.cancel();
      retransmit = null;
    }
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
    // Anything else (spoofed, misrouted) would enter the host's kernel and be routed on from there.
    if (destination != home.toInt()) {
      notForHome++;
      tunnel.counters().onDrop(DropReason.NO_ROUTE);
      inner.release();
      return;
    }
    hostSide.vrf().send(inner, hostSide, 0);
  }

  /** Tunnelled datagrams not for the home address, dropped (NO_ROUTE on the tunnel too). */
  public long notForHome() {
    return notForHome;
  }

  /** Keepalives the home agent answered through the UDP tunnel. */
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
    TunnelEntry.sendInUdp(a.vrf(), a.iface().address(), homeAgent, PORT, PORT, inner, tunnel);
  }

  private void cancelTimers() {
    cancelRetransmit();
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
    Event e = new Event(scheduler.nanoTime(), active == null ? "-" : active.name(), what);
    if (events.size() == EVENTS_KEPT) {
      events.removeFirst();
    }
    events.addLast(e);
    listener.accept(e);
  }

  /** Tells {@code listener} each event as it happens, on the scheduler's thread. */
  public void onEvent(Consumer<Event> listener) {
    this.listener = listener;
  }

  /** With a co-located care-of address, the node's datagrams go to its home agent in IP-in-IP. */
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
