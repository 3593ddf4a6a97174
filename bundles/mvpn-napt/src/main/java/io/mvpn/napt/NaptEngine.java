package io.mvpn.napt;

import static io.mvpn.packet.MalformedPacketException.Reason.BAD_UDP_LENGTH;
import static io.mvpn.packet.MalformedPacketException.Reason.TRUNCATED;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.api.napt.NaptService.Outbound;
import io.mvpn.napt.FragmentFlows.Datagram;
import io.mvpn.napt.FragmentFlows.Key;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The NAPT of the backbone router (seed 002 c19, c22): every tenant realm reaches the backbone from
 * one public address. Private realms overlap, so a translation is keyed by (tenant, private
 * address, port), never by the address alone; a reply to a public port goes back to that tenant.
 *
 * <p>UDP, TCP and ICMP echo, each with its own mappings and its own pool of public ports (UDP port
 * 40000 and TCP port 40000 are two mappings; an echo's identifier stands for its port), all
 * endpoint-independent. ICMP errors about a translated datagram go back to its sender (RFC 5508).
 * UDP mappings expire after an idle timeout (RFC 4787). TCP follows RFC 5382: a mapping is made by
 * an outbound SYN, is "transitory" until a SYN has passed each way and again once a FIN has passed
 * each way or a RST either way, and expires after the transitory timeout idle then, after the
 * established one (at least 2 h 4 min, REQ-5) while established. An inbound datagram for no mapping
 * is dropped silently and counted (REQ-4: no answer to an unsolicited SYN). A new flow when the
 * pool is used up is {@link Outbound#REFUSED}, for the caller to answer with ICMP "administratively
 * prohibited".
 *
 * <p>Datagrams are rewritten in place; the engine keeps none. It has no clock: every call brings
 * the caller's time. Not thread-safe: one caller at a time.
 */
public final class NaptEngine {

  private final Ipv4Address publicAddress;
  private final int firstPort;
  private final int lastPort;
  private final MappingTable table;
  private final NaptCounts counts;
  private final FragmentFlows fragments;
  private final ArrayDeque<byte[]> released = new ArrayDeque<>();

  /**
   * Takes over the mappings of {@code publicAddress} that {@code store} holds, with their ports.
   *
   * @param firstPort first public port of each protocol's pool; {@code lastPort} the last
   *     (inclusive)
   */
  public NaptEngine(
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      NaptTimeouts timeouts,
      NaptMappingStore store) {
    this(publicAddress, firstPort, lastPort, timeouts, store, null, null);
  }

  /**
   * As {@link #NaptEngine(Ipv4Address, int, int, NaptTimeouts, NaptMappingStore)}, counting in
   * {@code counters} under {@code scope} (see {@link NaptCounts}): an engine that follows another
   * over the same store and scope goes on from its counts. Null {@code counters}: the engine's own.
   */
  public NaptEngine(
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      NaptTimeouts timeouts,
      NaptMappingStore store,
      CounterStore counters,
      String scope) {
    this.counts = new NaptCounts(counters, scope);
    this.fragments = new FragmentFlows(counts::fragmentsDropped);
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.table = new MappingTable(publicAddress, firstPort, lastPort, timeouts, store);
    this.firstPort = firstPort;
    this.lastPort = lastPort;
  }

  public Ipv4Address publicAddress() {
    return publicAddress;
  }

  public int firstPort() {
    return firstPort;
  }

  public int lastPort() {
    return lastPort;
  }

  /**
   * A datagram from a tenant's realm ({@code readerIndex} to {@code writerIndex}). Fragments held
   * before and released by this one wait in {@link #nextReleased()}.
   */
  public Outbound outbound(MvpnId tenant, ByteBuf datagram, long now) {
    clock(now);
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      if (ip.isFragment()) {
        return outboundFragment(tenant, ip, now);
      }
      return switch (ip.protocol()) {
        case IpProtocol.UDP -> outboundUdp(tenant, ip, udpHeader(ip), now);
        case IpProtocol.TCP -> outboundTcp(tenant, ip, TcpSegment.parse(ip), now);
        case IpProtocol.ICMP -> outboundEcho(tenant, ip, IcmpMessage.parse(ip), now);
        default -> drop();
      };
    } catch (MalformedPacketException e) {
      counts.malformed.increment();
      return drop();
    }
  }

  private Outbound outboundUdp(MvpnId tenant, Ipv4Packet ip, int udp, long now) {
    Mapping m = mapFromInside(IpProtocol.UDP, tenant, ip, ip.buffer().getUnsignedShort(udp), now);
    if (m == null) {
      return Outbound.REFUSED;
    }
    IcmpTranslation.udp(ip, true, publicAddress.toInt(), m.publicPort);
    return Outbound.TRANSLATED;
  }

  private Outbound outboundTcp(MvpnId tenant, Ipv4Packet ip, TcpSegment segment, long now) {
    NaptInside key = new NaptInside(tenant, Ipv4Address.of(ip.source()), segment.sourcePort());
    if (table.existing(IpProtocol.TCP, key, now) == null && (!segment.isSyn() || segment.isAck())) {
      // Only a connection's first SYN makes a mapping; a stray segment goes nowhere.
      return drop();
    }
    Mapping m = mapFromInside(IpProtocol.TCP, tenant, ip, segment.sourcePort(), now);
    if (m == null) {
      return Outbound.REFUSED;
    }
    if (m.saw(segment, true)) {
      table.save(m);
    }
    segment.rewriteSource(publicAddress.toInt(), m.publicPort);
    return Outbound.TRANSLATED;
  }

  /** An echo request gets a mapping by its identifier (RFC 5508 §3.1); other ICMP stays in. */
  private Outbound outboundEcho(MvpnId tenant, Ipv4Packet ip, IcmpMessage message, long now) {
    if (message.type() != IcmpType.ECHO_REQUEST) {
      return drop();
    }
    Mapping m = mapFromInside(IpProtocol.ICMP, tenant, ip, message.identifier(), now);
    if (m == null) {
      return Outbound.REFUSED;
    }
    IcmpTranslation.echo(ip, publicAddress.toInt(), true, m.publicPort);
    return Outbound.TRANSLATED;
  }

  /**
   * A fragment of a UDP or echo datagram (RFC 4787 REQ-14): the first makes or uses the flow's
   * mapping as a whole datagram would, later ones follow it, earlier ones wait for it. TCP's are
   * dropped as before: TCP sizes its segments to the path, and its mappings follow flags that only
   * a first fragment carries.
   */
  private Outbound outboundFragment(MvpnId tenant, Ipv4Packet ip, long now) {
    Key key = Key.of(tenant, ip);
    int port = firstFragmentPort(ip, IcmpType.ECHO_REQUEST, 0);
    if (port == NOT_TRANSLATED) {
      fragments.abandon(key);
      return drop();
    }
    if (port == LATER) {
      Datagram d = fragments.later(key, ip, now);
      if (d == null) {
        return drop();
      }
      if (d.mapping == null) {
        return Outbound.HELD;
      }
      translated(d.mapping);
      return Outbound.TRANSLATED;
    }
    Datagram d = fragments.admit(key, ip, now);
    if (d == null) {
      return drop();
    }
    Mapping m = mapFromInside(ip.protocol(), tenant, ip, port, now);
    if (m == null) {
      fragments.abandon(key);
      return Outbound.REFUSED;
    }
    translateFirst(key, d, m, ip, true, publicAddress.toInt(), m.publicPort);
    return Outbound.TRANSLATED;
  }

  /**
   * A fragment to the public address: as {@link #outboundFragment}, toward the mapped node.
   *
   * <p>Not reached from the appliance today: the backbone VRF reassembles datagrams to its own
   * addresses before they come here, so only whole ones arrive. Before wiring it, note that its
   * datagrams are keyed with tenant null: every outside sender shares one budget of the fragment
   * table (one host's flood evicts the others' datagrams), and later fragments, which carry no
   * ports, follow whatever mapping a first fragment with the same (source, identification) named. A
   * per-mapping guard (a cap on datagrams and held bytes per mapping or per outside source, and the
   * mapping's filtering applied to the first fragment's sender) would be needed first.
   */
  private MvpnId inboundFragment(Ipv4Packet ip, long now) {
    Key key = Key.of(null, ip);
    int port = firstFragmentPort(ip, IcmpType.ECHO_REPLY, 2);
    if (port == NOT_TRANSLATED) {
      fragments.abandon(key);
      return nowhere();
    }
    if (port == LATER) {
      Datagram d = fragments.later(key, ip, now);
      if (d == null) {
        return nowhere();
      }
      if (d.mapping == null) {
        return null;
      }
      translated(d.mapping);
      return d.mapping.inside.tenant();
    }
    Datagram d = fragments.admit(key, ip, now);
    Mapping m = d == null ? null : mapToInside(ip.protocol(), port, now);
    if (m == null) {
      fragments.abandon(key);
      return nowhere();
    }
    translateFirst(key, d, m, ip, false, m.inside.address().toInt(), m.inside.port());
    return m.inside.tenant();
  }

  /**
   * Rewrites a first fragment as its whole datagram would be, then the fragments held for it (for
   * {@link #nextReleased()}); the later ones get the same address.
   */
  private void translateFirst(
      Key key, Datagram d, Mapping m, Ipv4Packet ip, boolean source, int address, int port) {
    if (ip.protocol() == IpProtocol.UDP) {
      IcmpTranslation.udp(ip, source, address, port);
    } else {
      IcmpTranslation.echo(ip, address, source, port);
    }
    released.addAll(fragments.translated(key, d, m, address, source));
  }

  private static final int LATER = -1;
  private static final int NOT_TRANSLATED = -2;

  /**
   * A first fragment's port (UDP's at {@code udpPortAt} in its header) or echo identifier (of an
   * echo of {@code echoType}); {@link #LATER} for a later fragment; {@link #NOT_TRANSLATED} for
   * another protocol or ICMP message, or a first fragment too short to hold its header.
   */
  private static int firstFragmentPort(Ipv4Packet ip, int echoType, int udpPortAt) {
    int protocol = ip.protocol();
    if (protocol != IpProtocol.UDP && protocol != IpProtocol.ICMP) {
      return NOT_TRANSLATED;
    }
    if (ip.fragmentOffset() != 0) {
      return LATER;
    }
    // Both headers are 8 octets; a first fragment holds a multiple of 8 octets of data.
    if (ip.payloadLength() < UdpDatagram.HEADER_LENGTH) {
      return NOT_TRANSLATED;
    }
    ByteBuf buf = ip.buffer();
    int at = ip.payloadOffset();
    if (protocol == IpProtocol.UDP) {
      return buf.getUnsignedShort(at + udpPortAt);
    }
    return buf.getUnsignedByte(at) == echoType ? buf.getUnsignedShort(at + 4) : NOT_TRANSLATED;
  }

  /** The flow's mapping, made if new and touched; null (counted) if the pool is used up. */
  private Mapping mapFromInside(int protocol, MvpnId tenant, Ipv4Packet ip, int port, long now) {
    NaptInside key = new NaptInside(tenant, Ipv4Address.of(ip.source()), port);
    Mapping m = table.existing(protocol, key, now);
    if (m == null && (m = table.create(protocol, key, now)) == null) {
      counts.tenant(tenant)[NaptCounts.EXHAUSTED].increment();
      counts.exhausted.increment();
      return null;
    }
    m.lastUsed = now;
    translated(m);
    return m;
  }

  /**
   * A datagram to the public address: rewritten toward the node behind its port; returns that
   * node's tenant, or null if it was dropped (counted).
   */
  public MvpnId inbound(ByteBuf datagram, long now) {
    clock(now);
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      if (ip.destination() != publicAddress.toInt()) {
        return nowhere();
      }
      if (ip.isFragment()) {
        return inboundFragment(ip, now);
      }
      Mapping m =
          switch (ip.protocol()) {
            case IpProtocol.UDP -> inboundUdp(ip, udpHeader(ip), now);
            case IpProtocol.TCP -> inboundTcp(TcpSegment.parse(ip), now);
            case IpProtocol.ICMP -> inboundIcmp(ip, IcmpMessage.parse(ip), now);
            default -> null;
          };
      return m == null ? nowhere() : m.inside.tenant();
    } catch (MalformedPacketException e) {
      counts.malformed.increment();
      return nowhere();
    }
  }

  private Mapping inboundUdp(Ipv4Packet ip, int udp, long now) {
    Mapping m = mapToInside(IpProtocol.UDP, ip.buffer().getUnsignedShort(udp + 2), now);
    if (m != null) {
      IcmpTranslation.udp(ip, false, m.inside.address().toInt(), m.inside.port());
    }
    return m;
  }

  private Mapping inboundTcp(TcpSegment segment, long now) {
    Mapping m = mapToInside(IpProtocol.TCP, segment.destinationPort(), now);
    if (m != null) {
      if (m.saw(segment, false)) {
        table.save(m);
      }
      segment.rewriteDestination(m.inside.address().toInt(), m.inside.port());
    }
    return m;
  }

  private Mapping inboundIcmp(Ipv4Packet ip, IcmpMessage icmp, long now) {
    switch (icmp.type()) {
      case IcmpType.ECHO_REPLY -> {
        Mapping m = mapToInside(IpProtocol.ICMP, icmp.identifier(), now);
        if (m != null) {
          IcmpTranslation.echo(ip, m.inside.address().toInt(), false, m.inside.port());
        }
        return m;
      }
      case IcmpType.DESTINATION_UNREACHABLE, IcmpType.TIME_EXCEEDED, IcmpType.PARAMETER_PROBLEM -> {
        Mapping m = IcmpTranslation.error(ip, icmp, publicAddress, table, now);
        if (m != null) {
          translated(m);
        }
        return m;
      }
      default -> {
        return null;
      }
    }
  }

  /** The live mapping on an inbound datagram's port, touched; or null. */
  private Mapping mapToInside(int protocol, int port, long now) {
    Mapping m = table.live(protocol, port, now);
    if (m != null) {
      m.lastUsed = now;
      translated(m);
    }
    return m;
  }

  /**
   * Where a UDP header starts, checked for length but not for its checksum: the NAPT adjusts the
   * checksum incrementally, which leaves a damaged datagram's checksum as wrong as it came, for its
   * receiver to find (as a fragment's cannot be checked at all). Summing each datagram whole to
   * check it was the bulk of the NAPT's per-packet work.
   */
  private static int udpHeader(Ipv4Packet ip) throws MalformedPacketException {
    int available = ip.payloadLength();
    int at = ip.payloadOffset();
    if (available < UdpDatagram.HEADER_LENGTH) {
      throw new MalformedPacketException(TRUNCATED, "UDP header needs 8 bytes, got " + available);
    }
    int length = ip.buffer().getUnsignedShort(at + 4);
    if (length < UdpDatagram.HEADER_LENGTH || length > available) {
      throw new MalformedPacketException(
          BAD_UDP_LENGTH, "UDP length " + length + " with " + available + " bytes of IP payload");
    }
    return at;
  }

  private void translated(Mapping m) {
    Counter mine = m.tenantTranslated;
    if (mine == null) {
      mine = counts.tenant(m.inside.tenant())[NaptCounts.TRANSLATED];
      m.tenantTranslated = mine;
    }
    // The tenant's first: a reader of the tenants then the total never sees more in the total.
    mine.increment();
    counts.translated.increment();
  }

  private Outbound drop() {
    counts.dropped.increment();
    return Outbound.DROPPED;
  }

  private MvpnId nowhere() {
    counts.dropped.increment();
    return null;
  }

  /** Notes the time: idle mappings' and fragments' clocks run on it; released ones go unsent. */
  private void clock(long now) {
    table.clock(now);
    fragments.expire(now);
    released.clear();
  }

  /** The next fragment the last call released, translated, or null: see {@link #outbound}. */
  public ByteBuffer nextReleased() {
    byte[] fragment = released.poll();
    return fragment == null ? null : ByteBuffer.wrap(fragment);
  }

  /** Fragments held because they came before their datagram's first one. */
  public long fragmentsHeld() {
    return fragments.held();
  }

  /** Fragments dropped for {@code reason} (for a timeout: datagrams given up incomplete). */
  public long fragmentsDropped(FragmentDrop reason) {
    return fragments.dropped(reason);
  }

  /** Datagrams whose fragments are passing now, and the bytes held for them. */
  public int fragmentedInProgress() {
    return fragments.inProgress();
  }

  public int fragmentBytesHeld() {
    return fragments.heldBytes();
  }

  /** Who is behind a public port of a protocol now, or null. */
  public NaptInside insideOf(int protocol, int publicPort, long now) {
    table.clock(now);
    return table.insideOf(protocol, publicPort, now);
  }

  /** The live mappings, UDP's, TCP's then ICMP's. */
  public List<NaptMappingView> mappings(long now) {
    table.clock(now);
    return table.views(now);
  }

  /** Forgets every mapping, in the store too: for a NAPT taken out of service, not an update. */
  public void clear() {
    table.clear();
  }

  public long translated() {
    return counts.translated.get();
  }

  public long exhausted() {
    return counts.exhausted.get();
  }

  /** {@link #translated()} by the tenant of the node behind the mapping, in id order. */
  public Map<MvpnId, Long> translatedByTenant() {
    return counts.byTenant(NaptCounts.TRANSLATED);
  }

  /** {@link #exhausted()} by the tenant whose new flow was refused, in id order. */
  public Map<MvpnId, Long> exhaustedByTenant() {
    return counts.byTenant(NaptCounts.EXHAUSTED);
  }

  /** Datagrams dropped, malformed ones included. */
  public long dropped() {
    return counts.dropped.get();
  }

  /** Datagrams that did not parse (also counted as dropped). */
  public long malformed() {
    return counts.malformed.get();
  }
}
