package io.mvpn.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.api.napt.NaptService.Outbound;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.List;
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
  private long translated;
  private long exhausted;
  private long dropped;
  private long malformed;

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

  /** A datagram from a tenant's realm ({@code readerIndex} to {@code writerIndex}). */
  public Outbound outbound(MvpnId tenant, ByteBuf datagram, long now) {
    table.clock(now);
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      if (ip.isFragment()) {
        return drop();
      }
      return switch (ip.protocol()) {
        case IpProtocol.UDP -> outboundUdp(tenant, ip, UdpDatagram.parse(ip), now);
        case IpProtocol.TCP -> outboundTcp(tenant, ip, TcpSegment.parse(ip), now);
        case IpProtocol.ICMP -> outboundEcho(tenant, ip, IcmpMessage.parse(ip), now);
        default -> drop();
      };
    } catch (MalformedPacketException e) {
      malformed++;
      return drop();
    }
  }

  private Outbound outboundUdp(MvpnId tenant, Ipv4Packet ip, UdpDatagram d, long now) {
    Mapping m = mapFromInside(IpProtocol.UDP, tenant, ip, d.sourcePort(), now);
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

  /** The flow's mapping, made if new and touched; null (counted) if the pool is used up. */
  private Mapping mapFromInside(int protocol, MvpnId tenant, Ipv4Packet ip, int port, long now) {
    NaptInside key = new NaptInside(tenant, Ipv4Address.of(ip.source()), port);
    Mapping m = table.existing(protocol, key, now);
    if (m == null && (m = table.create(protocol, key, now)) == null) {
      exhausted++;
      return null;
    }
    m.lastUsed = now;
    translated++;
    return m;
  }

  /**
   * A datagram to the public address: rewritten toward the node behind its port; returns that
   * node's tenant, or null if it was dropped (counted).
   */
  public MvpnId inbound(ByteBuf datagram, long now) {
    table.clock(now);
    try {
      Ipv4Packet ip = Ipv4Packet.parse(datagram);
      if (ip.destination() != publicAddress.toInt() || ip.isFragment()) {
        return nowhere();
      }
      Mapping m =
          switch (ip.protocol()) {
            case IpProtocol.UDP -> inboundUdp(ip, UdpDatagram.parse(ip), now);
            case IpProtocol.TCP -> inboundTcp(TcpSegment.parse(ip), now);
            case IpProtocol.ICMP -> inboundIcmp(ip, IcmpMessage.parse(ip), now);
            default -> null;
          };
      return m == null ? nowhere() : m.inside.tenant();
    } catch (MalformedPacketException e) {
      malformed++;
      return nowhere();
    }
  }

  private Mapping inboundUdp(Ipv4Packet ip, UdpDatagram d, long now) {
    Mapping m = mapToInside(IpProtocol.UDP, d.destinationPort(), now);
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
          translated++;
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
      translated++;
    }
    return m;
  }

  private Outbound drop() {
    dropped++;
    return Outbound.DROPPED;
  }

  private MvpnId nowhere() {
    dropped++;
    return null;
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
    return translated;
  }

  public long exhausted() {
    return exhausted;
  }

  /** Datagrams dropped, malformed ones included. */
  public long dropped() {
    return dropped;
  }

  /** Datagrams that did not parse (also counted as dropped). */
  public long malformed() {
    return malformed;
  }
}
