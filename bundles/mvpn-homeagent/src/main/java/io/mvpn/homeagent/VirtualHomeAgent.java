package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MipExtension;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mobile IPv4 home agent of one tenant (RFC 5944 §3.8), living between the public VRF, where
 * the dispatcher hands it registrations and reverse-tunnelled datagrams, and the tenant's own VRF,
 * where it stands in for mobile nodes that are away: a host route per bound home address leads into
 * a tunnel interface that encapsulates (RFC 2003) toward each care-of address.
 *
 * <p>Registration checks run in the RFC's order and nothing in the binding cache changes before the
 * MN-HA authenticator and the identification are verified. Bindings live in a {@link BindingStore}
 * outside this bundle; {@link #start} rebuilds routes and timers from it.
 *
 * <p>Runs on the scheduler the public and tenant VRFs share.
 */
public final class VirtualHomeAgent implements HomeAgent {

  private static final Logger LOG = LoggerFactory.getLogger(VirtualHomeAgent.class);

  /** Extensions this home agent understands; any other non-skippable one voids a request. */
  private static final Set<Integer> KNOWN_EXTENSIONS =
      Set.of(
          MipConstants.EXT_MN_HA_AUTH,
          MipConstants.EXT_MN_FA_AUTH,
          MipConstants.EXT_FA_HA_AUTH,
          MipConstants.EXT_UDP_TUNNEL_REQUEST);

  /** RFC 3519 keepalive interval this home agent asks mobile nodes behind NATs for. */
  private static final int KEEPALIVE_SECONDS = UdpTunnel.DEFAULT_KEEPALIVE_SECONDS;

  private static final int TUNNEL_TTL = 64;

  private final HomeAgentConfig config;
  private final Vrf publicVrf;
  private final Vrf tenantVrf;
  private final BindingStore store;
  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private final Map<Integer, Map<Long, MobilitySecurityAssociation>> keys = new HashMap<>();
  private final Map<Integer, MobilitySecurityAssociation> foreignAgents = new HashMap<>();
  private final Map<Long, Scheduler.Timer> expiryTimers = new HashMap<>();
  private final List<Gateway> gateways = new ArrayList<>();
  private long lastSiuIdentification;
  private long siusSent;

  /** A configured security gateway with its gateway-HA association. */
  private record Gateway(SecurityGatewaySpec spec, MobilitySecurityAssociation key) {}

  /**
   * Where an accepted reply goes instead: inside an SIU to the gateway the request came through.
   */
  private record Siu(Gateway gateway, Ipv4Address oldCareOf, Ipv4Address newCareOf) {}

  private final RegistrationStats stats = new RegistrationStats();
  private Interface tunnel;
  private io.mvpn.net.Registration homeSide;
  private int nextTunnelId;

  /**
   * @param epochOffsetNanos added to scheduler time to get Unix time, for timestamp checks
   */
  public VirtualHomeAgent(
      HomeAgentConfig config,
      Vrf publicVrf,
      Vrf tenantVrf,
      BindingStore store,
      long epochOffsetNanos) {
    this.config = config;
    this.publicVrf = publicVrf;
    this.tenantVrf = tenantVrf;
    this.store = store;
    this.scheduler = tenantVrf.scheduler();
    this.epochOffsetNanos = epochOffsetNanos;
    for (AssociationSpec k : config.foreignAgentKeys()) {
      foreignAgents.put(k.peer().toInt(), k.toAssociation());
    }
    for (SecurityGatewaySpec g : config.securityGateways()) {
      gateways.add(new Gateway(g, g.key().toAssociation()));
    }
    for (AssociationSpec k : config.keys()) {
      keys.computeIfAbsent(k.peer().toInt(), h -> new HashMap<>()).put(k.spi(), k.toAssociation());
    }
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
    return siusSent;
  }

  /** The tunnel interface in the tenant VRF (null before {@link #start}). */
  public Interface tunnelInterface() {
    return tunnel;
  }

  /** Opens the tunnel interface and restores routes, claims and timers of stored bindings. */
  public void start() {
    tunnel = tenantVrf.addInterface("mip-" + config.tenant(), config.address(), 32, new Tunnel());
    // A mobile node back home deregisters from inside the tenant's network.
    homeSide = tenantVrf.bindUdp(MipConstants.PORT, this::registration);
    long now = scheduler.nanoTime();
    for (Binding b : store.bindings(config.tenant())) {
      if (b.expiresAtNanos() <= now) {
        store.remove(b.tenant(), b.homeAddress(), b.careOfAddress());
      } else {
        armExpiry(b);
      }
    }
    for (Binding b : store.bindings(config.tenant())) {
      standIn(b.homeAddress());
    }
  }

  /** Closes the tunnel interface and stops timers; bindings stay in the store. */
  public void stop() {
    expiryTimers.values().forEach(Scheduler.Timer::cancel);
    expiryTimers.clear();
    for (Binding b : store.bindings(config.tenant())) {
      withdraw(b.homeAddress());
    }
    if (homeSide != null) {
      homeSide.close();
      homeSide = null;
    }
    if (tunnel != null) {
      tenantVrf.removeInterface(tunnel.name());
      tunnel = null;
    }
  }

  // ---- registration ---------------------------------------------------------------------------

  @Override
  public void registration(Vrf vrf, Interface ingress, UdpDatagram datagram) {
    ByteBuf payload = datagram.payload();
    if (UdpTunnel.isData(payload)) {
      fromUdpTunnel(vrf, datagram);
      return;
    }
    if (payload.readableBytes() < 1
        || payload.getUnsignedByte(payload.readerIndex()) != MipConstants.REGISTRATION_REQUEST) {
      stats.onMalformed();
      return;
    }
    RegistrationRequest request;
    try {
      request = RegistrationRequest.parse(payload);
    } catch (MalformedPacketException e) {
      denyMalformed(vrf, datagram, payload);
      return;
    }
    if (request.firstUnknownNonSkippable(KNOWN_EXTENSIONS) != null) {
      stats.onUnknownExtension(); // RFC 5944 §1.8: silently discard
      return;
    }
    int home = request.homeAddress();
    MobilitySecurityAssociation sa = authenticate(request);
    if (sa == null) {
      // Without a verified association there is nothing to authenticate the reply with.
      deny(vrf, datagram, request, ReplyCode.HA_MN_AUTH_FAILED, null);
      return;
    }
    // A foreign agent we share an association with must authenticate what it relays (§3.8.2.1).
    MobilitySecurityAssociation faHa = foreignAgents.get(datagram.ip().source());
    if (faHa != null && !request.isDeregistration()) {
      MipExtension ext = request.find(MipConstants.EXT_FA_HA_AUTH);
      if (ext == null || !faHa.verify(request, ext)) {
        deny(vrf, datagram, request, ReplyCode.HA_FA_AUTH_FAILED, sa);
        return;
      }
    }
    if (request.homeAgent() != config.address().toInt()) {
      deny(vrf, datagram, request, ReplyCode.HA_UNKNOWN_HA_ADDRESS, sa);
      return;
    }
    long replayId = checkIdentification(request);
    if (replayId != 0) {
      reply(vrf, datagram, request, ReplyCode.HA_IDENTIFICATION_MISMATCH, 0, sa, replayId);
      return;
    }
    int flags = request.flags();
    if ((flags & (MipConstants.FLAG_RESERVED_R | MipConstants.FLAG_RESERVED_X)) != 0) {
      deny(vrf, datagram, request, ReplyCode.HA_POORLY_FORMED_REQUEST, sa);
      return;
    }
    if ((flags & (MipConstants.FLAG_MINIMAL | MipConstants.FLAG_GRE)) != 0) {
      // RFC 3024 §3.4: requested encapsulation unavailable.
      deny(vrf, datagram, request, 139, sa);
      return;
    }
    if (!inHomeRealm(home)) {
      deny(vrf, datagram, request, ReplyCode.HA_ADMIN_PROHIBITED, sa);
      return;
    }
    // RFC 3519: UDP tunnelling when a NAT is in the way (source is not the care-of address) or
    // the node forces it; declined otherwise, and IP in IP is used.
    MipExtension tunnelRequest = request.find(MipConstants.EXT_UDP_TUNNEL_REQUEST);
    boolean udp = false;
    if (tunnelRequest != null) {
      if (!UdpTunnel.requestReservedClear(tunnelRequest)) {
        deny(vrf, datagram, request, ReplyCode.HA_POORLY_FORMED_REQUEST, sa);
        return;
      }
      int encapsulation = UdpTunnel.requestEncapsulation(tunnelRequest);
      if (encapsulation != UdpTunnel.ENCAPSULATION_IP_IN_UDP && encapsulation != 0) {
        deny(vrf, datagram, request, ReplyCode.HA_UDP_ENCAPSULATION_UNAVAILABLE, sa);
        return;
      }
      boolean natSeen = datagram.ip().source() != request.careOfAddress();
      udp = natSeen || (UdpTunnel.requestFlags(tunnelRequest) & UdpTunnel.REQUEST_FORCE) != 0;
    }
    // Authenticated, fresh, well-formed: only now does state change.
    store.setLastIdentification(config.tenant(), Ipv4Address.of(home), request.identification());
    if (request.isDeregistration()) {
      deregister(home, request.careOfAddress());
      deny(vrf, datagram, request, ReplyCode.ACCEPTED, sa);
      return;
    }
    int lifetime = Math.min(request.lifetime(), config.maxLifetimeSeconds());
    Siu siu = throughGateway(vrf, datagram, request);
    bind(request, datagram, lifetime, udp);
    ByteBuf tunnelReply =
        tunnelRequest == null
            ? null
            : UdpTunnel.replyData(
                vrf.alloc(),
                udp ? UdpTunnel.REPLY_ACCEPTED : UdpTunnel.REPLY_DECLINED,
                KEEPALIVE_SECONDS);
    try {
      reply(
          vrf,
          datagram,
          request,
          ReplyCode.ACCEPTED,
          lifetime,
          sa,
          request.identification(),
          tunnelReply,
          siu);
    } finally {
      if (tunnelReply != null) {
        tunnelReply.release();
      }
    }
  }

  /** The MN-HA association whose authenticator verifies, or null (131). */
  private MobilitySecurityAssociation authenticate(RegistrationRequest request) {
    MipExtension first = null;
    for (MipExtension e : request.extensions()) {
      if (e.isAuthentication()) {
        first = e;
        break;
      }
    }
    // The MN-HA extension must be the first authentication extension (RFC 5944 §3.2).
    if (first == null || first.type() != MipConstants.EXT_MN_HA_AUTH) {
      return null;
    }
    Map<Long, MobilitySecurityAssociation> forNode = keys.get(request.homeAddress());
    MobilitySecurityAssociation sa =
        forNode == null ? null : forNode.get(first.spi() & 0xFFFFFFFFL);
    return sa != null && sa.verify(request, first) ? sa : null;
  }

  /**
   * Timestamp replay protection (RFC 5944 §5.7): 0 if the identification is fresh, else the
   * identification for the 133 reply: our time in the high 32 bits, the request's low 32 bits.
   */
  private long checkIdentification(RegistrationRequest request) {
    long id = request.identification();
    long ourSeconds = ntpSeconds();
    long theirSeconds = id >>> 32;
    OptionalLong last =
        store.lastIdentification(config.tenant(), Ipv4Address.of(request.homeAddress()));
    boolean fresh =
        Math.abs(theirSeconds - ourSeconds) <= config.replayToleranceSeconds()
            && (last.isEmpty() || Long.compareUnsigned(id, last.getAsLong()) > 0);
    return fresh ? 0 : (ourSeconds << 32) | (id & 0xFFFFFFFFL);
  }

  private long ntpSeconds() {
    return MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
  }

  private boolean inHomeRealm(int address) {
    for (Prefix p : config.homeRealms()) {
      if (p.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** A request whose fixed part is readable but whose extensions are broken: 134 if we can. */
  private void denyMalformed(Vrf vrf, UdpDatagram datagram, ByteBuf payload) {
    stats.onMalformed();
    if (payload.readableBytes() < RegistrationRequest.FIXED_LENGTH) {
      return; // not even an identification to answer with: dropped
    }
    int at = payload.readerIndex();
    ByteBuf reply =
        RegistrationBuilder.reply(
                publicVrf.alloc(),
                ReplyCode.HA_POORLY_FORMED_REQUEST,
                0,
                payload.getInt(at + 4),
                config.address().toInt(),
                payload.getLong(at + 16))
            .build();
    send(vrf, datagram, reply, ReplyCode.HA_POORLY_FORMED_REQUEST);
  }

  private void reply(
      Vrf vrf,
      UdpDatagram datagram,
      RegistrationRequest request,
      int code,
      int lifetime,
      MobilitySecurityAssociation sa,
      long identification) {
    reply(vrf, datagram, request, code, lifetime, sa, identification, null, null);
  }

  /** A denial: lifetime 0, the request's identification, authenticated if {@code sa} is known. */
  private void deny(
      Vrf vrf,
      UdpDatagram datagram,
      RegistrationRequest request,
      int code,
      MobilitySecurityAssociation sa) {
    reply(vrf, datagram, request, code, 0, sa, request.identification());
  }

  /** {@code tunnelReply}: the data of an RFC 3519 tunnel reply extension, placed before MN-HA. */
  private void reply(
      Vrf vrf,
      UdpDatagram datagram,
      RegistrationRequest request,
      int code,
      int lifetime,
      MobilitySecurityAssociation sa,
      long identification,
      ByteBuf tunnelReply,
      Siu siu) {
    RegistrationBuilder builder =
        RegistrationBuilder.reply(
            publicVrf.alloc(),
            code,
            lifetime,
            request.homeAddress(),
            config.address().toInt(),
            identification);
    if (tunnelReply != null) {
      builder.extension(MipConstants.EXT_UDP_TUNNEL_REPLY, tunnelReply);
    }
    if (sa != null) {
      builder.authenticate(MipConstants.EXT_MN_HA_AUTH, sa);
    }
    MobilitySecurityAssociation faHa = foreignAgents.get(datagram.ip().source());
    if (faHa != null) {
      builder.authenticate(MipConstants.EXT_FA_HA_AUTH, faHa);
    }
    if (!ReplyCode.isAccepted(code)) {
      LOG.debug("{}: {} -> {}", config.tenant(), request, ReplyCode.describe(code));
    }
    if (siu != null) {
      sendSiu(datagram, builder.build(), code, siu);
    } else {
      send(vrf, datagram, builder.build(), code);
    }
  }

  /**
   * Fig. 4 step 32: a request from one of a gateway's VPN clients that reached the public side came
   * through that gateway's tunnel; the update names the binding it replaces. Null otherwise.
   */
  private Siu throughGateway(Vrf vrf, UdpDatagram datagram, RegistrationRequest request) {
    if (vrf != publicVrf || gateways.isEmpty()) {
      return null;
    }
    int source = datagram.ip().source();
    for (Gateway g : gateways) {
      if (g.spec().serves(source)) {
        List<Binding> current =
            store.bindings(config.tenant(), Ipv4Address.of(request.homeAddress()));
        Ipv4Address old = current.isEmpty() ? Ipv4Address.of(0) : current.get(0).careOfAddress();
        return new Siu(g, old, Ipv4Address.of(request.careOfAddress()));
      }
    }
    return null;
  }

  /** Steps 34-36: the reply travels inside an authenticated, timestamped update to the gateway. */
  private void sendSiu(UdpDatagram to, ByteBuf reply, int code, Siu siu) {
    stats.onReply(code);
    // NTP seconds in the high half, strictly increasing even within one second.
    long now = ntpSeconds() << 32; // unsigned: NTP seconds have the top bit set until 2036
    long id =
        Long.compareUnsigned(now, lastSiuIdentification) > 0 ? now : lastSiuIdentification + 1;
    lastSiuIdentification = id;
    ByteBuf message =
        SecurityInformationUpdate.build(
            publicVrf.alloc(),
            to.sourcePort(),
            id,
            Ipv4Address.of(to.ip().source()),
            config.address(),
            siu.oldCareOf(),
            siu.newCareOf(),
            reply,
            siu.gateway().key());
    try {
      publicVrf.sendUdp(
          config.address(),
          siu.gateway().spec().key().peer(),
          // Not from 434: the update is not a Mobile IP message and must not be taken for one.
          siu.gateway().spec().port(),
          siu.gateway().spec().port(),
          message);
      siusSent++;
    } finally {
      message.release();
      reply.release();
    }
  }

  /** Answers on the VRF the request came in on: public, or the tenant's for a node at home. */
  private void send(Vrf vrf, UdpDatagram to, ByteBuf reply, int code) {
    stats.onReply(code);
    try {
      vrf.sendUdp(
          config.address(), to.ip().sourceAddress(), MipConstants.PORT, to.sourcePort(), reply);
    } finally {
      reply.release();
    }
  }

  // ---- bindings -------------------------------------------------------------------------------

  private void bind(RegistrationRequest request, UdpDatagram datagram, int lifetime, boolean udp) {
    long now = scheduler.nanoTime();
    Ipv4Address home = Ipv4Address.of(request.homeAddress());
    Binding binding =
        new Binding(
            config.tenant(),
            home,
            // Behind a NAT the care-of address is where the request came from (RFC 3519 §4.6).
            Ipv4Address.of(udp ? datagram.ip().source() : request.careOfAddress()),
            config.address(),
            request.flags(),
            lifetime,
            now,
            lifetime == MipConstants.INFINITE_LIFETIME
                ? Long.MAX_VALUE
                : now + TimeUnit.SECONDS.toNanos(lifetime),
            request.identification(),
            datagram.ip().sourceAddress(),
            datagram.sourcePort(),
            udp ? Binding.Encapsulation.UDP : Binding.Encapsulation.IP_IN_IP);
    if (request.hasFlag(MipConstants.FLAG_SIMULTANEOUS)) {
      store.put(binding);
    } else {
      for (Binding old : store.bindings(config.tenant(), home)) {
        cancelExpiry(old);
      }
      store.replaceAll(binding);
    }
    armExpiry(binding);
    standIn(home);
  }

  private void deregister(int home, int careOf) {
    Ipv4Address homeAddress = Ipv4Address.of(home);
    if (careOf == home) {
      // Back home: every binding goes (RFC 5944 §3.6.1.2).
      for (Binding b : store.bindings(config.tenant(), homeAddress)) {
        cancelExpiry(b);
      }
      store.removeAll(config.tenant(), homeAddress);
    } else {
      Binding removed = store.remove(config.tenant(), homeAddress, Ipv4Address.of(careOf));
      if (removed != null) {
        cancelExpiry(removed);
      }
    }
    if (store.bindings(config.tenant(), homeAddress).isEmpty()) {
      withdraw(homeAddress);
    }
  }

  /** Routes the home address into the tunnel and answers for it on the home network. */
  private void standIn(Ipv4Address home) {
    tenantVrf.addRoute(new Route(Prefix.of(home, 32), null, tunnel, Route.Origin.PROTOCOL));
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

  private void armExpiry(Binding b) {
    cancelExpiry(b);
    if (b.expiresAtNanos() == Long.MAX_VALUE) {
      return;
    }
    long key = timerKey(b);
    expiryTimers.put(
        key,
        scheduler.schedule(
            b.expiresAtNanos() - scheduler.nanoTime(),
            TimeUnit.NANOSECONDS,
            () -> {
              expiryTimers.remove(key);
              store.remove(b.tenant(), b.homeAddress(), b.careOfAddress());
              if (store.bindings(b.tenant(), b.homeAddress()).isEmpty()) {
                withdraw(b.homeAddress());
              }
            }));
  }

  private void cancelExpiry(Binding b) {
    Scheduler.Timer t = expiryTimers.remove(timerKey(b));
    if (t != null) {
      t.cancel();
    }
  }

  // ---- tunnels --------------------------------------------------------------------------------

  /** RFC 3519 tunnel data from a mobile node: its datagram, or a keepalive to answer. */
  private void fromUdpTunnel(Vrf vrf, UdpDatagram datagram) {
    Ipv4Packet inner;
    try {
      inner = Ipv4Packet.parse(UdpTunnel.dataPayload(datagram.payload()));
    } catch (MalformedPacketException e) {
      stats.onTunnelled(false);
      vrf.counters().onMalformed(e.reason());
      return;
    }
    boolean bound = false;
    for (Binding b : store.bindings(config.tenant(), inner.sourceAddress())) {
      if (b.encapsulation() == Binding.Encapsulation.UDP
          && b.source().toInt() == datagram.ip().source()
          && b.sourcePort() == datagram.sourcePort()) {
        bound = true;
        break;
      }
    }
    if (!bound || tunnel == null || inner.ttl() == 0) {
      stats.onTunnelled(false);
      return;
    }
    stats.onTunnelled(true);
    if (inner.destination() == config.address().toInt() && inner.protocol() == IpProtocol.ICMP) {
      keepalive(datagram, inner);
      return;
    }
    tunnel.receive(inner.datagram().retainedSlice());
  }

  /** A keepalive (RFC 3519 §4.10): an echo request to us, answered the same way it came. */
  private void keepalive(UdpDatagram datagram, Ipv4Packet inner) {
    try {
      IcmpMessage echo = IcmpMessage.parse(inner);
      if (echo.type() != IcmpType.ECHO_REQUEST) {
        return;
      }
      ByteBuf reply = IcmpBuilder.echoReply(publicVrf.alloc(), echo, config.address().toInt());
      try {
        sendUdpTunnel(
            datagram.ip().sourceAddress(), datagram.sourcePort(), Ipv4Packet.parse(reply));
      } finally {
        reply.release();
      }
    } catch (MalformedPacketException e) {
      publicVrf.counters().onMalformed(e.reason());
    }
  }

  private void sendUdpTunnel(Ipv4Address to, int port, Ipv4Packet inner) {
    ByteBuf data =
        UdpTunnel.data(publicVrf.alloc(), inner.buffer(), inner.offset(), inner.totalLength());
    try {
      publicVrf.sendUdp(config.address(), to, MipConstants.PORT, port, data);
    } finally {
      data.release();
    }
  }

  /**
   * A reverse-tunnelled datagram (RFC 3024): accepted into the tenant VRF only if its inner source
   * is a home address bound to the outer source as care-of address.
   */
  @Override
  public void tunnelled(Vrf vrf, Interface ingress, Ipv4Packet outer) {
    Ipv4Packet inner;
    try {
      inner = IpInIp.decapsulate(outer);
    } catch (MalformedPacketException e) {
      stats.onTunnelled(false);
      vrf.counters().onMalformed(e.reason());
      return;
    }
    boolean bound = false;
    for (Binding b : store.bindings(config.tenant(), inner.sourceAddress())) {
      if (b.careOfAddress().toInt() == outer.source() || b.source().toInt() == outer.source()) {
        bound = true;
        break;
      }
    }
    if (!bound || inner.ttl() == 0 || tunnel == null) {
      stats.onTunnelled(false);
      tenantVrf.counters().onDrop(DropReason.NO_ROUTE);
      return;
    }
    stats.onTunnelled(true);
    ByteBuf copy = inner.datagram().retainedSlice();
    tunnel.receive(copy);
  }

  /** The tenant side of the tunnels: datagrams routed to a bound home address. */
  private final class Tunnel extends EncapsulatingTransport {

    Tunnel() {
      super("ipip:" + config.address(), 1500 - 20);
    }

    @Override
    protected void forward(Ipv4Packet inner, int homeAddress) {
      List<Binding> bindings = store.bindings(config.tenant(), Ipv4Address.of(homeAddress));
      if (bindings.isEmpty()) {
        owner().counters().onDrop(DropReason.NO_ROUTE);
        return;
      }
      for (Binding b : bindings) {
        if (b.encapsulation() == Binding.Encapsulation.UDP) {
          sendUdpTunnel(b.source(), b.sourcePort(), inner);
          continue;
        }
        nextTunnelId = (nextTunnelId + 1) & 0xFFFF;
        publicVrf.send(
            IpInIp.encapsulate(
                publicVrf.alloc(),
                config.address().toInt(),
                b.careOfAddress().toInt(),
                inner,
                TUNNEL_TTL,
                nextTunnelId));
      }
    }
  }
}
