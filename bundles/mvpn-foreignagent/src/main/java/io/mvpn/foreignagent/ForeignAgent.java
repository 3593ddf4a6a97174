package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
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
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One foreign agent shared by the mobile nodes of every tenant (seed 002 claim 18, RFC 5944 §3.7):
 * it advertises itself on its access link, relays registrations between visitors and their home
 * agents, delivers what the home agents tunnel to its care-of address, and reverse-tunnels (RFC
 * 3024) what visitors send. The visitor list is keyed by (home agent, home address), and visitors
 * are reached by link-layer station, so two tenants' nodes with the same home address coexist on
 * one link.
 *
 * <p>Two VRFs: the access VRF faces the visitors, the uplink VRF the carrier network where the home
 * agents are. Runs on the scheduler they share.
 */
public final class ForeignAgent implements ForeignAgentService {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForeignAgent.class);

  /** Requests waiting for their home agent's answer, at most this long (RFC 5944 §3.7.1). */
  private static final long PENDING_NANOS = TimeUnit.SECONDS.toNanos(7);

  /**
   * The care-of address offered (the agent's on both sides), the longest registration accepted, the
   * time between advertisements, requests pending at most, the FA-HA and MN-FA associations.
   */
  public record Config(
      Ipv4Address careOf,
      int maxLifetimeSeconds,
      long advertisementIntervalNanos,
      int maxPending,
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys,
      Map<Mobile, MobilitySecurityAssociation> mobileNodeKeys) {

    /** No FA-HA associations, at most 5 requests pending (RFC 5944 §3.7.1's typical limit). */
    public Config(Ipv4Address careOf, int maxLifetimeSeconds, long advertisementIntervalNanos) {
      this(careOf, maxLifetimeSeconds, advertisementIntervalNanos, 5, Map.of(), Map.of());
    }

    /** With FA-HA associations, no MN-FA ones. */
    public Config(
        Ipv4Address careOf,
        int maxLifetimeSeconds,
        long advertisementIntervalNanos,
        int maxPending,
        Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys) {
      this(
          careOf,
          maxLifetimeSeconds,
          advertisementIntervalNanos,
          maxPending,
          homeAgentKeys,
          Map.of());
    }

    public Config {
      homeAgentKeys = Map.copyOf(homeAgentKeys);
      mobileNodeKeys = Map.copyOf(mobileNodeKeys);
    }
  }

  /**
   * Where the agent's state outlives it: its name there, the visitor and counter stores (null: that
   * state lives only in the engine), and its scheduler's time base, for wall-clock expiries.
   *
   * @param epochOffsetNanos scheduler time plus this is Unix time (the fabric's epochOffsetNanos)
   * @param ourHomeAgents the appliance's own home agents: counted by name, like FA-HA associations
   */
  public record Stores(
      String agent,
      VisitorStore visitors,
      CounterStore counters,
      long epochOffsetNanos,
      java.util.function.Predicate<Ipv4Address> ourHomeAgents) {

    /** State that lives and dies with the engine. */
    public static final Stores NONE = new Stores("", null, null, 0, a -> false);
  }

  private record Key(int homeAgent, int homeAddress) {}

  /** A mobile node, for MN-FA associations: home addresses repeat across home agents. */
  public record Mobile(Ipv4Address homeAgent, Ipv4Address homeAddress) {}

  private record Pending(
      int station,
      int sourcePort,
      int homeAddress,
      int homeAgent,
      long identification,
      long createdAt,
      Scheduler.Timer timeout) {}

  /** At most one denial per second to a mobile node (RFC 5944 §3.7.2). */
  private static final long DENIAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Map<Integer, Long> lastDenial = new HashMap<>();

  private final Config config;
  private final Vrf access;
  private final Interface accessInterface;
  private final Vrf uplink;
  private final Scheduler scheduler;
  private final VisitorList visitors;
  private final Map<Key, Pending> pending = new HashMap<>();
  private final List<Registration> registrations = new ArrayList<>();
  private Scheduler.Timer advertising;
  private int sequence;
  private final AgentCounters counters;
  private AgentEvents events;
  private LinkLogin linkLogin; // null: no RFC 4721 challenge/response

  /** An agent whose visitors live and die with it. */
  public ForeignAgent(Config config, Vrf access, Interface accessInterface, Vrf uplink) {
    this(config, access, accessInterface, uplink, Stores.NONE);
  }

  /** An agent that writes its visitors through to {@code stores} and takes them over on start. */
  public ForeignAgent(
      Config config, Vrf access, Interface accessInterface, Vrf uplink, Stores stores) {
    this.config = config;
    this.access = access;
    this.accessInterface = accessInterface;
    this.uplink = uplink;
    this.scheduler = access.scheduler();
    this.visitors = new VisitorList(scheduler, stores);
    this.counters = new AgentCounters(stores, config.homeAgentKeys()::containsKey);
    this.events = new AgentEvents(SecurityEvents.NONE, config.careOf());
  }

  /** Where refused registrations are reported (failed authentication, unreadable requests). */
  public void reportTo(SecurityEvents securityEvents) {
    this.events = new AgentEvents(securityEvents, config.careOf());
  }

  /**
   * Requires every registration to log in with the key layer 2 established (RFC 4721 MN-AAA), from
   * the next advertisement on. Returns the login's counters.
   */
  public LinkLogin requireLinkLogin(LinkKeyService linkKeys) {
    linkLogin = new LinkLogin(linkKeys);
    return linkLogin;
  }

  /** Takes over stored visitors, then serves the access link and the uplink. */
  public void start() {
    int restored = visitors.restore();
    if (restored > 0) {
      LOG.info("foreign agent {}: {} visitors taken over", config.careOf(), restored);
    }
    registrations.add(access.bindUdp(MipConstants.PORT, this::fromVisitor));
    registrations.add(
        access.registerIcmp(IcmpType.ROUTER_SOLICITATION, (vrf, in, ip) -> advertise()));
    registrations.add(uplink.bindUdp(MipConstants.PORT, this::fromHomeAgent));
    registrations.add(uplink.registerProtocol(IpProtocol.IPIP, this::fromTunnel));
    // Whatever visitors send beyond the link goes back to their home agents (RFC 3024).
    Interface reverse =
        access.addInterface("reverse-tunnel", config.careOf(), 32, new ReverseTunnel());
    access.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, reverse, Route.Origin.PROTOCOL));
    advertise();
  }

  public void stop() {
    registrations.forEach(Registration::close);
    registrations.clear();
    if (advertising != null) {
      advertising.cancel();
    }
    access.removeInterface("reverse-tunnel");
    visitors.stop();
  }

  @Override
  public Ipv4Address careOf() {
    return config.careOf();
  }

  /** The visitor list (a copy). */
  @Override
  public List<Visitor> visitors() {
    return visitors.list();
  }

  @Override
  public long relayedRequests() {
    return counters.relayedRequests.get();
  }

  @Override
  public long relayedReplies() {
    return counters.relayedReplies.get();
  }

  @Override
  public long deliveredToVisitors() {
    return counters.deliveredToVisitors.get();
  }

  @Override
  public long reverseTunnelled() {
    return counters.reverseTunnelled.get();
  }

  @Override
  public long dropped() {
    return counters.dropped.get();
  }

  @Override
  public Map<Ipv4Address, HomeAgentFigures> byHomeAgent() {
    return counters.byHomeAgent();
  }

  @Override
  public long nanoTime() {
    return scheduler.nanoTime();
  }

  /** Sends an agent advertisement now and schedules the next one. */
  private void advertise() {
    if (advertising != null) {
      advertising.cancel();
    }
    AgentAdvertisement ad =
        new AgentAdvertisement(
            sequence,
            config.maxLifetimeSeconds(),
            AgentAdvertisement.FLAG_REGISTRATION_REQUIRED
                | AgentAdvertisement.FLAG_FOREIGN_AGENT
                | AgentAdvertisement.FLAG_REVERSE_TUNNEL,
            List.of(config.careOf()));
    sequence = AgentAdvertisement.nextSequence(sequence);
    ByteBuf extension = ad.encode(access.alloc());
    try {
      if (linkLogin != null) {
        linkLogin.appendChallenge(extension);
      }
      int lifetime =
          (int) Math.min(0xFFFF, 3 * config.advertisementIntervalNanos() / 1_000_000_000L + 1);
      ByteBuf datagram =
          IcmpBuilder.routerAdvertisement(
              access.alloc(),
              config.careOf().toInt(),
              -1,
              lifetime,
              List.of(new RouterAdvertisement.Entry(config.careOf(), 0)),
              extension,
              1);
      access.send(datagram, accessInterface, -1);
    } finally {
      extension.release();
    }
    advertising =
        scheduler.schedule(
            config.advertisementIntervalNanos(), TimeUnit.NANOSECONDS, this::advertise);
  }

  private void fromVisitor(Vrf vrf, Interface in, UdpDatagram udp) {
    int station = in == null ? Interface.NO_STATION : in.receivingFrom();
    RegistrationRequest request;
    try {
      request = RegistrationRequest.parse(udp.payload());
    } catch (MalformedPacketException e) {
      events.malformed(udp, "registration request: " + e.getMessage());
      denyUnparsable(udp, station);
      return;
    }
    int flags = request.flags();
    if ((flags & (MipConstants.FLAG_RESERVED_R | MipConstants.FLAG_RESERVED_X)) != 0) {
      deny(request, station, udp.sourcePort(), ReplyCode.FA_POORLY_FORMED_REQUEST, 0);
      return;
    }
    if (!request.hasFlag(MipConstants.FLAG_DECAPSULATION_BY_MN)
        && request.lifetime() != 0
        && request.careOfAddress() != config.careOf().toInt()) {
      deny(request, station, udp.sourcePort(), ReplyCode.FA_INVALID_COA, 0);
      return;
    }
    if (request.lifetime() > config.maxLifetimeSeconds()) {
      deny(
          request,
          station,
          udp.sourcePort(),
          ReplyCode.FA_LIFETIME_TOO_LONG,
          config.maxLifetimeSeconds());
      return;
    }
    // Relay everything through the authorization-enabling (MN-HA) extension, nothing after it.
    MipExtension mnHa = request.find(MipConstants.EXT_MN_HA_AUTH);
    if (mnHa == null) {
      counters.dropped
          .increment(); // the home agent would refuse it; RFC 5944 §3.7.2.1 lets us drop it
      return;
    }
    int login = linkLogin == null ? 0 : linkLogin.check(request, station);
    if (login != 0) {
      events.loginRefused(udp, request.homeAddress(), login);
      deny(request, station, udp.sourcePort(), login, 0);
      return;
    }
    // With an MN-FA association the request must carry a valid MN-FA extension (§3.7.2.1).
    MobilitySecurityAssociation mnFa =
        config
            .mobileNodeKeys()
            .get(
                new Mobile(
                    Ipv4Address.of(request.homeAgent()), Ipv4Address.of(request.homeAddress())));
    if (mnFa != null) {
      MipExtension ext = request.find(MipConstants.EXT_MN_FA_AUTH);
      if (ext == null || ext.offset() < mnHa.end() || !mnFa.verify(request, ext)) {
        events.mnFaAuthFailed(udp, request.homeAddress());
        deny(request, station, udp.sourcePort(), ReplyCode.FA_MN_AUTH_FAILED, 0);
        return;
      }
    }
    Key key = new Key(request.homeAgent(), request.homeAddress());
    Pending previous = pending.get(key);
    if (previous == null && pending.size() >= config.maxPending()) {
      deny(request, station, udp.sourcePort(), ReplyCode.FA_INSUFFICIENT_RESOURCES, 0);
      return;
    }
    if (previous != null) {
      previous.timeout().cancel();
    }
    int sourcePort = udp.sourcePort();
    Scheduler.Timer timeout =
        scheduler.schedule(PENDING_NANOS, TimeUnit.NANOSECONDS, () -> timedOut(key));
    pending.put(
        key,
        new Pending(
            station,
            sourcePort,
            request.homeAddress(),
            request.homeAgent(),
            request.identification(),
            scheduler.nanoTime(),
            timeout));
    RegistrationBuilder builder =
        RegistrationBuilder.copyOf(access.alloc(), request, mnHa.end() - request.offset());
    MobilitySecurityAssociation faHa =
        config.homeAgentKeys().get(Ipv4Address.of(request.homeAgent()));
    if (faHa != null && request.lifetime() != 0) {
      builder.authenticate(MipConstants.EXT_FA_HA_AUTH, faHa);
    }
    ByteBuf relay = builder.build();
    try {
      uplink.sendUdp(
          config.careOf(),
          Ipv4Address.of(request.homeAgent()),
          MipConstants.PORT,
          MipConstants.PORT,
          relay);
      counters.requestRelayed(request.homeAgent());
    } finally {
      relay.release();
    }
  }

  /**
   * A request whose fixed part is there but whose extensions do not parse: 70 (RFC 5944 §3.7.2.1),
   * answered from the fixed part; anything shorter has nothing to answer with and is dropped.
   */
  private void denyUnparsable(UdpDatagram udp, int station) {
    ByteBuf p = udp.payload();
    int at = p.readerIndex();
    if (p.readableBytes() < RegistrationRequest.FIXED_LENGTH
        || p.getUnsignedByte(at) != MipConstants.REGISTRATION_REQUEST) {
      counters.dropped.increment();
      return;
    }
    deny(
        p.getInt(at + 4),
        p.getInt(at + 8),
        p.getLong(at + 16),
        station,
        udp.sourcePort(),
        ReplyCode.FA_POORLY_FORMED_REQUEST,
        0);
  }

  /** A request the home agent never answered: denied with 78 (RFC 5944 §3.7.1). */
  private void timedOut(Key key) {
    Pending p = pending.remove(key);
    if (p != null) {
      deny(
          p.homeAddress(),
          p.homeAgent(),
          p.identification(),
          p.station(),
          p.sourcePort(),
          ReplyCode.FA_REGISTRATION_TIMEOUT,
          0);
    }
  }

  /** The agent's own denial (RFC 5944 §3.7.2.3), straight back to the requesting station. */
  private void deny(RegistrationRequest r, int station, int port, int code, int lifetime) {
    deny(r.homeAddress(), r.homeAgent(), r.identification(), station, port, code, lifetime);
  }

  private void deny(
      int homeAddress,
      int homeAgent,
      long identification,
      int station,
      int port,
      int code,
      int lifetime) {
    long now = scheduler.nanoTime();
    Long last = lastDenial.get(station);
    if (last != null && now - last < DENIAL_INTERVAL_NANOS) {
      counters.dropped.increment();
      return;
    }
    lastDenial.put(station, now);
    ByteBuf reply =
        RegistrationBuilder.reply(
                access.alloc(), code, lifetime, homeAddress, homeAgent, identification)
            .build();
    try {
      toVisitor(homeAddress, station, port, reply);
      counters.denied(homeAgent, code);
    } finally {
      reply.release();
    }
  }

  private void fromHomeAgent(Vrf vrf, Interface in, UdpDatagram udp) {
    RegistrationReply reply;
    try {
      reply = RegistrationReply.parse(udp.payload());
    } catch (MalformedPacketException e) {
      events.malformed(udp, "registration reply: " + e.getMessage());
      counters.dropped.increment();
      return;
    }
    Key key = new Key(reply.homeAgent(), reply.homeAddress());
    Pending p = pending.get(key);
    if (p == null
        || (p.identification() & 0xFFFFFFFFL) != (reply.identification() & 0xFFFFFFFFL)
        || scheduler.nanoTime() - p.createdAt() > PENDING_NANOS) {
      counters.dropped.increment(); // RFC 5944 §3.7.3: a reply matching no pending request
      return;
    }
    pending.remove(key);
    p.timeout().cancel();
    MobilitySecurityAssociation faHa =
        config.homeAgentKeys().get(Ipv4Address.of(reply.homeAgent()));
    if (faHa != null) {
      MipExtension ext = reply.find(MipConstants.EXT_FA_HA_AUTH);
      if (ext == null || !faHa.verify(reply, ext)) {
        // The home agent could not be authenticated: 68 to the node, nothing recorded.
        events.faHaAuthFailed(udp, reply.homeAddress());
        deny(
            reply.homeAddress(),
            reply.homeAgent(),
            reply.identification(),
            p.station(),
            p.sourcePort(),
            ReplyCode.FA_HA_AUTH_FAILED,
            0);
        return;
      }
    }
    if (ReplyCode.isAccepted(reply.code())) {
      if (reply.lifetime() == 0) {
        visitors.remove(reply.homeAgent(), reply.homeAddress());
      } else {
        int lifetime = Math.min(reply.lifetime(), config.maxLifetimeSeconds());
        long expires = scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime);
        // The station must outlive the binding, whatever the link's ageing says.
        accessInterface.transport().holdStation(p.station(), expires);
        visitors.accept(
            new Visitor(
                Ipv4Address.of(reply.homeAgent()),
                Ipv4Address.of(reply.homeAddress()),
                p.station(),
                p.sourcePort(),
                lifetime,
                expires),
            reply.identification());
      }
    }
    // Relayed unchanged through the MN-HA extension, which covers it; FA-HA stays here; MN-FA is
    // added for a node we share an association with.
    MipExtension mnHa = reply.find(MipConstants.EXT_MN_HA_AUTH);
    MobilitySecurityAssociation mnFa =
        config
            .mobileNodeKeys()
            .get(
                new Mobile(Ipv4Address.of(reply.homeAgent()), Ipv4Address.of(reply.homeAddress())));
    ByteBuf copy;
    if (mnHa == null) {
      copy = udp.payload().retainedSlice();
    } else if (mnFa == null) {
      copy = udp.payload().retainedSlice(udp.payload().readerIndex(), mnHa.end() - reply.offset());
    } else {
      copy =
          RegistrationBuilder.copyOf(access.alloc(), reply, mnHa.end() - reply.offset())
              .authenticate(MipConstants.EXT_MN_FA_AUTH, mnFa)
              .build();
    }
    try {
      toVisitor(reply.homeAddress(), p.station(), p.sourcePort(), copy);
      counters.replyRelayed(reply.homeAgent(), reply.code());
    } finally {
      copy.release();
    }
  }

  private void toVisitor(int homeAddress, int station, int port, ByteBuf payload) {
    ByteBuf datagram =
        UdpDatagram.build(
            access.alloc(),
            config.careOf().toInt(),
            homeAddress,
            MipConstants.PORT,
            port,
            payload,
            64);
    accessInterface.transmitToStation(datagram, station);
  }

  /** A datagram a home agent tunnelled to our care-of address, for one of our visitors. */
  private void fromTunnel(Vrf vrf, Interface in, Ipv4Packet outer) {
    Ipv4Packet inner;
    try {
      inner = IpInIp.decapsulate(outer);
    } catch (MalformedPacketException e) {
      counters.dropped.increment();
      return;
    }
    Visitor v = visitors.find(outer.source(), inner.destination());
    if (v == null) {
      counters.dropped.increment(); // RFC 5944 §4.2.2: unknown mobile node, dropped without ICMP
      return;
    }
    counters.deliveredToVisitors.increment();
    accessInterface.transmitToStation(inner.datagram().retainedSlice(), v.station());
  }

  /** The access VRF's default route: visitors' datagrams back to their home agents. */
  private final class ReverseTunnel extends EncapsulatingTransport {

    ReverseTunnel() {
      super("reverse-tunnel:" + config.careOf(), 1500 - 20);
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      // The sender's station tells apart visitors with the same home address.
      Visitor visitor = visitors.fromStation(accessInterface.receivingFrom(), inner.source());
      if (visitor == null) {
        owner().counters().onDrop(DropReason.NO_ROUTE);
        counters.dropped.increment();
        return;
      }
      counters.reverseTunnelled.increment();
      TunnelEntry.sendIpInIp(
          uplink, config.careOf().toInt(), visitor.homeAgent().toInt(), inner, owner());
    }
  }
}
