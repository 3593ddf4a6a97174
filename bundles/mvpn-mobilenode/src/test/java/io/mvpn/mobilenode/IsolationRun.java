package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.IsolationWorld.Place;
import io.mvpn.mobilenode.IsolationWorld.Tenant;
import io.mvpn.net.DropReason;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Random datagrams through an {@link IsolationWorld}, each tagged with its id, and what every
 * receiver got, judged by the isolation oracle: a datagram may reach tenant T's host or node only
 * if it came from T, or from the Internet to a NAPT mapping T opened (the Internet host echoes what
 * tenants send it, and probes the NAPT's ports). Outsiders (the forger on the foreign agent's link,
 * the Internet host) are tenant -1 and may reach no tenant otherwise.
 */
final class IsolationRun {

  static final int PORT = 7000;
  static final int MAGIC = 0x49534f4c;
  static final int OUTSIDE = -1;

  /** No tenant: a {@link Sent#partner()} when only the sender's own tenant may get it. */
  static final int NOBODY = -2;

  static final int DNS_PORT = 5300;

  /** What a random datagram is. */
  enum Kind {
    /** A node to its own tenant's host, reverse-tunnelled when away. */
    NODE_TO_OWN_HOST,
    /** A host to its own tenant's node, tunnelled by the home agent when away. */
    HOST_TO_OWN_NODE,
    /** A host or node to some address of its own realm. */
    ANY_IN_OWN_REALM,
    /** The forger on the foreign agent's link, as 10.1.0.5 or another realm address. */
    FORGED_ON_VISITED_LINK,
    /** IP-in-IP to a home agent whose tenant's binding is not at that outer source. */
    FORGED_TUNNEL,
    /** A node of one tenant tunnelling into another tenant's home agent. */
    CROSS_TENANT_TUNNEL,
    /** The Internet host to realm addresses, home agents and the foreign agent. */
    FROM_INTERNET,
    /** Bytes that only look like a datagram, to a home agent or the foreign agent. */
    GARBAGE,
    /** A host or node to the Internet host, through the NAPT; the host echoes it. */
    TO_INTERNET,
    /** The Internet host's echo of a {@link #TO_INTERNET} datagram, back through the NAPT. */
    NAPT_REPLY,
    /** The Internet host to a random port of the NAPT's pool: only a mapping's owner may get it. */
    NAPT_PROBE,
    /**
     * A host through its workgroup SA to another tenant's host (or, forged, to or from another
     * address): only its workgroup partner's host may get it, and only member to member.
     */
    WORKGROUP,
    /** A host or node asks the MSM's DNS, through the NAPT, for some tenant's member or none. */
    DNS_QUERY,
    /**
     * A tenant's VPN client in ESP to its own security gateway or another tenant's, carrying its
     * own address or another of the realm.
     */
    ESP_TO_GATEWAY
  }

  /**
   * A datagram sent: who sent it, the other tenant that may get it ({@link #NOBODY} if none) and
   * whether the oracle expects it to arrive.
   */
  record Sent(long id, Kind kind, int tenant, int partner, boolean clean) {}

  /**
   * A datagram received by a tenant (or an outsider, -1) at a node; {@code napt}: a probe of a NAPT
   * port that the receiving tenant's mapping held when it arrived.
   */
  record Received(long id, int tenant, String at, boolean napt) {}

  final IsolationWorld world;
  final Random random;
  final long seed;
  final List<Sent> sent = new ArrayList<>();
  final List<Received> received = new ArrayList<>();
  private final Map<Long, Integer> probedPorts = new HashMap<>();
  private final ServiceTraffic services;
  final List<Tenant> tenants;

  IsolationRun(long seed, int tenantCount) {
    this.seed = seed;
    this.random = new Random(seed);
    this.world = new IsolationWorld(seed, tenantCount);
    this.tenants = world.tenants;
    for (Tenant t : tenants) {
      listen(t.hostName(), "main", t.index());
      listen(t.nodeName(), "home", t.index());
      listen(t.nodeName(), "cell1", t.index());
      if (t.place() == Place.COLOCATED) {
        listen(t.nodeName(), "colo", t.index());
      }
    }
    listen(IsolationWorld.FORGER, "cell", OUTSIDE);
    listen(IsolationWorld.OUTSIDER, "main", OUTSIDE);
    services = new ServiceTraffic(this);
  }

  private void listen(String node, String vrf, int tenant) {
    String at = node + "/" + vrf;
    world
        .vrf(node, vrf)
        .bindUdp(
            PORT,
            (v, ingress, datagram) -> {
              ByteBuf p = datagram.payload();
              if (p.readableBytes() >= 12 && p.getInt(p.readerIndex()) == MAGIC) {
                long id = p.getLong(p.readerIndex() + 4);
                received.add(new Received(id, tenant, at, heldBy(probedPorts.get(id), tenant)));
              }
            });
  }

  /** Settles the registrations, then sends {@code count} datagrams one per virtual millisecond. */
  void run(int count) {
    world.settle();
    var time = world.lab.virtualTime();
    world
        .vrf(IsolationWorld.OUTSIDER, "main")
        .bindUdp(
            PORT + 1,
            (v, ingress, datagram) -> {
              ByteBuf p = datagram.payload();
              if (p.readableBytes() >= 12 && p.getInt(p.readerIndex()) == MAGIC) {
                long id = p.getLong(p.readerIndex() + 4);
                received.add(new Received(id, OUTSIDE, IsolationWorld.OUTSIDER, false));
                echo(sent.get((int) id), datagram.ip().source(), datagram.sourcePort());
              }
            });
    for (int i = 0; i < count; i++) {
      time.schedule(i * IsolationWorld.MS, TimeUnit.NANOSECONDS, this::sendOne);
    }
    time.advance(count + 5_000L, TimeUnit.MILLISECONDS);
  }

  private void sendOne() {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    if (kind == Kind.NAPT_REPLY) {
      kind = Kind.NAPT_PROBE; // replies are the Internet host's, to what it got
    }
    long id = sent.size();
    int ttl = random.nextInt(100) < 85 ? 64 : 1 + random.nextInt(8);
    int port = random.nextInt(100) < 92 ? PORT : 1 + random.nextInt(0xFFFF);
    int sourcePort = 1024 + random.nextInt(60000);
    ByteBuf payload = payload(id);
    Tenant t = tenants.get(random.nextInt(tenants.size()));
    boolean plain = ttl == 64 && port == PORT;
    try {
      switch (kind) {
        case NODE_TO_OWN_HOST -> {
          boolean up = t.node().connected();
          record(id, kind, t.index(), plain && up);
          if (up) {
            udp(
                nodeVrf(t),
                IsolationWorld.MN_HOME,
                IsolationWorld.HOST,
                sourcePort,
                port,
                ttl,
                payload);
          }
        }
        case HOST_TO_OWN_NODE -> {
          record(id, kind, t.index(), plain && t.node().connected());
          udp(
              hostVrf(t),
              IsolationWorld.HOST,
              IsolationWorld.MN_HOME,
              sourcePort,
              port,
              ttl,
              payload);
        }
        case ANY_IN_OWN_REALM -> {
          record(id, kind, t.index(), false);
          Ipv4Address to = realmAddress();
          if (random.nextBoolean()) {
            udp(hostVrf(t), IsolationWorld.HOST, to, sourcePort, port, ttl, payload);
          } else if (t.node().connected()) {
            udp(nodeVrf(t), IsolationWorld.MN_HOME, to, sourcePort, port, ttl, payload);
          }
        }
        case FORGED_ON_VISITED_LINK -> {
          record(id, kind, OUTSIDE, false);
          Vrf forger = world.vrf(IsolationWorld.FORGER, "cell");
          Ipv4Address from = random.nextBoolean() ? IsolationWorld.MN_HOME : realmAddress();
          Ipv4Address to = random.nextBoolean() ? IsolationWorld.HOST : realmAddress();
          forger.send(
              UdpDatagram.build(
                  forger.alloc(), from.toInt(), to.toInt(), sourcePort, port, payload, ttl),
              world.iface(IsolationWorld.FORGER, "c0"),
              IsolationWorld.FA.toInt());
        }
        case FORGED_TUNNEL -> forgedTunnel(id, t, sourcePort, port, ttl, payload);
        case CROSS_TENANT_TUNNEL -> crossTenantTunnel(id, t, sourcePort, port, ttl, payload);
        case FROM_INTERNET -> {
          record(id, kind, OUTSIDE, false);
          Ipv4Address to =
              switch (random.nextInt(4)) {
                case 0 -> IsolationWorld.HOST;
                case 1 -> IsolationWorld.MN_HOME;
                case 2 -> t.homeAgent();
                default -> IsolationWorld.FA;
              };
          udp(outsider(), IsolationWorld.INTERNET_HOST, to, sourcePort, port, ttl, payload);
        }
        case GARBAGE -> garbage(id, t, payload);
        case TO_INTERNET -> {
          boolean fromHost = random.nextBoolean() || !t.node().connected();
          record(id, kind, t.index(), plain && fromHost);
          Ipv4Address from = fromHost ? IsolationWorld.HOST : IsolationWorld.MN_HOME;
          // From the receivers' port, so that the echo comes back to it.
          udp(
              fromHost ? hostVrf(t) : nodeVrf(t),
              from,
              IsolationWorld.INTERNET_HOST,
              PORT,
              port == PORT ? PORT + 1 : port,
              ttl,
              payload);
        }
        case NAPT_PROBE -> {
          int probed =
              IsolationWorld.FIRST_PORT
                  + random.nextInt(IsolationWorld.LAST_PORT - IsolationWorld.FIRST_PORT + 1);
          int owner =
              world
                  .napt
                  .insideOf(IpProtocol.UDP, probed)
                  .map(inside -> tenantIndex(inside.tenant().toString()))
                  .orElse(OUTSIDE);
          record(id, kind, owner, false);
          probedPorts.put(id, probed);
          udp(
              outsider(),
              IsolationWorld.INTERNET_HOST,
              MobilityLab.PUBLIC,
              PORT + 1,
              probed,
              ttl,
              payload);
        }
        case WORKGROUP -> services.workgroup(id, t, sourcePort, port, ttl, payload);
        case DNS_QUERY -> services.dnsQuery(id, t, ttl);
        case ESP_TO_GATEWAY -> services.espToGateway(id, t, sourcePort, port, ttl, payload);
        case NAPT_REPLY -> throw new IllegalStateException("only echoed");
      }
    } finally {
      payload.release();
    }
  }

  /** The Internet host answers a datagram from a tenant to the address and port it came from. */
  private void echo(Sent original, int address, int port) {
    if (original.kind() != Kind.TO_INTERNET) {
      return;
    }
    long id = sent.size();
    record(id, Kind.NAPT_REPLY, original.tenant(), original.clean());
    ByteBuf payload = payload(id);
    Ipv4Address to = Ipv4Address.of(address);
    world
        .lab
        .virtualTime()
        .execute(
            () -> {
              try {
                udp(outsider(), IsolationWorld.INTERNET_HOST, to, PORT + 1, port, 64, payload);
              } finally {
                payload.release();
              }
            });
  }

  private boolean heldBy(Integer probedPort, int tenant) {
    return probedPort != null
        && world
            .napt
            .insideOf(IpProtocol.UDP, probedPort)
            .map(inside -> tenantIndex(inside.tenant().toString()) == tenant)
            .orElse(false);
  }

  private int tenantIndex(String name) {
    for (Tenant t : tenants) {
      if (t.name().equals(name)) {
        return t.index();
      }
    }
    return OUTSIDE;
  }

  private void forgedTunnel(long id, Tenant target, int sport, int port, int ttl, ByteBuf payload) {
    // An outer source the target tenant's binding is not at: another tenant's co-located care-of
    // address, or the foreign agent while the target's node is not visiting it.
    List<Ipv4Address> sources = new ArrayList<>();
    for (Tenant o : tenants) {
      if (o.place() == Place.COLOCATED && o != target) {
        sources.add(o.careOf());
      }
    }
    if (target.place() != Place.VISITING) {
      sources.add(IsolationWorld.FA);
    }
    record(id, Kind.FORGED_TUNNEL, OUTSIDE, false);
    Ipv4Address outer = sources.get(random.nextInt(sources.size()));
    Vrf from = outsider();
    from.send(tunnel(from, outer, target.homeAgent(), sport, port, ttl, payload));
  }

  private void crossTenantTunnel(long id, Tenant target, int sport, int port, int ttl, ByteBuf p) {
    List<Tenant> colocated = new ArrayList<>();
    for (Tenant o : tenants) {
      if (o.place() == Place.COLOCATED && o != target && o.node().connected()) {
        colocated.add(o);
      }
    }
    if (colocated.isEmpty()) {
      record(id, Kind.CROSS_TENANT_TUNNEL, OUTSIDE, false);
      return;
    }
    Tenant attacker = colocated.get(random.nextInt(colocated.size()));
    record(id, Kind.CROSS_TENANT_TUNNEL, attacker.index(), false);
    Vrf from = nodeVrf(attacker);
    from.send(tunnel(from, attacker.careOf(), target.homeAgent(), sport, port, ttl, p));
  }

  private void garbage(long id, Tenant t, ByteBuf payload) {
    record(id, Kind.GARBAGE, OUTSIDE, false);
    Vrf from = outsider();
    ByteBuf junk = Unpooled.buffer();
    // Half a plausible inner header with the tag after it, then noise: a parser that skips its
    // checks could still find the tag and hand it on.
    junk.writeByte(0x45).writeByte(0).writeShort(28 + payload.readableBytes());
    junk.writeInt(random.nextInt()).writeByte(random.nextInt(256)).writeByte(17).writeShort(0);
    junk.writeInt(IsolationWorld.MN_HOME.toInt()).writeInt(IsolationWorld.HOST.toInt());
    junk.writeShort(1024).writeShort(PORT).writeShort(8 + payload.readableBytes()).writeShort(0);
    junk.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    byte[] noise = new byte[random.nextInt(40)];
    random.nextBytes(noise);
    junk.writeBytes(noise);
    if (random.nextBoolean()) {
      junk.setByte(random.nextInt(junk.readableBytes()), random.nextInt(256));
    }
    int protocol = random.nextBoolean() ? IpProtocol.IPIP : random.nextInt(256);
    Ipv4Address to = random.nextInt(3) == 0 ? IsolationWorld.FA : t.homeAgent();
    try {
      from.send(
          Ipv4Builder.create()
              .source(IsolationWorld.INTERNET_HOST)
              .destination(to)
              .protocol(protocol)
              .ttl(64)
              .identification(random.nextInt(0x10000))
              .build(from.alloc(), junk));
    } finally {
      junk.release();
    }
  }

  private ByteBuf tunnel(
      Vrf from, Ipv4Address outer, Ipv4Address ha, int sport, int port, int ttl, ByteBuf p) {
    ByteBuf inner =
        UdpDatagram.build(
            from.alloc(),
            IsolationWorld.MN_HOME.toInt(),
            IsolationWorld.HOST.toInt(),
            sport,
            port,
            p,
            ttl);
    try {
      return Ipv4Builder.create()
          .source(outer)
          .destination(ha)
          .protocol(IpProtocol.IPIP)
          .ttl(64)
          .identification(random.nextInt(0x10000))
          .build(from.alloc(), inner);
    } finally {
      inner.release();
    }
  }

  void udp(Vrf vrf, Ipv4Address from, Ipv4Address to, int sport, int port, int ttl, ByteBuf p) {
    vrf.send(
        UdpDatagram.build(
            vrf.alloc(),
            Ipv4Builder.create().ttl(ttl).identification(vrf.nextIdentification()),
            from.toInt(),
            to.toInt(),
            sport,
            port,
            p));
  }

  private ByteBuf payload(long id) {
    // Mostly small; one in ten larger than the links' MTU, so it travels in fragments.
    int size = random.nextInt(10) == 0 ? 1600 + random.nextInt(1400) : 12 + random.nextInt(200);
    ByteBuf p = Unpooled.buffer(size);
    p.writeInt(MAGIC).writeLong(id);
    while (p.readableBytes() < size) {
      p.writeByte(random.nextInt(256));
    }
    return p;
  }

  Ipv4Address realmAddress() {
    return Ipv4Address.parse("10.1.0." + (1 + random.nextInt(254)));
  }

  void record(long id, Kind kind, int tenant, boolean clean) {
    record(id, kind, tenant, NOBODY, clean);
  }

  void record(long id, Kind kind, int tenant, int partner, boolean clean) {
    sent.add(new Sent(id, kind, tenant, partner, clean));
  }

  Vrf nodeVrf(Tenant t) {
    return t.node().active().vrf();
  }

  Vrf hostVrf(Tenant t) {
    return world.vrf(t.hostName(), "main");
  }

  Vrf outsider() {
    return world.vrf(IsolationWorld.OUTSIDER, "main");
  }

  // ---- the oracle ------------------------------------------------------------------------

  /** Every receipt the oracle forbids: a tenant got what another tenant or an outsider sent. */
  List<String> leaks() {
    List<String> leaks = new ArrayList<>();
    for (Received r : received) {
      Sent s = sent.get((int) r.id());
      boolean toTheInternet = r.tenant() == OUTSIDE && s.kind() == Kind.TO_INTERNET;
      boolean toItsPartner = s.partner() != NOBODY && r.tenant() == s.partner();
      if (r.tenant() != s.tenant() && !toTheInternet && !toItsPartner && !r.napt()) {
        leaks.add(s + " reached tenant " + r.tenant() + " at " + r.at());
      }
    }
    leaks.addAll(services.revealed());
    return leaks;
  }

  /** Addresses the workgroup DNS answered, and how many of them were of another tenant. */
  long[] dnsAddresses() {
    return services.dnsAddresses();
  }

  /** ESP the tenants' security gateways refused by an SA (another tenant's key, a replay...). */
  long espRefusedBySa() {
    return services.espRefusedBySa();
  }

  /** Of the clean datagrams (those the oracle expects to arrive), how many arrived. */
  long[] cleanDelivered() {
    return cleanDelivered(null);
  }

  /** As {@link #cleanDelivered()}, of one kind only ({@code null}: every kind). */
  long[] cleanDelivered(Kind kind) {
    boolean[] arrived = new boolean[sent.size()];
    received.forEach(r -> arrived[(int) r.id()] = true);
    long clean = 0;
    long delivered = 0;
    for (Sent s : sent) {
      if (s.clean() && (kind == null || s.kind() == kind)) {
        clean++;
        delivered += arrived[(int) s.id()] ? 1 : 0;
      }
    }
    return new long[] {clean, delivered};
  }

  /** Datagrams sent and received per kind, and the drops of every VRF by reason. */
  String report() {
    Map<Kind, long[]> perKind = new EnumMap<>(Kind.class);
    boolean[] arrived = new boolean[sent.size()];
    received.forEach(r -> arrived[(int) r.id()] = true);
    for (Sent s : sent) {
      long[] c = perKind.computeIfAbsent(s.kind(), k -> new long[4]);
      c[0]++;
      c[1] += arrived[(int) s.id()] ? 1 : 0;
      c[2] += s.clean() ? 1 : 0;
      c[3] += s.clean() && arrived[(int) s.id()] ? 1 : 0;
    }
    Map<DropReason, Long> drops = new TreeMap<>();
    for (Vrf vrf : world.lab.vrfs().values()) {
      for (DropReason reason : DropReason.values()) {
        long n = vrf.counters().dropped(reason);
        if (n > 0) {
          drops.merge(reason, n, Long::sum);
        }
      }
    }
    StringBuilder b = new StringBuilder("seed " + seed + ", " + sent.size() + " datagrams\n");
    perKind.forEach(
        (k, c) ->
            b.append(
                String.format(
                    "  %-24s sent %7d  delivered %7d  (clean %7d, delivered %7d)%n",
                    k, c[0], c[1], c[2], c[3])));
    b.append("  drops by reason: ").append(drops).append('\n');
    b.append(services.report());
    return b.toString();
  }

  void close() {
    world.close();
  }
}
