package io.mvpn.net.nat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The backbone router's NAPT (seed 002 c19, c22): every tenant VRF attached to it reaches the
 * backbone (the Internet, the mobile service manager and its portal) from one public address.
 * Private realms overlap, so a translation is keyed by (tenant, private address, port), never by
 * the address alone; replies to a public port go back to that tenant's VRF only.
 *
 * <p>UDP, TCP and ICMP echo, each with its own mappings and its own pool of public ports (UDP port
 * 40000 and TCP port 40000 are two mappings; an echo's identifier stands for its port), all
 * endpoint-independent. ICMP errors about a translated datagram go back to its sender (RFC 5508).
 * UDP mappings expire after an idle timeout (RFC 4787). TCP follows RFC 5382: a mapping is made by
 * an outbound SYN, is "transitory" until a SYN has passed each way and again once a FIN has passed
 * each way or a RST either way, and expires after {@link Timeouts#tcpTransitory} idle then, after
 * {@link Timeouts#tcpEstablished} (at least 2 h 4 min, REQ-5) while established. An inbound segment
 * for no mapping is dropped silently and counted (REQ-4: no answer to an unsolicited SYN). When a
 * port pool is used up, a new flow is refused with ICMP "administratively prohibited" and counted.
 * Services on the backbone can ask who is behind a public port ({@link #insideOf(int, int)}).
 *
 * <p>Runs on the scheduler the VRFs share; not thread-safe.
 */
public final class TenantNapt {

  /** Who is behind a public port. */
  public record Inside(MvpnId tenant, Ipv4Address address, int port) {}

  /**
   * A mapping, as {@code mvpn:napt} lists it: {@code state} is {@code open} for UDP, {@code
   * transitory} or {@code established} for TCP.
   */
  public record MappingView(
      int protocol, Inside inside, int publicPort, long idleNanos, String state) {

    /** "udp", "tcp" or "icmp" (an echo identifier in place of the port). */
    public String protocolName() {
      return protocol == IpProtocol.TCP ? "tcp" : protocol == IpProtocol.ICMP ? "icmp" : "udp";
    }
  }

  /** How long idle mappings live. */
  public record Timeouts(Duration udp, Duration tcpEstablished, Duration tcpTransitory) {

    /** RFC 5382 REQ-5: an established connection's mapping lives at least 2 h 4 min idle. */
    public static final Duration TCP_ESTABLISHED_MINIMUM = Duration.ofMinutes(124);

    /** RFC 5382 REQ-5: a transitory connection's mapping may go after 4 min idle. */
    public static final Duration TCP_TRANSITORY_DEFAULT = Duration.ofMinutes(4);

    public Timeouts {
      Objects.requireNonNull(udp, "udp");
      Objects.requireNonNull(tcpEstablished, "tcpEstablished");
      Objects.requireNonNull(tcpTransitory, "tcpTransitory");
      if (tcpEstablished.compareTo(TCP_ESTABLISHED_MINIMUM) < 0) {
        throw new IllegalArgumentException(
            "TCP established idle timeout " + tcpEstablished + " is below RFC 5382's 2 h 4 min");
      }
      if (udp.isNegative()
          || udp.isZero()
          || tcpTransitory.isNegative()
          || tcpTransitory.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }

    /** The given UDP timeout, TCP's from RFC 5382 (2 h 4 min established, 4 min transitory). */
    public static Timeouts udp(Duration udp) {
      return new Timeouts(udp, TCP_ESTABLISHED_MINIMUM, TCP_TRANSITORY_DEFAULT);
    }
  }

  /** RFC 5508 REQ-1: an ICMP query mapping lives 60 s idle. */
  public static final Duration ICMP_QUERY_TIMEOUT = Duration.ofSeconds(60);

  private static final class Mapping {
    final int protocol;
    final Inside inside;
    final int publicPort;
    final Registration binding;
    long lastUsed;
    // TCP only (RFC 5382 §5): which control segments have passed, outbound and inbound.
    boolean synOut;
    boolean synIn;
    boolean finOut;
    boolean finIn;
    boolean reset;

    Mapping(int protocol, Inside inside, int publicPort, Registration binding, long lastUsed) {
      this.protocol = protocol;
      this.inside = inside;
      this.publicPort = publicPort;
      this.binding = binding;
      this.lastUsed = lastUsed;
    }

    boolean established() {
      return synOut && synIn && !reset && !(finOut && finIn);
    }

    void saw(TcpSegment tcp, boolean outbound) {
      if (tcp.isRst()) {
        reset = true;
      }
      if (outbound) {
        if (tcp.isSyn() && !tcp.isAck() && (reset || (finOut && finIn))) {
          // A new connection on a mapping whose last one has closed.
          synIn = finOut = finIn = reset = false;
        }
        synOut |= tcp.isSyn();
        finOut |= tcp.isFin();
      } else {
        synIn |= tcp.isSyn();
        finIn |= tcp.isFin();
      }
    }
  }

  /** One protocol's public ports and the mappings that hold them. */
  private static final class Pool {
    final ArrayDeque<Integer> freePorts = new ArrayDeque<>();
    final Map<Inside, Mapping> byInside = new HashMap<>();
    final Map<Integer, Mapping> byPort = new HashMap<>();

    Pool(int firstPort, int lastPort) {
      for (int p = firstPort; p <= lastPort; p++) {
        freePorts.add(p);
      }
    }
  }

  private final Vrf backbone;
  private final Ipv4Address publicAddress;
  private final Scheduler scheduler;
  private final Timeouts timeouts;
  private final Pool udp;
  private final Pool tcp;
  private final Pool icmp;
  private final Registration tcpDelivery;
  private final List<Registration> icmpErrors;
  private final Map<MvpnId, Interface> tenants = new LinkedHashMap<>();
  private long translated;
  private long exhausted;
  private long dropped;

  /**
   * A NAPT whose UDP mappings live {@code idleTimeout}, TCP's as RFC 5382 says.
   *
   * @param firstPort first public port of each protocol's pool; {@code lastPort} the last
   *     (inclusive)
   */
  public TenantNapt(
      Vrf backbone,
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      long idleTimeout,
      TimeUnit unit) {
    this(
        backbone,
        publicAddress,
        firstPort,
        lastPort,
        Timeouts.udp(Duration.ofNanos(unit.toNanos(idleTimeout))));
  }

  /**
   * @param firstPort first public port of each protocol's pool; {@code lastPort} the last
   *     (inclusive)
   */
  public TenantNapt(
      Vrf backbone, Ipv4Address publicAddress, int firstPort, int lastPort, Timeouts timeouts) {
    if (firstPort < 1024 || lastPort > 0xFFFF || firstPort > lastPort) {
      throw new IllegalArgumentException("port range " + firstPort + "-" + lastPort);
    }
    this.backbone = backbone;
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.scheduler = backbone.scheduler();
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.udp = new Pool(firstPort, lastPort);
    this.tcp = new Pool(firstPort, lastPort);
    this.icmp = new Pool(firstPort, lastPort);
    // Replies come back to this address: the backbone answers for it.
    backbone.addLocalAddress(publicAddress);
    // The backbone terminates no TCP of its own: every segment for it is a reply, or unsolicited.
    this.tcpDelivery = backbone.registerProtocol(IpProtocol.TCP, (v, in, ip) -> inboundTcp(ip));
    // ICMP errors about a translated flow go back to the node that sent it (RFC 5508 §7).
    this.icmpErrors =
        List.of(
            backbone.registerIcmp(
                IcmpType.DESTINATION_UNREACHABLE, (v, in, ip) -> inboundIcmpError(ip)),
            backbone.registerIcmp(IcmpType.TIME_EXCEEDED, (v, in, ip) -> inboundIcmpError(ip)),
            backbone.registerIcmp(IcmpType.PARAMETER_PROBLEM, (v, in, ip) -> inboundIcmpError(ip)));
  }

  /** A tenant's VRF sends what it has no better route for through the backbone. */
  public void attach(MvpnId tenant, Vrf tenantVrf) {
    Interface gateway = tenantVrf.addInterface("backbone", publicAddress, 32, new Outbound(tenant));
    tenantVrf.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, gateway, Route.Origin.PROTOCOL));
    tenants.put(tenant, gateway);
  }

  /** Detaches every tenant and forgets every mapping. */
  public void close() {
    for (Pool pool : List.of(udp, tcp, icmp)) {
      for (Mapping m : new ArrayList<>(pool.byInside.values())) {
        release(m);
      }
    }
    tcpDelivery.close();
    icmpErrors.forEach(Registration::close);
    for (Interface i : tenants.values()) {
      i.vrf().removeInterface(i.name());
    }
    tenants.clear();
  }

  /** The tenants attached. */
  public List<MvpnId> tenants() {
    return List.copyOf(tenants.keySet());
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  /** Who is behind UDP {@code publicPort} now, if anyone (the MSM's DNS asks this). */
  public Optional<Inside> insideOf(int publicPort) {
    return insideOf(IpProtocol.UDP, publicPort);
  }

  /** Who is behind {@code publicPort} of a protocol (UDP or TCP) now, if anyone. */
  public Optional<Inside> insideOf(int protocol, int publicPort) {
    Mapping m = pool(protocol).byPort.get(publicPort);
    return m == null || expired(m, scheduler.nanoTime()) ? Optional.empty() : Optional.of(m.inside);
  }

  /** The live mappings, UDP's then TCP's. */
  public List<MappingView> mappings() {
    long now = scheduler.nanoTime();
    List<MappingView> out = new ArrayList<>();
    for (Pool pool : List.of(udp, tcp, icmp)) {
      for (Mapping m : pool.byInside.values()) {
        if (!expired(m, now)) {
          String state =
              m.protocol != IpProtocol.TCP
                  ? "open"
                  : m.established() ? "established" : "transitory";
          out.add(new MappingView(m.protocol, m.inside, m.publicPort, now - m.lastUsed, state));
        }
      }
    }
    return out;
  }

  /** Datagrams translated, both ways, both protocols. */
  public long translated() {
    return translated;
  }

  /** New flows refused because no public port was free. */
  public long exhausted() {
    return exhausted;
  }

  /**
   * Datagrams dropped: neither UDP nor TCP, fragments, TCP that opens no connection and has no
   * mapping, or inbound datagrams for a port no mapping holds.
   */
  public long dropped() {
    return dropped;
  }

  public Ipv4Address publicAddress() {
    return publicAddress;
  }

  private Pool pool(int protocol) {
    if (protocol == IpProtocol.UDP) {
      return udp;
    }
    if (protocol == IpProtocol.ICMP) {
      return icmp;
    }
    if (protocol == IpProtocol.TCP) {
      return tcp;
    }
    throw new IllegalArgumentException("the NAPT translates UDP and TCP, not protocol " + protocol);
  }

  private long timeoutNanos(Mapping m) {
    Duration timeout =
        m.protocol == IpProtocol.UDP
            ? timeouts.udp()
            : m.protocol == IpProtocol.ICMP
                ? ICMP_QUERY_TIMEOUT
                : m.established() ? timeouts.tcpEstablished() : timeouts.tcpTransitory();
    return timeout.toNanos();
  }

  private boolean expired(Mapping m, long now) {
    return now - m.lastUsed > timeoutNanos(m);
  }

  /** The live mapping for a flow, if there is one; an expired one is released on the way. */
  private Mapping existing(Pool pool, Inside key, long now) {
    Mapping m = pool.byInside.get(key);
    if (m != null && expired(m, now)) {
      release(m);
      return null;
    }
    return m;
  }

  /** A new mapping for a flow; null if the pool is used up. */
  private Mapping create(int protocol, Inside key, long now) {
    Pool pool = pool(protocol);
    if (pool.freePorts.isEmpty()) {
      reclaimIdle(pool, now);
    }
    Integer port = pool.freePorts.poll();
    if (port == null) {
      return null;
    }
    Registration binding;
    try {
      binding =
          protocol == IpProtocol.UDP
              ? backbone.bindUdp(port, (vrf, in, d) -> inboundUdp(port, d))
              : protocol == IpProtocol.ICMP
                  ? backbone.listenForEchoReplies(port, (vrf, reply) -> inboundEcho(port, reply))
                  : null;
    } catch (IllegalStateException e) {
      // Taken by the backbone itself (a ping of the operator's): that one stays out of the pool.
      return create(protocol, key, now);
    }
    Mapping m = new Mapping(protocol, key, port, binding, now);
    pool.byInside.put(key, m);
    pool.byPort.put(port, m);
    return m;
  }

  private void reclaimIdle(Pool pool, long now) {
    for (Mapping m : new ArrayList<>(pool.byInside.values())) {
      if (expired(m, now)) {
        release(m);
      }
    }
  }

  private void release(Mapping m) {
    if (m.binding != null) {
      m.binding.close();
    }
    Pool pool = pool(m.protocol);
    pool.byInside.remove(m.inside);
    pool.byPort.remove(m.publicPort);
    pool.freePorts.add(m.publicPort);
  }

  /** The live mapping behind an inbound datagram's port, or null (counted as dropped). */
  private Mapping inboundMapping(Pool pool, int port, long now) {
    Mapping m = pool.byPort.get(port);
    if (m == null || expired(m, now)) {
      dropped++;
      return null;
    }
    m.lastUsed = now;
    translated++;
    return m;
  }

  /** A reply to a public UDP port: back to the tenant and address that own it, nowhere else. */
  private void inboundUdp(int port, UdpDatagram d) {
    Mapping m = inboundMapping(udp, port, scheduler.nanoTime());
    if (m == null) {
      return;
    }
    tenants
        .get(m.inside.tenant())
        .receive(
            UdpDatagram.build(
                backbone.alloc(),
                d.ip().source(),
                m.inside.address().toInt(),
                d.sourcePort(),
                m.inside.port(),
                d.payload(),
                d.ip().ttl()));
  }

  /** A TCP segment for the backbone: through a mapping back to its tenant, or dropped. */
  private void inboundTcp(Ipv4Packet ip) {
    if (ip.destination() != publicAddress.toInt()) {
      dropped++;
      return;
    }
    TcpSegment segment;
    try {
      segment = TcpSegment.parse(ip);
    } catch (MalformedPacketException e) {
      backbone.counters().onMalformed(e.reason());
      return;
    }
    Mapping m = inboundMapping(tcp, segment.destinationPort(), scheduler.nanoTime());
    if (m == null) {
      return;
    }
    m.saw(segment, false);
    // The segment is rewritten where it lies and passed on: the VRF's reference is released after
    // this call, the slice's travels on with it.
    ByteBuf out = ip.buffer().retainedSlice(ip.offset(), ip.totalLength());
    segment.rewriteDestination(m.inside.address().toInt(), m.inside.port());
    tenants.get(m.inside.tenant()).receive(out);
  }

  /**
   * An ICMP error about a datagram we translated (RFC 5508 §7): its quoted header names our public
   * address and port, so the mapping says whose it was. The copy that goes to that node has the
   * private address and port in the quoted header (with its IP checksum, and the quoted UDP
   * checksum adjusted when there is one; TCP's lies beyond the eight octets quoted), the node's
   * address as destination and a new ICMP checksum. An error for no live mapping is dropped. It
   * does not keep a mapping alive.
   */
  private void inboundIcmpError(Ipv4Packet ip) {
    IcmpMessage icmp;
    try {
      icmp = IcmpMessage.parse(ip);
    } catch (MalformedPacketException e) {
      backbone.counters().onMalformed(e.reason());
      return;
    }
    ByteBuf buf = ip.buffer();
    int quoted = icmp.bodyOffset();
    int available = icmp.length() - IcmpMessage.HEADER_LENGTH;
    int ihl = available < 1 ? 0 : (buf.getUnsignedByte(quoted) & 0x0F) * 4;
    if (ip.destination() != publicAddress.toInt()
        || available < 1
        || (buf.getUnsignedByte(quoted) >>> 4) != 4
        || ihl < Ipv4Packet.MIN_HEADER_LENGTH
        || available < ihl + 8
        || buf.getInt(quoted + 12) != publicAddress.toInt()) {
      dropped++;
      return;
    }
    int protocol = buf.getUnsignedByte(quoted + 9);
    if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP) {
      dropped++;
      return;
    }
    Mapping m = pool(protocol).byPort.get(buf.getUnsignedShort(quoted + ihl));
    if (m == null || expired(m, scheduler.nanoTime())) {
      dropped++;
      return;
    }
    int node = m.inside.address().toInt();
    ByteBuf out = backbone.alloc().buffer(ip.totalLength());
    out.writeBytes(buf, ip.offset(), ip.totalLength());
    int at = quoted - ip.offset(); // the quoted header, in the copy
    int transport = at + ihl;
    if (protocol == IpProtocol.UDP && out.getUnsignedShort(transport + 6) != 0) {
      int checksum = out.getUnsignedShort(transport + 6);
      checksum = InternetChecksum.adjust32(checksum, publicAddress.toInt(), node);
      checksum =
          InternetChecksum.adjust(checksum, out.getUnsignedShort(transport), m.inside.port());
      out.setShort(transport + 6, checksum == 0 ? 0xFFFF : checksum);
    }
    out.setShort(transport, m.inside.port());
    out.setInt(at + 12, node);
    out.setShort(at + 10, 0);
    out.setShort(at + 10, InternetChecksum.compute(out, at, ihl));
    int icmpStart = ip.headerLength();
    out.setShort(icmpStart + 2, 0);
    out.setShort(icmpStart + 2, InternetChecksum.compute(out, icmpStart, icmp.length()));
    try {
      Ipv4Packet.parse(out).setDestination(node);
    } catch (MalformedPacketException e) {
      out.release();
      throw new IllegalStateException("a copy of a parsed datagram does not parse", e);
    }
    translated++;
    tenants.get(m.inside.tenant()).receive(out);
  }

  /** An echo reply to a public identifier: back to the node that asked, with its identifier. */
  private void inboundEcho(int identifier, IcmpMessage reply) {
    Mapping m = inboundMapping(icmp, identifier, scheduler.nanoTime());
    if (m == null) {
      return;
    }
    tenants
        .get(m.inside.tenant())
        .receive(echo(reply.ip(), m.inside.address().toInt(), false, m.inside.port()));
  }

  /**
   * A copy of an echo request or reply with one address ({@code source} or not) and the identifier
   * replaced, both checksums adjusted (RFC 1624).
   */
  private ByteBuf echo(Ipv4Packet ip, int address, boolean source, int identifier) {
    ByteBuf out = backbone.alloc().buffer(ip.totalLength());
    out.writeBytes(ip.buffer(), ip.offset(), ip.totalLength());
    int at = ip.headerLength();
    int old = out.getUnsignedShort(at + 4);
    out.setShort(at + 4, identifier);
    out.setShort(at + 2, InternetChecksum.adjust(out.getUnsignedShort(at + 2), old, identifier));
    try {
      Ipv4Packet copy = Ipv4Packet.parse(out);
      if (source) {
        copy.setSource(address);
      } else {
        copy.setDestination(address);
      }
    } catch (MalformedPacketException e) {
      out.release();
      throw new IllegalStateException("a copy of a parsed datagram does not parse", e);
    }
    return out;
  }

  /** One tenant VRF's way out: its default route. */
  private final class Outbound extends EncapsulatingTransport {
    private final MvpnId tenant;

    Outbound(MvpnId tenant) {
      super("napt:" + tenant + "->" + publicAddress, 1500);
      this.tenant = tenant;
    }

    @Override
    protected void forward(Ipv4Packet ip, int nextHop) {
      try {
        if (ip.isFragment()) {
          drop();
        } else if (ip.protocol() == IpProtocol.UDP) {
          forwardUdp(ip, UdpDatagram.parse(ip));
        } else if (ip.protocol() == IpProtocol.TCP) {
          forwardTcp(ip, TcpSegment.parse(ip));
        } else if (ip.protocol() == IpProtocol.ICMP) {
          forwardIcmp(ip, IcmpMessage.parse(ip));
        } else {
          drop();
        }
      } catch (MalformedPacketException e) {
        owner().counters().onMalformed(e.reason());
      }
    }

    private void drop() {
      dropped++;
      owner().counters().onDrop(DropReason.NO_ROUTE);
    }

    private void forwardUdp(Ipv4Packet ip, UdpDatagram d) {
      Inside key = new Inside(tenant, Ipv4Address.of(ip.source()), d.sourcePort());
      long now = scheduler.nanoTime();
      Mapping m = existing(udp, key, now);
      if (m == null && (m = create(IpProtocol.UDP, key, now)) == null) {
        refuse(ip);
        return;
      }
      m.lastUsed = now;
      translated++;
      backbone.send(
          UdpDatagram.build(
              backbone.alloc(),
              publicAddress.toInt(),
              ip.destination(),
              m.publicPort,
              d.destinationPort(),
              d.payload(),
              ip.ttl()));
    }

    /** An echo request gets a mapping by its identifier (RFC 5508 §3.1); other ICMP stays in. */
    private void forwardIcmp(Ipv4Packet ip, IcmpMessage message) {
      if (message.type() != IcmpType.ECHO_REQUEST) {
        drop();
        return;
      }
      Inside key = new Inside(tenant, Ipv4Address.of(ip.source()), message.identifier());
      long now = scheduler.nanoTime();
      Mapping m = existing(icmp, key, now);
      if (m == null && (m = create(IpProtocol.ICMP, key, now)) == null) {
        refuse(ip);
        return;
      }
      m.lastUsed = now;
      translated++;
      backbone.send(echo(ip, publicAddress.toInt(), true, m.publicPort));
    }

    private void forwardTcp(Ipv4Packet ip, TcpSegment segment) {
      Inside key = new Inside(tenant, Ipv4Address.of(ip.source()), segment.sourcePort());
      long now = scheduler.nanoTime();
      Mapping m = existing(tcp, key, now);
      if (m == null) {
        if (!segment.isSyn() || segment.isAck()) {
          // Only a connection's first SYN makes a mapping; a stray segment goes nowhere.
          drop();
          return;
        }
        if ((m = create(IpProtocol.TCP, key, now)) == null) {
          refuse(ip);
          return;
        }
      }
      m.lastUsed = now;
      m.saw(segment, true);
      translated++;
      ByteBuf out = ip.buffer().retainedSlice(ip.offset(), ip.totalLength());
      segment.rewriteSource(publicAddress.toInt(), m.publicPort);
      backbone.send(out);
    }

    /** Refused clearly: the sender learns at once instead of waiting for a timeout. */
    private void refuse(Ipv4Packet ip) {
      exhausted++;
      owner()
          .receive(
              IcmpBuilder.destinationUnreachable(
                  owner().vrf().alloc(),
                  publicAddress.toInt(),
                  IcmpType.UNREACHABLE_ADMIN_PROHIBITED,
                  ip,
                  0));
    }
  }
}
