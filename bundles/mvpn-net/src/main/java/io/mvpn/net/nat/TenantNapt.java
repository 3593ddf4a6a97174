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
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The backbone router's NAPT (seed 002 c19, c22): every tenant VRF attached to it reaches the
 * backbone (the Internet, the mobile service manager) from one public address. Private realms
 * overlap, so a translation is keyed by (tenant, private address, port), never by the address
 * alone; replies to a public port go back to that tenant's VRF only. UDP with endpoint-independent
 * mapping and an idle timeout (RFC 4787); when the port range is used up, a new flow is refused
 * with ICMP "administratively prohibited" and counted. Services on the backbone can ask who is
 * behind a public port ({@link #insideOf}).
 *
 * <p>Runs on the scheduler the VRFs share; not thread-safe.
 */
public final class TenantNapt {

  /** Who is behind a public port. */
  public record Inside(MvpnId tenant, Ipv4Address address, int port) {}

  /** A mapping, as {@code mvpn:napt} lists it. */
  public record MappingView(Inside inside, int publicPort, long idleNanos) {}

  private static final class Mapping {
    final Inside inside;
    final int publicPort;
    final Registration binding;
    long lastUsed;

    Mapping(Inside inside, int publicPort, Registration binding, long lastUsed) {
      this.inside = inside;
      this.publicPort = publicPort;
      this.binding = binding;
      this.lastUsed = lastUsed;
    }
  }

  private final Vrf backbone;
  private final Ipv4Address publicAddress;
  private final Scheduler scheduler;
  private final long idleTimeoutNanos;
  private final ArrayDeque<Integer> freePorts = new ArrayDeque<>();
  private final Map<Inside, Mapping> byInside = new HashMap<>();
  private final Map<Integer, Mapping> byPort = new HashMap<>();
  private final Map<MvpnId, Interface> tenants = new java.util.LinkedHashMap<>();
  private long translated;
  private long exhausted;
  private long dropped;

  /**
   * @param firstPort first public port of the pool; {@code lastPort} the last (inclusive)
   */
  public TenantNapt(
      Vrf backbone,
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      long idleTimeout,
      TimeUnit unit) {
    if (firstPort < 1024 || lastPort > 0xFFFF || firstPort > lastPort) {
      throw new IllegalArgumentException("port range " + firstPort + "-" + lastPort);
    }
    this.backbone = backbone;
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.scheduler = backbone.scheduler();
    this.idleTimeoutNanos = unit.toNanos(idleTimeout);
    for (int p = firstPort; p <= lastPort; p++) {
      freePorts.add(p);
    }
    // Replies come back to this address: the backbone answers for it.
    backbone.addLocalAddress(publicAddress);
  }

  /** A tenant's VRF sends what it has no better route for through the backbone. */
  public void attach(MvpnId tenant, Vrf tenantVrf) {
    Interface gateway = tenantVrf.addInterface("backbone", publicAddress, 32, new Outbound(tenant));
    tenantVrf.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, gateway, Route.Origin.PROTOCOL));
    tenants.put(tenant, gateway);
  }

  /** Detaches every tenant and forgets every mapping. */
  public void close() {
    for (Mapping m : new ArrayList<>(byInside.values())) {
      release(m);
    }
    for (Interface i : tenants.values()) {
      i.vrf().removeInterface(i.name());
    }
    tenants.clear();
  }

  /** The tenants attached. */
  public List<MvpnId> tenants() {
    return List.copyOf(tenants.keySet());
  }

  /** Who is behind {@code publicPort} now, if anyone (the MSM's DNS asks this). */
  public Optional<Inside> insideOf(int publicPort) {
    Mapping m = byPort.get(publicPort);
    return m == null || expired(m, scheduler.nanoTime()) ? Optional.empty() : Optional.of(m.inside);
  }

  public List<MappingView> mappings() {
    long now = scheduler.nanoTime();
    List<MappingView> out = new ArrayList<>();
    for (Mapping m : byInside.values()) {
      if (!expired(m, now)) {
        out.add(new MappingView(m.inside, m.publicPort, now - m.lastUsed));
      }
    }
    return out;
  }

  public long translated() {
    return translated;
  }

  /** New flows refused because no public port was free. */
  public long exhausted() {
    return exhausted;
  }

  /** Datagrams dropped: not UDP, fragments, or replies to a port no mapping holds. */
  public long dropped() {
    return dropped;
  }

  public Ipv4Address publicAddress() {
    return publicAddress;
  }

  private boolean expired(Mapping m, long now) {
    return now - m.lastUsed > idleTimeoutNanos;
  }

  /** The mapping for a flow, a new one if needed; null if the pool is used up. */
  private Mapping mappingFor(Inside key, long now) {
    Mapping m = byInside.get(key);
    if (m != null && expired(m, now)) {
      release(m);
      m = null;
    }
    if (m == null) {
      if (freePorts.isEmpty()) {
        reclaimIdle(now);
      }
      Integer port = freePorts.poll();
      if (port == null) {
        return null;
      }
      Registration binding = backbone.bindUdp(port, (vrf, in, udp) -> inbound(port, udp));
      m = new Mapping(key, port, binding, now);
      byInside.put(key, m);
      byPort.put(port, m);
    }
    m.lastUsed = now;
    return m;
  }

  private void reclaimIdle(long now) {
    for (Mapping m : new ArrayList<>(byInside.values())) {
      if (expired(m, now)) {
        release(m);
      }
    }
  }

  private void release(Mapping m) {
    m.binding.close();
    byInside.remove(m.inside);
    byPort.remove(m.publicPort);
    freePorts.add(m.publicPort);
  }

  /** A reply to a public port: back to the tenant and address that own it, nowhere else. */
  private void inbound(int port, UdpDatagram udp) {
    Mapping m = byPort.get(port);
    long now = scheduler.nanoTime();
    if (m == null || expired(m, now)) {
      dropped++;
      return;
    }
    m.lastUsed = now;
    translated++;
    tenants
        .get(m.inside.tenant())
        .receive(
            UdpDatagram.build(
                backbone.alloc(),
                udp.ip().source(),
                m.inside.address().toInt(),
                udp.sourcePort(),
                m.inside.port(),
                udp.payload(),
                udp.ip().ttl()));
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
      if (ip.protocol() != IpProtocol.UDP || ip.isFragment()) {
        dropped++;
        owner().counters().onDrop(DropReason.NO_ROUTE);
        return;
      }
      UdpDatagram udp;
      try {
        udp = UdpDatagram.parse(ip);
      } catch (MalformedPacketException e) {
        owner().counters().onMalformed(e.reason());
        return;
      }
      Mapping m =
          mappingFor(
              new Inside(tenant, Ipv4Address.of(ip.source()), udp.sourcePort()),
              scheduler.nanoTime());
      if (m == null) {
        // Refused clearly: the sender learns at once instead of waiting for a timeout.
        exhausted++;
        owner()
            .receive(
                IcmpBuilder.destinationUnreachable(
                    owner().vrf().alloc(),
                    publicAddress.toInt(),
                    IcmpType.UNREACHABLE_ADMIN_PROHIBITED,
                    ip,
                    0));
        return;
      }
      translated++;
      backbone.send(
          UdpDatagram.build(
              backbone.alloc(),
              publicAddress.toInt(),
              ip.destination(),
              m.publicPort,
              udp.destinationPort(),
              udp.payload(),
              ip.ttl()));
    }
  }
}
