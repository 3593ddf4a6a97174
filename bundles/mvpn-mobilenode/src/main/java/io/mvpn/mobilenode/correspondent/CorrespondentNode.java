package io.mvpn.mobilenode.correspondent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Registration;
import io.mvpn.net.Route;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.BindingAcknowledge;
import io.mvpn.packet.mip.BindingMessage;
import io.mvpn.packet.mip.BindingRequest;
import io.mvpn.packet.mip.BindingUpdate;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A correspondent node with route optimisation (draft-ietf-mobileip-optim-11): it sends to a mobile
 * node's home address as any host does, so its first datagrams travel through the home agent; once
 * the node answers with a binding update, datagrams for that home address go in IP in IP (RFC 2003)
 * from this node's uplink straight to the care-of address. Each binding is a /32 route into a
 * tunnel interface of the correspondent's VRF, so every application's traffic follows it, and is
 * removed when its lifetime runs out.
 *
 * <p>A binding update changes nothing before it passes, in this order: the home address is in the
 * realm served, an association exists for it, the authenticator matches (RFC 3012 Generalized
 * Authentication, private subtype), the identification's timestamp is within the tolerated skew of
 * our clock and above the last accepted for that node. Each refusal is counted by reason; an
 * authenticated but stale or replayed update asking for an acknowledgement gets a 133 carrying our
 * time, as a registration does, while an unauthenticated one gets no answer at all (nothing to
 * reflect off this node). Shortly before a used binding runs out the node sends the mobile node a
 * binding request. Runs on the VRF's scheduler.
 */
public final class CorrespondentNode {

  /**
   * What the correspondent is: its {@code address} in the realm (the source of its datagrams to
   * mobile nodes), the {@code realm} it serves, one association per mobile node (peer = home
   * address), the longest binding it grants and how far an identification's time may be from its
   * own.
   */
  public record Config(
      Ipv4Address address,
      List<Prefix> realm,
      List<AssociationSpec> mobileNodes,
      int maxLifetimeSeconds,
      int replaySkewSeconds) {

    public Config {
      Objects.requireNonNull(address, "address");
      realm = List.copyOf(realm);
      mobileNodes = List.copyOf(mobileNodes);
    }
  }

  private final Config config;
  private final Vrf vrf;
  private final Interface uplink;
  private final Scheduler scheduler;
  private final long epochOffsetNanos;
  private final Map<Integer, MobilitySecurityAssociation> associations = new HashMap<>();
  private final Map<Integer, Binding> cache = new HashMap<>();
  private final Map<Integer, Scheduler.Timer> timers = new HashMap<>();
  private final Map<Integer, Long> acceptedFloor = new HashMap<>();
  private final Map<Refusal, Long> refused = new EnumMap<>(Refusal.class);
  private Interface tunnel;
  private Registration port;
  private long accepted;
  private long acknowledged;
  private long requestsSent;

  /** {@code uplink}: the interface whose address the tunnels to care-of addresses start from. */
  public CorrespondentNode(Config config, Vrf vrf, Interface uplink, long epochOffsetNanos) {
    this.config = config;
    this.vrf = vrf;
    this.uplink = uplink;
    this.scheduler = vrf.scheduler();
    this.epochOffsetNanos = epochOffsetNanos;
    for (AssociationSpec spec : config.mobileNodes()) {
      associations.put(spec.peer().toInt(), spec.toAssociation());
    }
  }

  public void start() {
    tunnel =
        vrf.addInterface(
            "ro-direct",
            config.address(),
            32,
            new DirectTunnel(uplink.mtu() - TunnelEntry.IP_IN_IP_OVERHEAD));
    port = vrf.bindUdp(MipConstants.PORT, (v, in, udp) -> receive(udp));
  }

  /** Stops listening and forgets every binding: datagrams go by the home agent again. */
  public void stop() {
    if (port != null) {
      port.close();
      port = null;
    }
    new ArrayList<>(cache.keySet()).forEach(this::remove);
  }

  /** The binding cache, for the shell and tests. */
  public List<Binding> bindings() {
    return List.copyOf(cache.values());
  }

  /** The binding for this home address, or null. */
  public Binding binding(Ipv4Address home) {
    return cache.get(home.toInt());
  }

  public long accepted() {
    return accepted;
  }

  public long acknowledged() {
    return acknowledged;
  }

  public long refused(Refusal reason) {
    return refused.getOrDefault(reason, 0L);
  }

  public long bindingRequestsSent() {
    return requestsSent;
  }

  private void receive(UdpDatagram udp) {
    BindingMessage message;
    try {
      message = BindingMessage.parse(udp.payload());
    } catch (MalformedPacketException e) {
      vrf.counters().onMalformed(e.reason());
      refuse(Refusal.MALFORMED);
      return;
    }
    if (message instanceof BindingUpdate update) {
      onUpdate(udp, update);
    }
    // Requests and warnings are for mobile nodes and home agents; acknowledges for senders.
  }

  private void onUpdate(UdpDatagram udp, BindingUpdate update) {
    int home = update.homeAddress();
    if (config.realm().stream().noneMatch(p -> p.contains(home))) {
      refuse(Refusal.OUTSIDE_REALM);
      return;
    }
    MobilitySecurityAssociation sa = associations.get(home);
    if (sa == null || update.spi() != sa.spi()) {
      refuse(Refusal.NO_ASSOCIATION);
      return;
    }
    if (!update.verify(sa)) {
      refuse(Refusal.BAD_AUTHENTICATOR);
      return;
    }
    long id = update.identification();
    long now = MipConstants.ntpSeconds(scheduler.nanoTime(), epochOffsetNanos);
    Refusal late = null;
    if (Math.abs((id >>> 32) - now) > config.replaySkewSeconds()) {
      late = Refusal.STALE;
    } else if (Long.compareUnsigned(id, acceptedFloor.getOrDefault(home, 0L)) <= 0) {
      late = Refusal.REPLAYED;
    }
    if (late != null) {
      refuse(late);
      if (update.hasFlag(BindingUpdate.FLAG_ACKNOWLEDGE)) {
        long ours = (now << 32) | (id & 0xFFFFFFFFL);
        acknowledge(udp, BindingAcknowledge.IDENTIFICATION_MISMATCH, 0, home, ours, sa);
      }
      return;
    }
    acceptedFloor.put(home, id);
    accepted++;
    int lifetime = Math.min(update.lifetime(), config.maxLifetimeSeconds());
    if (update.isRemoval() || lifetime == 0) {
      remove(home);
      lifetime = 0;
    } else {
      install(home, update.careOfAddress(), lifetime, id);
    }
    if (update.hasFlag(BindingUpdate.FLAG_ACKNOWLEDGE)) {
      acknowledge(udp, BindingAcknowledge.ACCEPTED, lifetime, home, id, sa);
    }
  }

  private void install(int home, int careOf, int lifetime, long id) {
    Binding old = cache.get(home);
    long tunnelled = old == null ? 0 : old.tunnelled();
    long expires = scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime);
    cache.put(
        home,
        new Binding(
            Ipv4Address.of(home), Ipv4Address.of(careOf), lifetime, expires, id, tunnelled));
    if (old == null) {
      vrf.addRoute(new Route(Prefix.of(home, 32), null, tunnel, Route.Origin.PROTOCOL));
    }
    cancelTimer(home);
    // At seven eighths of the lifetime, a binding still in use is worth a request for a fresh one.
    long usedBefore = tunnelled;
    timers.put(
        home,
        scheduler.schedule(
            TimeUnit.SECONDS.toNanos(lifetime) * 7 / 8,
            TimeUnit.NANOSECONDS,
            () -> nearExpiry(home, usedBefore)));
  }

  private void nearExpiry(int home, long usedBefore) {
    Binding b = cache.get(home);
    if (b == null) {
      return;
    }
    if (b.tunnelled() > usedBefore) {
      ByteBuf request =
          BindingRequest.build(vrf.alloc(), home, b.identification() + 1, associations.get(home));
      vrf.sendUdp(config.address(), b.home(), MipConstants.PORT, MipConstants.PORT, request);
      request.release();
      requestsSent++;
    }
    timers.put(
        home,
        scheduler.schedule(
            Math.max(0, b.expiresAtNanos() - scheduler.nanoTime()),
            TimeUnit.NANOSECONDS,
            () -> remove(home)));
  }

  private void remove(int home) {
    cancelTimer(home);
    if (cache.remove(home) != null) {
      vrf.removeRoute(Prefix.of(home, 32));
    }
  }

  private void cancelTimer(int home) {
    Scheduler.Timer t = timers.remove(home);
    if (t != null) {
      t.cancel();
    }
  }

  private void acknowledge(
      UdpDatagram to, int status, int lifetime, int home, long id, MobilitySecurityAssociation sa) {
    ByteBuf ack = BindingAcknowledge.build(vrf.alloc(), status, lifetime, home, id, sa);
    vrf.sendUdp(config.address(), to.ip().sourceAddress(), MipConstants.PORT, to.sourcePort(), ack);
    ack.release();
    acknowledged++;
  }

  private void refuse(Refusal reason) {
    refused.merge(reason, 1L, Long::sum);
  }

  /** The tunnel interface's transport: a datagram routed into it goes to its home's care-of. */
  private final class DirectTunnel extends EncapsulatingTransport {

    DirectTunnel(int mtu) {
      super("ipip:route-optimised", mtu);
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      Binding b = cache.get(inner.destination());
      if (b == null) {
        owner().counters().onDrop(DropReason.NO_ROUTE);
        return;
      }
      // Our own acknowledges and requests are not use: they would keep an idle binding alive.
      boolean control =
          inner.protocol() == IpProtocol.UDP
              && inner.payloadLength() >= 2
              && inner.payload().getUnsignedShort(0) == MipConstants.PORT;
      if (!control) {
        cache.put(inner.destination(), b.withTunnelled(b.tunnelled() + 1));
      }
      TunnelEntry.sendIpInIp(vrf, uplink.address().toInt(), b.careOf().toInt(), inner, owner());
    }
  }
}
