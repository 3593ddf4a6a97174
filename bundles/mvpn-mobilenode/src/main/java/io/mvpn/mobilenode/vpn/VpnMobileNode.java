package io.mvpn.mobilenode.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.NatKeepalive;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A roaming mobile node whose traffic to its private network runs in an ESP tunnel to the network's
 * security gateway, with Mobile IP inside it (seed 001, Fig. 3).
 *
 * <p>On a move in {@link Handover#FAST} mode the node keeps its SAs: the inbound SA now expects the
 * new care-of address as destination (c1, c5), the outbound SA sends from it (c6), and the
 * registration request goes to the home agent through the tunnel at once; the gateway learns the
 * new address from the home agent's update. Upstream traffic flows again as soon as the link is up.
 * Unanswered requests are retried at a doubling interval; after {@code maxAttempts} the node gives
 * up on the fast path and sets up a fresh tunnel. {@link Handover#REESTABLISH} is the conventional
 * client: it drops its SAs, builds a new tunnel, then registers.
 *
 * <p>Each network is a VRF of the node with its interface and co-located care-of address. Runs on
 * the node's scheduler; not thread-safe.
 */
public final class VpnMobileNode {

  /** How the node handles a change of care-of address. */
  public enum Handover {
    /** Seed 001: re-point the SAs, register through the tunnel. */
    FAST,
    /** Tear the tunnel down, set up a new one, then register. */
    REESTABLISH
  }

  /** Something the node did, for logs and scenario reports. */
  public record Event(long atNanos, String what) {}

  /** One access network: the node's VRF there and its interface (address = care-of address). */
  public record Network(String name, Vrf vrf, Interface iface) {
    public Ipv4Address careOf() {
      return iface.address();
    }
  }

  /**
   * @param firstRetransmitNanos the first registration retransmission delay, doubling after
   * @param maxAttempts requests sent on the fast path before a fresh tunnel is set up
   * @param udpEncapsulated ESP in UDP 4500 with NAT keepalives (RFC 3948), for paths with a NAT
   */
  public record Config(
      Ipv4Address homeAddress,
      Ipv4Address homeAgent,
      Ipv4Address gateway,
      MobilitySecurityAssociation homeAgentKey,
      int lifetimeSeconds,
      long firstRetransmitNanos,
      int maxAttempts,
      boolean udpEncapsulated) {
    public Config {
      Objects.requireNonNull(homeAddress, "homeAddress");
      Objects.requireNonNull(homeAgent, "homeAgent");
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(homeAgentKey, "homeAgentKey");
      if (maxAttempts < 1 || firstRetransmitNanos <= 0) {
        throw new IllegalArgumentException("at least one attempt with a positive delay");
      }
    }
  }

  private static final int TTL = 64;

  private final Config config;
  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private final TunnelEstablishment establishment;
  private final Consumer<Ipv4Packet> deliver;
  private final Map<String, Network> networks = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private Network active;
  private EspSecurityAssociation inbound;
  private EspSecurityAssociation outbound;
  private boolean registered;
  private boolean deregistering;

  /** A fast handover's registration is under way: the key exchange hears of it once accepted. */
  private boolean movedFast;

  private long pendingId;
  private long counter;
  private int attempts;
  private long retransmitDelay;
  private Scheduler.Timer retransmit;
  private long espRefused;
  private long sentWithoutTunnel;
  private NatKeepalive keepalive;

  /**
   * @param establishment sets up a fresh tunnel (initially, on fallback, in REESTABLISH mode)
   * @param deliver receives each inner datagram for the node's home address (valid during the call)
   */
  public VpnMobileNode(
      Config config,
      Scheduler scheduler,
      long epochOffsetNanos,
      TunnelEstablishment establishment,
      Consumer<Ipv4Packet> deliver) {
    this.config = Objects.requireNonNull(config, "config");
    this.scheduler = scheduler;
    this.epochOffsetNanos = epochOffsetNanos;
    this.establishment = Objects.requireNonNull(establishment, "establishment");
    this.deliver = Objects.requireNonNull(deliver, "deliver");
  }

  public void addNetwork(String name, Vrf vrf, Interface iface) {
    addNetwork(name, vrf, iface, d -> {});
  }

  /**
   * A network whose UDP port 4500 also carries IKE (NAT traversal, RFC 3948 §2.2): what starts with
   * the non-ESP marker goes to {@code ikeOnNatTPort}, marker included.
   */
  public void addNetwork(
      String name, Vrf vrf, Interface iface, Consumer<UdpDatagram> ikeOnNatTPort) {
    Network n = new Network(name, vrf, iface);
    networks.put(name, n);
    iface.setUp(false);
    vrf.registerProtocol(
        IpProtocol.ESP,
        (v, in, p) ->
            fromEsp(n, p.destination(), p.buffer(), p.payloadOffset(), p.payloadLength()));
    vrf.bindUdp(
        EspInUdp.PORT,
        (v, in, d) -> {
          ByteBuf payload = d.payload();
          EspInUdp.Kind kind = EspInUdp.classify(payload);
          if (kind == EspInUdp.Kind.ESP) {
            fromEsp(
                n, d.ip().destination(), payload, payload.readerIndex(), payload.readableBytes());
          } else if (kind == EspInUdp.Kind.IKE) {
            ikeOnNatTPort.accept(d);
          }
        });
  }

  /** Forgets a network left behind (its VRF is closed by whoever made it). */
  public void removeNetwork(String name) {
    if (active == null || !active.name().equals(name)) {
      networks.remove(name);
    }
  }

  public boolean registered() {
    return registered;
  }

  public Network active() {
    return active;
  }

  public EspSecurityAssociation inboundSa() {
    return inbound;
  }

  public EspSecurityAssociation outboundSa() {
    return outbound;
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  /** NAT keepalives sent (UDP encapsulation only). */
  public long keepalivesSent() {
    return keepalive == null ? 0 : keepalive.sent();
  }

  public long espRefused() {
    return espRefused;
  }

  /** Datagrams the node could not send because it had no tunnel. */
  public long sentWithoutTunnel() {
    return sentWithoutTunnel;
  }

  /** Attaches to the first network and sets up the tunnel there, then registers. */
  public void start(String network) {
    attach(networks.get(network));
    freshTunnel();
  }

  /** The link changed (handover): the node now has the care-of address of {@code network}. */
  public void moveTo(String network, Handover mode) {
    Network next = Objects.requireNonNull(networks.get(network), network);
    attach(next);
    registered = false;
    deregistering = false;
    cancelRetransmit();
    if (mode == Handover.REESTABLISH || inbound == null) {
      dropTunnel();
      freshTunnel();
      return;
    }
    // c1, c5, c6: the same SAs now end at the new care-of address.
    movedFast = true;
    inbound.repoint(config.gateway(), next.careOf());
    outbound.repoint(next.careOf(), config.gateway());
    if (keepalive != null) {
      keepalive.repoint(next.careOf(), config.gateway());
    }
    event("SAs re-pointed to " + next.careOf());
    startRegistration();
  }

  /**
   * Asks the home agent, through the tunnel, to drop the binding (a request of lifetime 0, RFC 5944
   * §3.6.1.1); {@link #registered()} turns false with its accepting reply. Retried like a
   * registration, but never by a fresh tunnel: a node that leaves gives up instead.
   */
  public void deregister() {
    cancelRetransmit();
    deregistering = true;
    if (outbound == null) {
      event("deregistration: no tunnel");
      return;
    }
    startRegistration();
  }

  /** Sends one datagram from the home address through the tunnel; takes ownership. */
  public boolean send(ByteBuf datagram) {
    try {
      if (outbound == null) {
        sentWithoutTunnel++;
        return false;
      }
      Ipv4Packet inner = Ipv4Packet.parse(datagram);
      ByteBuf esp =
          config.udpEncapsulated()
              ? outbound.encapsulateInUdp(active.vrf().alloc(), inner, TTL)
              : outbound.encapsulate(active.vrf().alloc(), inner, TTL);
      if (keepalive != null) {
        keepalive.outboundSent();
      }
      return active.vrf().send(esp);
    } catch (MalformedPacketException | EspException e) {
      espRefused++;
      return false;
    } finally {
      datagram.release();
    }
  }

  private void attach(Network next) {
    if (active != null) {
      active.iface().setUp(false);
    }
    active = next;
    next.iface().setUp(true);
    event("attached to " + next.name() + " care-of " + next.careOf());
  }

  private void dropTunnel() {
    movedFast = false;
    inbound = null;
    outbound = null;
    if (keepalive != null) {
      keepalive.stop();
      keepalive = null;
    }
  }

  private void freshTunnel() {
    Network at = active;
    event("setting up a tunnel from " + at.careOf());
    establishment.establish(
        at.careOf(),
        (in, out) -> {
          if (active != at) {
            return; // moved on meanwhile
          }
          inbound = in;
          outbound = out;
          if (config.udpEncapsulated()) {
            keepalive =
                new NatKeepalive(
                    at.careOf(),
                    config.gateway(),
                    scheduler,
                    (src, dst, sp, dp, payload) -> active.vrf().sendUdp(src, dst, sp, dp, payload));
            keepalive.start();
          }
          event("tunnel up");
          startRegistration();
        });
  }

  // ---- registration through the tunnel ---------------------------------------------------

  private void startRegistration() {
    attempts = 0;
    retransmitDelay = config.firstRetransmitNanos();
    sendRequest();
  }

  private void sendRequest() {
    if (attempts >= config.maxAttempts() && deregistering) {
      event("no reply to the deregistration after " + attempts + " requests");
      return;
    }
    if (attempts >= config.maxAttempts()) {
      event("no reply after " + attempts + " requests: fresh tunnel");
      dropTunnel();
      freshTunnel();
      return;
    }
    attempts++;
    pendingId = identification();
    ByteBuf request =
        RegistrationBuilder.request(
                active.vrf().alloc(),
                MipConstants.FLAG_DECAPSULATION_BY_MN,
                deregistering ? 0 : config.lifetimeSeconds(),
                config.homeAddress().toInt(),
                config.homeAgent().toInt(),
                active.careOf().toInt(),
                pendingId)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, config.homeAgentKey())
            .build();
    ByteBuf datagram =
        UdpDatagram.build(
            active.vrf().alloc(),
            config.homeAddress().toInt(),
            config.homeAgent().toInt(),
            MipConstants.PORT,
            MipConstants.PORT,
            request,
            TTL);
    request.release();
    send(datagram);
    event("request " + attempts + " care-of " + active.careOf());
    long delay = retransmitDelay;
    retransmitDelay *= 2;
    retransmit = scheduler.schedule(delay, TimeUnit.NANOSECONDS, this::sendRequest);
  }

  private void cancelRetransmit() {
    if (retransmit != null) {
      retransmit.cancel();
      retransmit = null;
    }
  }

  private void onReply(UdpDatagram udp) {
    RegistrationReply reply;
    try {
      reply = RegistrationReply.parse(udp.payload());
    } catch (MalformedPacketException e) {
      return;
    }
    if (reply.identification() != pendingId
        || reply.homeAddress() != config.homeAddress().toInt()) {
      return;
    }
    MipExtension auth = reply.find(MipConstants.EXT_MN_HA_AUTH);
    if (auth == null || !config.homeAgentKey().verify(reply, auth)) {
      event("unauthenticated reply dropped");
      return;
    }
    if (!ReplyCode.isAccepted(reply.code())) {
      // Left to the retransmissions, then to a fresh tunnel (seed 001).
      event("denied " + ReplyCode.describe(reply.code()));
      return;
    }
    cancelRetransmit();
    if (deregistering) {
      registered = false;
      event("deregistered");
      return;
    }
    registered = true;
    event("registered lifetime " + reply.lifetime());
    if (movedFast) {
      // Only now: the SIU, not the key exchange, is what re-points the gateway's data path.
      movedFast = false;
      establishment.moved(active.careOf());
    }
  }

  private long identification() {
    long seconds = MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
    return (seconds << 32) | (++counter & 0xFFFFFFFFL);
  }

  // ---- from the tunnel ---------------------------------------------------------------------

  private void fromEsp(Network n, int destination, ByteBuf buf, int start, int length) {
    EspSecurityAssociation sa = inbound;
    if (n != active
        || sa == null
        || length < 8
        || buf.getInt(start) != sa.spi()
        || destination != sa.tunnelDestination().toInt()) {
      espRefused++;
      return;
    }
    ByteBuf inner;
    try {
      inner = sa.open(n.vrf().alloc(), buf, start, length);
    } catch (EspException e) {
      espRefused++;
      return;
    }
    if (inner == null) {
      return;
    }
    try {
      Ipv4Packet ip = Ipv4Packet.parse(inner);
      // The Mobile IP tunnel inside the IPsec tunnel: the home agent's IP in IP to our care-of.
      if (ip.protocol() == IpProtocol.IPIP && ip.source() == config.homeAgent().toInt()) {
        ip = IpInIp.decapsulate(ip);
      }
      if (ip.destination() != config.homeAddress().toInt()) {
        espRefused++;
        return;
      }
      if (ip.protocol() == IpProtocol.UDP && ip.source() == config.homeAgent().toInt()) {
        UdpDatagram udp = UdpDatagram.parse(ip);
        if (udp.sourcePort() == MipConstants.PORT) {
          onReply(udp);
          return;
        }
      }
      deliver.accept(ip);
    } catch (MalformedPacketException e) {
      espRefused++;
    } finally {
      inner.release();
    }
  }

  private void event(String what) {
    events.add(new Event(scheduler.nanoTime(), what));
  }
}
