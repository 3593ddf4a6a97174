package io.mvpn.backbone;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptService;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The backbone router's side of the NAPT (seed 002 c19, c22): the links, not the translation. Each
 * attached tenant VRF takes the backbone as its default route, and the backbone VRF answers for the
 * NAPT's public address and its pools' ports; every datagram either way is handed to the {@link
 * NaptService} to be rewritten in place, then sent on. The service comes and goes (the NAPT bundle
 * is updated in place): while there is none, datagrams are dropped and counted, and the links stay,
 * so the next instance takes over at once.
 *
 * <p>Runs on the backbone VRF's scheduler, which the tenant VRFs share; not thread-safe.
 */
public final class NaptGateway {

  private final Vrf backbone;
  private final Scheduler scheduler;
  private final Map<MvpnId, Vrf> tenantVrfs = new LinkedHashMap<>();
  private final Map<MvpnId, Interface> gateways = new LinkedHashMap<>();
  private final Map<MvpnId, List<Prefix>> homeRealms = new HashMap<>();
  private final List<Registration> always = new ArrayList<>();
  private final List<Registration> pools = new ArrayList<>();
  private NaptService napt;
  private Ipv4Address publicAddress;
  private int firstPort;
  private int lastPort;
  private long withoutNapt;
  private long toOwnRealm;

  public NaptGateway(Vrf backbone) {
    this.backbone = Objects.requireNonNull(backbone, "backbone");
    this.scheduler = backbone.scheduler();
    // The backbone terminates no TCP of its own: every segment for it is a reply, or unsolicited.
    always.add(backbone.registerProtocol(IpProtocol.TCP, (v, in, ip) -> inbound(ip)));
    // ICMP errors about a translated flow go back to the node that sent it (RFC 5508 §7).
    for (int type :
        List.of(
            IcmpType.DESTINATION_UNREACHABLE, IcmpType.TIME_EXCEEDED, IcmpType.PARAMETER_PROBLEM)) {
      always.add(backbone.registerIcmp(type, (v, in, ip) -> inbound(ip)));
    }
  }

  /**
   * A tenant's VRF sends what it has no better route for through the backbone, from the moment a
   * NAPT is there (its public address is the gateway interface's).
   */
  public void attach(MvpnId tenant, Vrf tenantVrf) {
    tenantVrfs.put(tenant, tenantVrf);
    if (publicAddress != null) {
      link(tenant, tenantVrf);
    }
  }

  /**
   * A tenant's own home realms never leave through the NAPT: a datagram for one of them takes the
   * default route only while the route that should carry it is missing (its site interface being
   * restarted, a node without a binding), and translated it would carry the tenant's private
   * traffic onto the public side. It is dropped, counted and answered with a net unreachable.
   */
  public void fence(MvpnId tenant, List<Prefix> realms) {
    homeRealms.put(tenant, List.copyOf(realms));
  }

  private boolean inOwnRealm(MvpnId tenant, int destination) {
    for (Prefix realm : homeRealms.getOrDefault(tenant, List.of())) {
      if (realm.contains(destination)) {
        return true;
      }
    }
    return false;
  }

  private void link(MvpnId tenant, Vrf tenantVrf) {
    Interface gateway = tenantVrf.addInterface("backbone", publicAddress, 32, new Outbound(tenant));
    tenantVrf.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, gateway, Route.Origin.PROTOCOL));
    gateways.put(tenant, gateway);
  }

  /**
   * Translates through this NAPT from now on. The links follow its public address and pools; one
   * with the same ones as the last (the same cfg after an update) finds them in place.
   */
  public void use(NaptService service) {
    napt = Objects.requireNonNull(service, "service");
    if (service.publicAddress().equals(publicAddress)
        && service.firstPort() == firstPort
        && service.lastPort() == lastPort) {
      return;
    }
    unlink();
    publicAddress = service.publicAddress();
    firstPort = service.firstPort();
    lastPort = service.lastPort();
    backbone.addLocalAddress(publicAddress);
    for (int port = firstPort; port <= lastPort; port++) {
      try {
        pools.add(backbone.bindUdp(port, (v, in, d) -> inbound(d.ip())));
      } catch (IllegalStateException taken) {
        // A port of the backbone's own: the NAPT's replies on it cannot reach the NAPT.
      }
      try {
        pools.add(backbone.listenForEchoReplies(port, (v, reply) -> inbound(reply.ip())));
      } catch (IllegalStateException taken) {
        // An operator's ping from the backbone with this identifier, likewise.
      }
    }
    tenantVrfs.forEach(this::link);
  }

  /** The NAPT is gone (if it is the one in use): datagrams are dropped until the next one. */
  public void release(NaptService service) {
    if (napt == service) {
      napt = null;
    }
  }

  private void unlink() {
    pools.forEach(Registration::close);
    pools.clear();
    for (Interface i : gateways.values()) {
      i.vrf().removeInterface(i.name());
    }
    gateways.clear();
    if (publicAddress != null) {
      backbone.removeLocalAddress(publicAddress);
    }
  }

  /** Detaches every tenant and lets go of the backbone's address and ports. */
  public void close() {
    unlink();
    always.forEach(Registration::close);
    always.clear();
    tenantVrfs.clear();
    homeRealms.clear();
    napt = null;
  }

  /** The scheduler the gateway runs on, whose time it hands the NAPT. */
  public Scheduler scheduler() {
    return scheduler;
  }

  public List<MvpnId> tenants() {
    return List.copyOf(tenantVrfs.keySet());
  }

  /** The NAPT in use, if any. */
  public Optional<NaptService> napt() {
    return Optional.ofNullable(napt);
  }

  /** The public address of the NAPT in use or last used; null before any. */
  public Ipv4Address publicAddress() {
    return publicAddress;
  }

  /** Who is behind a public port now, as the NAPT in use says; empty without one. */
  public Optional<NaptInside> insideOf(int protocol, int publicPort) {
    NaptService n = napt;
    return n == null ? Optional.empty() : n.insideOf(protocol, publicPort, scheduler.nanoTime());
  }

  /** Datagrams either way dropped because no NAPT was there to translate them. */
  public long withoutNapt() {
    return withoutNapt;
  }

  /** Datagrams to their own tenant's home realms that reached the NAPT's link, dropped. */
  public long toOwnRealm() {
    return toOwnRealm;
  }

  /** A datagram for the public address: back to the tenant the NAPT says, nowhere else. */
  private void inbound(Ipv4Packet ip) {
    NaptService n = napt;
    if (n == null) {
      withoutNapt++;
      return;
    }
    ByteBuf out = writable(ip);
    Interface gateway =
        n.inbound(out.nioBuffer(out.readerIndex(), out.readableBytes()), scheduler.nanoTime())
            .map(gateways::get)
            .orElse(null);
    if (gateway == null) {
      out.release();
      return;
    }
    gateway.receive(out);
    for (ByteBuffer fragment; (fragment = n.nextReleased()) != null; ) {
      // Fragments that came before their first one, held by the NAPT until now.
      gateway.receive(Unpooled.wrappedBuffer(fragment));
    }
  }

  /**
   * The datagram in memory of its own to rewrite in place and pass on: the VRF releases its
   * reference once the handler returns, the slice travels on.
   */
  private static ByteBuf writable(Ipv4Packet ip) {
    ByteBuf slice = ip.buffer().retainedSlice(ip.offset(), ip.totalLength());
    if (slice.nioBufferCount() == 1) {
      return slice;
    }
    // A reassembled datagram in several pieces: one copy, so the NAPT sees one buffer.
    ByteBuf copy = slice.alloc().buffer(slice.readableBytes()).writeBytes(slice);
    slice.release();
    return copy;
  }

  /** One tenant VRF's way out: its default route. */
  private final class Outbound extends EncapsulatingTransport {
    private final MvpnId tenant;

    Outbound(MvpnId tenant) {
      super("napt:" + tenant + "->backbone", 1500);
      this.tenant = tenant;
    }

    @Override
    protected void forward(Ipv4Packet ip, int nextHop) {
      if (inOwnRealm(tenant, ip.destination())) {
        toOwnRealm++;
        owner().counters().onDrop(DropReason.NO_ROUTE);
        refuse(ip, publicAddress, IcmpType.UNREACHABLE_NET);
        return;
      }
      NaptService n = napt;
      if (n == null) {
        withoutNapt++;
        owner().counters().onDrop(DropReason.NO_ROUTE);
        return;
      }
      ByteBuf out = writable(ip);
      switch (n.outbound(
          tenant, out.nioBuffer(out.readerIndex(), out.readableBytes()), scheduler.nanoTime())) {
        case TRANSLATED -> {
          backbone.send(out);
          for (ByteBuffer fragment; (fragment = n.nextReleased()) != null; ) {
            backbone.send(Unpooled.wrappedBuffer(fragment));
          }
        }
        // A fragment ahead of its first one: the NAPT keeps a copy.
        case HELD -> out.release();
        case REFUSED -> {
          out.release();
          refuse(ip, n.publicAddress(), IcmpType.UNREACHABLE_ADMIN_PROHIBITED);
        }
        case DROPPED -> {
          out.release();
          owner().counters().onDrop(DropReason.NO_ROUTE);
        }
      }
    }

    /** Refused clearly: the sender learns at once instead of waiting for a timeout. */
    private void refuse(Ipv4Packet ip, Ipv4Address from, int code) {
      owner()
          .receive(
              IcmpBuilder.destinationUnreachable(owner().vrf().alloc(), from.toInt(), code, ip, 0));
    }
  }
}
