package io.mvpn.workgroup;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The workgroup side of one tenant's security gateway (seed 002 c2-c7, c11, c12), between the
 * tenant's realm (inside VRF) and the backbone (outside VRF), where it owns a public address unique
 * in the Internet (c3).
 *
 * <p>Outbound, a party of this tenant sends ESP to another tenant's gateway; this gateway wraps it
 * in IP-IP from its own public address (c4), so the far end knows which realm it comes from.
 * Inbound, an IP-IP datagram's source picks, together with the SPI, the unidirectional SA of one
 * initiating party (c7, c11); the SA must verify, the decrypted source must be that party, and the
 * realm-indexed filter must find (tunnel source, inner source) -> target in a shared workgroup (c2,
 * c6). Only then does the datagram enter the realm. The reverse direction is the same procedure at
 * the other gateway (c12).
 *
 * <p>Runs on the scheduler both VRFs share; not thread-safe.
 */
public final class WorkgroupGateway {

  private static final String INTERFACE = "wg0";
  private static final int TTL = 64;

  /** An initiating party's SA into this realm, and who may use it (c11). */
  public record InboundSa(Ipv4Address tunnelSource, MemberId party, EspSecurityAssociation sa) {
    public InboundSa {
      Objects.requireNonNull(tunnelSource, "tunnelSource");
      Objects.requireNonNull(party, "party");
      if (sa.direction() != EspSecurityAssociation.Direction.INBOUND) {
        throw new IllegalArgumentException("SA " + sa.spi() + " is not inbound");
      }
    }
  }

  private record Key(int tunnelSource, int spi) {}

  /** A party of ours that sent IKE to a peer gateway, whose answers may come into the realm. */
  private record Pinhole(int party, int peerGateway) {}

  /** How long after a party's last IKE datagram its peer gateway's may still come in. */
  static final long PINHOLE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  /** From this many pinholes on, the stale ones are swept out as new ones open. */
  private static final int MAX_PINHOLES = 4096;

  /**
   * Who keys the SAs into this realm (c8): hears the IKE datagrams a party behind another gateway
   * sends to our public address, with the tunnel source they came through.
   */
  @FunctionalInterface
  public interface KeyExchange {
    void receive(Ipv4Address tunnelSource, UdpDatagram datagram);
  }

  /**
   * IKE's port (RFC 7296 §2). Parties and gateways talk between unique addresses inside IP-IP, so
   * no NAT sits on the path and IKE never moves to the NAT-T port.
   */
  private static final int IKE_PORT = 500;

  private final Ipv4Address publicAddress;
  private final Vrf inside;
  private final Vrf outside;
  private final WorkgroupFilter filter;
  private final Map<Key, InboundSa> inbound = new HashMap<>();
  // Restored from the store by a new instance: no IKE SA of ours will ever delete them.
  private final Set<Key> restored = new HashSet<>();
  private final long[] counters = new long[WorkgroupCounter.values().length];
  private final List<Registration> registrations = new ArrayList<>();
  private final List<Ipv4Address> peers = new ArrayList<>();
  private final InnerFragments fragments = new InnerFragments(this::count);
  private final Map<Pinhole, Long> pinholes = new HashMap<>();
  private Interface tunnel;
  private int identification;
  private KeyExchange keyExchange;
  private StoredInboundSas saStore; // null: the SAs live only here

  public WorkgroupGateway(
      Ipv4Address publicAddress, Vrf inside, Vrf outside, WorkgroupFilter filter) {
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.inside = inside;
    this.outside = outside;
    this.filter = Objects.requireNonNull(filter, "filter");
  }

  public void start() {
    tunnel = inside.addInterface(INTERFACE, publicAddress, 32, new Tunnel());
    registrations.add(outside.registerProtocol(IpProtocol.IPIP, (v, in, p) -> fromBackbone(p)));
  }

  public void stop() {
    registrations.forEach(Registration::close);
    registrations.clear();
    fragments.forgetAll(scheduler().nanoTime());
    if (tunnel != null) {
      inside.removeInterface(INTERFACE);
      tunnel = null;
    }
  }

  /** Routes the realm's traffic for another tenant's gateway into the IP-IP tunnel (c4). */
  public void addPeerGateway(Ipv4Address gateway) {
    if (tunnel != null && !gateway.equals(publicAddress) && !peers.contains(gateway)) {
      peers.add(gateway);
      inside.addRoute(new Route(Prefix.of(gateway, 32), null, tunnel, Route.Origin.PROTOCOL));
    }
  }

  /**
   * Writes every SA installed or removed from now on through to {@code store}, and reserves their
   * sequence numbers there; SAs it holds are {@linkplain StoredInboundSas#restore restored} first.
   */
  public void writeThrough(StoredInboundSas store) {
    this.saStore = store;
  }

  /**
   * Installs an initiating party's SA into this realm, keyed by its gateway and SPI (c11). SAs
   * restored for the same party behind the same gateway go: the party keyed anew, and the IKE SA
   * that would have deleted them ended with the previous instance.
   */
  public void addInboundSa(InboundSa sa) {
    int source = sa.tunnelSource().toInt();
    for (Key k : List.copyOf(restored)) {
      if (k.tunnelSource() == source && inbound.get(k).party().equals(sa.party())) {
        removeInboundSa(sa.tunnelSource(), k.spi());
      }
    }
    Key key = new Key(source, sa.sa().spi());
    inbound.put(key, sa);
    restored.remove(key); // a new SA that drew a restored one's SPI is no longer restored
    if (saStore != null) {
      saStore.saved(sa);
    }
  }

  /** Puts back an SA a previous instance installed, as the store kept it; nothing is written. */
  void restoreInboundSa(InboundSa sa) {
    Key key = new Key(sa.tunnelSource().toInt(), sa.sa().spi());
    inbound.put(key, sa);
    restored.add(key);
  }

  /** A restored SA reached its hard lifetime: it goes, unless another took its key meanwhile. */
  void expireInboundSa(Ipv4Address tunnelSource, EspSecurityAssociation sa) {
    InboundSa now = inbound.get(new Key(tunnelSource.toInt(), sa.spi()));
    if (now != null && now.sa() == sa) {
      removeInboundSa(tunnelSource, sa.spi());
    }
  }

  /**
   * Tunnels to exactly these gateways from now on (the ones the directory's members sit behind):
   * new ones get a route into the tunnel, gone ones lose theirs, and IKE from them is no longer
   * heard.
   */
  public void setPeerGateways(java.util.Collection<Ipv4Address> gateways) {
    for (Ipv4Address gone : List.copyOf(peers)) {
      if (!gateways.contains(gone)) {
        peers.remove(gone);
        inside.removeRoute(Prefix.of(gone, 32));
        fragments.forget(gone.toInt(), scheduler().nanoTime());
        pinholes.keySet().removeIf(p -> p.peerGateway() == gone.toInt());
      }
    }
    gateways.forEach(this::addPeerGateway);
  }

  /** The other gateways this one tunnels to. */
  public List<Ipv4Address> peers() {
    return List.copyOf(peers);
  }

  /** The initiating parties' SAs into this realm. */
  public List<InboundSa> inboundSas() {
    return List.copyOf(inbound.values());
  }

  public boolean removeInboundSa(Ipv4Address tunnelSource, int spi) {
    Key key = new Key(tunnelSource.toInt(), spi);
    restored.remove(key);
    if (inbound.remove(key) == null) {
      return false;
    }
    if (saStore != null) {
      saStore.removed(tunnelSource, spi);
    }
    return true;
  }

  /** Hands IKE for our public address to {@code handler}; without one it is dropped. */
  public void setKeyExchange(KeyExchange handler) {
    this.keyExchange = handler;
  }

  /**
   * Sends an IKE datagram from our public address to {@code party} behind the gateway {@code
   * peerGateway}, in IP-IP to that gateway (c4), which lets it into its realm because it comes from
   * the gateway itself. The payload is copied and left to the caller.
   */
  public void sendKeyExchange(
      Ipv4Address peerGateway, Ipv4Address party, int sourcePort, int partyPort, ByteBuf payload) {
    ByteBuf udp =
        UdpDatagram.build(
            outside.alloc(),
            publicAddress.toInt(),
            party.toInt(),
            sourcePort,
            partyPort,
            payload,
            TTL);
    try {
      identification = (identification + 1) & 0xFFFF;
      outside.send(
          IpInIp.encapsulate(
              outside.alloc(),
              publicAddress.toInt(),
              peerGateway.toInt(),
              Ipv4Packet.parse(udp),
              TTL,
              identification));
      count(WorkgroupCounter.KEY_EXCHANGE_OUT);
    } catch (MalformedPacketException e) {
      throw new IllegalStateException("built a bad UDP datagram", e);
    } finally {
      udp.release();
    }
  }

  public Ipv4Address publicAddress() {
    return publicAddress;
  }

  public WorkgroupFilter filter() {
    return filter;
  }

  public long counter(WorkgroupCounter c) {
    return counters[c.ordinal()];
  }

  // ---- outbound: our parties' ESP, wrapped in IP-IP (c4) ----------------------------------

  private final class Tunnel extends EncapsulatingTransport {
    Tunnel() {
      super("ipip:" + publicAddress, 1500 - 20);
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      if (isIke(inner)) {
        // A party of ours keys an SA with that gateway: its answers may come in (see keyExchange).
        long now = scheduler().nanoTime();
        pinholes.put(new Pinhole(inner.source(), inner.destination()), now);
        if (pinholes.size() > MAX_PINHOLES) {
          pinholes.values().removeIf(at -> now - at > PINHOLE_NANOS);
        }
      }
      identification = (identification + 1) & 0xFFFF;
      outside.send(
          IpInIp.encapsulate(
              outside.alloc(),
              publicAddress.toInt(),
              inner.destination(),
              inner,
              TTL,
              identification));
      count(WorkgroupCounter.TUNNELLED_OUT);
    }
  }

  // ---- inbound: from other tenants' gateways ------------------------------------------------

  private void fromBackbone(Ipv4Packet outer) {
    count(WorkgroupCounter.TUNNELLED_IN);
    Ipv4Packet esp;
    try {
      esp = IpInIp.decapsulate(outer);
    } catch (MalformedPacketException | IllegalArgumentException e) {
      count(WorkgroupCounter.NOT_ESP);
      return;
    }
    if (esp.protocol() == IpProtocol.UDP && !esp.isFragment()) {
      keyExchange(outer.source(), esp);
      return;
    }
    if (esp.protocol() == IpProtocol.ESP && esp.isFragment()) {
      reassemble(outer.source(), esp);
      return;
    }
    open(outer.source(), esp);
  }

  /** A piece of an ESP packet from a peer's tunnel: the packet is opened once it is whole. */
  private void reassemble(int tunnelSource, Ipv4Packet piece) {
    // Pieces of a packet not for us would be refused whole: they hold no reassembly slot.
    if (!peers.contains(Ipv4Address.of(tunnelSource))
        || piece.destination() != publicAddress.toInt()) {
      count(WorkgroupCounter.NOT_ESP);
      return;
    }
    ByteBuf whole = fragments.offer(tunnelSource, piece, scheduler().nanoTime());
    if (whole == null) {
      return;
    }
    try {
      open(tunnelSource, Ipv4Packet.parse(whole));
    } catch (MalformedPacketException e) {
      count(WorkgroupCounter.NOT_ESP);
    } finally {
      whole.release();
    }
  }

  /** An ESP packet, whole, that came through the tunnel from {@code tunnelSource}. */
  private void open(int tunnelSource, Ipv4Packet esp) {
    if (esp.protocol() != IpProtocol.ESP
        || esp.destination() != publicAddress.toInt()
        || esp.payloadLength() < 8) {
      count(WorkgroupCounter.NOT_ESP);
      return;
    }
    int spi = esp.buffer().getInt(esp.payloadOffset());
    // c11: the tunnel source, not the inner addresses (they overlap), selects the SA.
    InboundSa entry = inbound.get(new Key(tunnelSource, spi));
    if (entry == null) {
      count(WorkgroupCounter.UNKNOWN_SA);
      return;
    }
    ByteBuf inner;
    try {
      inner = entry.sa().decapsulate(inside.alloc(), esp);
    } catch (EspException e) {
      count(WorkgroupCounter.ESP_REFUSED);
      return;
    }
    if (saStore != null) {
      saStore.used(entry.sa()); // authentic: the window has moved, whatever the packet holds
    }
    if (inner == null) {
      return;
    }
    Ipv4Packet ip;
    try {
      ip = Ipv4Packet.parse(inner);
    } catch (MalformedPacketException e) {
      inner.release();
      count(WorkgroupCounter.NOT_ESP);
      return;
    }
    if (ip.source() != entry.party().privateAddress().toInt()) {
      inner.release();
      count(WorkgroupCounter.SPOOFED_SOURCE);
      return;
    }
    if (filter.check(tunnelSource, ip.source(), ip.destination())
        != WorkgroupFilter.Verdict.ADMIT) {
      inner.release();
      count(WorkgroupCounter.FILTERED);
      return;
    }
    count(WorkgroupCounter.DELIVERED);
    tunnel.receive(inner);
  }

  /**
   * IKE inside IP-IP: to our public address from a party behind the tunnel source (to the key
   * exchange), or from a peer gateway itself (outer and inner source equal) back to a party of
   * ours, which is let into the realm unfiltered since only IKE passes. Anything else is dropped.
   */
  private void keyExchange(int tunnelSource, Ipv4Packet ip) {
    UdpDatagram udp;
    try {
      udp = UdpDatagram.parse(ip);
    } catch (MalformedPacketException e) {
      count(WorkgroupCounter.NOT_ESP);
      return;
    }
    boolean ikePorts = udp.sourcePort() == IKE_PORT && udp.destinationPort() == IKE_PORT;
    boolean fromPeer = peers.contains(Ipv4Address.of(tunnelSource));
    if (ikePorts && fromPeer && ip.destination() == publicAddress.toInt() && keyExchange != null) {
      count(WorkgroupCounter.KEY_EXCHANGE_IN);
      keyExchange.receive(Ipv4Address.of(tunnelSource), udp);
      return;
    }
    // The outer source is not authenticated: only a peer gateway a party of ours is keying with
    // gets through, to that party, and only IKE.
    Pinhole pinhole = new Pinhole(ip.destination(), tunnelSource);
    Long opened = pinholes.get(pinhole);
    if (ikePorts
        && fromPeer
        && ip.source() == tunnelSource
        && opened != null
        && scheduler().nanoTime() - opened <= PINHOLE_NANOS) {
      count(WorkgroupCounter.KEY_EXCHANGE_IN);
      ByteBuf copy = inside.alloc().buffer(ip.totalLength());
      copy.writeBytes(ip.buffer(), ip.offset(), ip.totalLength());
      tunnel.receive(copy);
      return;
    }
    count(WorkgroupCounter.NOT_ESP);
  }

  private static boolean isIke(Ipv4Packet ip) {
    if (ip.protocol() != IpProtocol.UDP || ip.isFragment() || ip.payloadLength() < 8) {
      return false;
    }
    int at = ip.payloadOffset();
    return ip.buffer().getUnsignedShort(at) == IKE_PORT
        && ip.buffer().getUnsignedShort(at + 2) == IKE_PORT;
  }

  private io.mvpn.api.time.Scheduler scheduler() {
    return outside.scheduler();
  }

  private void count(WorkgroupCounter c) {
    counters[c.ordinal()]++;
  }
}
