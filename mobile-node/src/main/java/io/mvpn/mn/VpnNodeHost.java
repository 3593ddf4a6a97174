package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.mn.vpn.NodeIke;
import io.mvpn.mn.vpn.VpnSettings;
import io.mvpn.mobilenode.vpn.VpnMobileNode;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mode vpn on a Linux host (seed 001): the lab's {@link VpnMobileNode} over the host's own UDP
 * sockets. The home VRF holds the TUN device (the home address on its kernel side) and the way into
 * the ESP tunnel; each care-of address an access interface takes gets an access VRF of its own,
 * whose interface is the host's UDP sockets 500 and 4500 on that address. IKE ({@link NodeIke}) and
 * ESP in UDP go through them; the Mobile IP registration goes to the home agent inside the tunnel.
 * {@link AccessInterfaces} says which interface the node is on: a move re-points the SAs and
 * registers (handover fast) or keys a fresh tunnel first (reestablish). A standby interface with an
 * address has its sockets open ahead of the move and sends NAT-T keepalives out of itself.
 */
final class VpnNodeHost extends LoopHost {

  private static final Logger LOG = LoggerFactory.getLogger(VpnNodeHost.class);

  /** First registration retransmission through the tunnel (doubling), and the tries. */
  private static final long RETRANSMIT_MILLIS = 1000;

  private static final int ATTEMPTS = 3;

  private final MnConfig config;
  private final VpnSettings vpn;
  private final Vrf home = new Vrf("mn-home", scheduler, ByteBufAllocator.DEFAULT);
  private final HostRoutes routes = new HostRoutes();
  private final GatewayRoute gatewayRoute;
  private final Map<String, AccessLink.Probe> probes = new HashMap<>();
  private NodeIke ike;
  private VpnMobileNode node;
  private Interface host;
  private AccessInterfaces accesses;
  private static final int ROUTE_LOOK_MILLIS = 5;
  private static final int ROUTE_WAIT_MILLIS = 1000;

  /** One care-of address's access VRF: its interface is the host's sockets on the address. */
  private record Network(
      String device, String name, Ipv4Address careOf, Vrf vrf, HostSocketTransport sockets) {}

  private Network active; // the care-of address's the node is on, or moving to
  private Network leaving; // the one it moves from, until the move is made
  private final Map<String, Network> standby = new HashMap<>(); // warm standbys', by device
  private final Map<String, Ipv4Address> keptAlive = new HashMap<>(); // last keepalive went out
  private int networks;
  private long standbyKeepalives;
  private long standbyKeepalivesFailed;
  private Ipv4Address binding; // the care-of address whose sockets are binding, until they are
  private int move; // each move's number: a superseded one's callback sees it changed
  private Ipv4Address awaitingRoute; // a new care-of address the kernel cannot yet route from
  private int routeLooksLeft;
  private long routedAt; // when the last move found its route, and when it was made (for the log)
  private long throughAt; // the IKE SA's sockets moved
  private long sealedAt; // the registration sealed, not yet flushed
  private long movedAt;

  VpnNodeHost(MnConfig config) {
    super(NativeSockets.ioHandler());
    this.config = config;
    this.vpn = config.vpn();
    this.gatewayRoute = new GatewayRoute(vpn.gateway());
  }

  @Override
  public void start() throws Exception {
    TunTransport tun = TunTransport.open(config.tunDevice(), config.mtu());
    routes.install(config);
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    onLoop(
        () -> {
          host = home.addInterface("host", config.tunAddress(), 32, tun);
          Interface tunnel =
              home.addInterface(
                  "vpn",
                  config.homeAddress(),
                  32,
                  new EncapsulatingTransport("esp:" + vpn.gateway(), config.mtu()) {
                    @Override
                    protected void forward(Ipv4Packet inner, int nextHop) {
                      node.send(inner.buffer().retainedDuplicate()); // it releases its own
                    }
                  });
          home.addRoute(new Route(Prefix.DEFAULT_ROUTE, null, tunnel, Route.Origin.STATIC));
          ike =
              new NodeIke(
                  scheduler, vpn, config.homeAddress(), config.homeAgent(), config.routes());
          node =
              new VpnMobileNode(
                  new VpnMobileNode.Config(
                      config.homeAddress(),
                      config.homeAgent(),
                      vpn.gateway(),
                      config.association(),
                      config.lifetime(),
                      TimeUnit.MILLISECONDS.toNanos(RETRANSMIT_MILLIS),
                      ATTEMPTS,
                      true),
                  scheduler,
                  epochOffset,
                  ike,
                  this::toHost);
          accesses =
              AccessInterfaces.onKernel(
                  config.accessInterfaces(),
                  scheduler,
                  new AccessInterfaces.Links() {
                    @Override
                    public void attach(String device, String why) {
                      moved(device, null, why);
                    }

                    @Override
                    public void attach(String device, Ipv4Address address, String why) {
                      moved(device, address, why);
                    }

                    @Override
                    public void warm(String device, Ipv4Address address) {
                      keepWarm(device, address);
                    }

                    @Override
                    public void cold(String device) {
                      letCool(device);
                    }
                  });
          accesses.start();
          logEvents(() -> node.events().stream().map(VpnMobileNode.Event::what).toList());
          return null;
        });
    LOG.info(
        "home address {} on {}, tunnel to the security gateway {} from {} (of {}), sockets on {}",
        config.homeAddress(),
        config.tunDevice(),
        vpn.gateway(),
        onLoop(accesses::active),
        config.accessInterfaces(),
        NativeSockets.describe());
  }

  /** The ESP tunnel brought a datagram for the home address: into the kernel through the TUN. */
  private void toHost(Ipv4Packet ip) {
    home.send(ip.buffer().retainedSlice(ip.offset(), ip.totalLength()), host, -1);
  }

  /**
   * Takes {@code device}'s address as care-of address: the first time the tunnel is set up from it,
   * after that the configured handover runs. The same address again (a flap) registers anew through
   * the tunnel as it is. A move to the address whose sockets are still binding is that move again
   * (the kernel's notifications of one change come in bursts): it registers from there once bound.
   * A warm standby's sockets are bound already: the move starts at once. The network left behind
   * stays open as a standby while its interface keeps its address. {@code seen}: the address the
   * interface was seen with in this task (a failover's), or null to look.
   */
  private void attach(String device, Ipv4Address seen) {
    if (!device.equals(accesses.active())) {
      return; // a late look for a route from an interface the node has left meanwhile
    }
    Ipv4Address careOf = seen != null ? seen : careOfNow(device);
    if (careOf == null) {
      LOG.info("{} has no IPv4 address yet", device);
      return;
    }
    if (careOf.equals(binding)) {
      return;
    }
    if (dropPendingMove() && active != null) {
      ike.through(active.vrf(), active.careOf()); // back from the move that never was
    }
    if (!routedFrom(device, careOf)) {
      return;
    }
    routedAt = System.nanoTime();
    VpnMobileNode.Network current = node.active();
    if (current != null && current.careOf().equals(careOf)) {
      node.moveTo(current.name(), vpn.handover());
      return;
    }
    Network next = standby.remove(device);
    if (next != null && !next.careOf().equals(careOf)) {
      close(next);
      next = null;
    }
    if (next == null) {
      next = open(device, careOf);
    }
    Network previous = active;
    Network moving = next;
    active = next;
    leaving = previous;
    ike.through(next.vrf(), careOf);
    throughAt = System.nanoTime();
    // New sockets bind on this loop after this task: move once they are bound.
    binding = careOf;
    int number = ++move;
    whenBound(
        next.sockets(),
        100,
        () -> {
          if (number != move) {
            return; // superseded while binding: its network is closed already
          }
          binding = null;
          if (current == null) {
            node.start(moving.name());
          } else {
            node.moveTo(moving.name(), vpn.handover());
            sealedAt = System.nanoTime();
            moving.sockets().flushNow(); // the registration leaves before the rest of the task
          }
          movedAt = System.nanoTime();
          // After this task: the registration leaves in its flush first, the old sockets close
          // after.
          scheduler.execute(
              () -> {
                if (leaving == previous) {
                  leaving = null; // unless a later move left another network meanwhile
                }
                if (previous != null) {
                  retire(previous);
                }
              });
        });
  }

  /**
   * A move still binding its sockets is superseded by another (its interface lost the address
   * meanwhile, or a move back to the network the node is on): the node never went there, so it
   * stays on the network it was leaving, and the one it was to take closes.
   */
  private boolean dropPendingMove() {
    if (binding == null) {
      return false;
    }
    move++;
    binding = null;
    close(active);
    active = leaving;
    leaving = null;
    return true;
  }

  /**
   * An access VRF for {@code careOf} on {@code device}: the host's UDP sockets 500 and 4500 on the
   * address (binding on this loop after this task), IKE on 500, ESP and IKE on 4500.
   */
  private Network open(String device, Ipv4Address careOf) {
    String name = "coa" + (++networks);
    Vrf access = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    HostSocketTransport sockets;
    try {
      sockets =
          new HostSocketTransport(
              group,
              InetAddress.getByAddress(careOf.toBytes()),
              Map.of(
                  Endpoint.IKE_PORT, Endpoint.IKE_PORT, Endpoint.NAT_T_PORT, Endpoint.NAT_T_PORT),
              NativeSockets.datagramChannel(),
              NativeSockets.segmenter());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("four bytes are an address", e);
    }
    Interface iface = access.addInterface("access", careOf, 32, sockets);
    access.addRoute(new Route(Prefix.of(vpn.gateway(), 32), null, iface, Route.Origin.STATIC));
    access.bindUdp(Endpoint.IKE_PORT, (v, in, d) -> ike.receive(d));
    node.addNetwork(name, access, iface, ike::receiveNatT);
    return new Network(device, name, careOf, access, sockets);
  }

  /**
   * The network the node left: a standby if its interface is still up with the address (the one
   * {@link AccessInterfaces} keeps warm), else closed.
   */
  private void retire(Network previous) {
    boolean stillThere =
        !previous.device().equals(active.device())
            && !standby.containsKey(previous.device())
            && previous.careOf().equals(AccessInterfaces.address(probe(previous.device()).read()));
    if (stillThere) {
      standby.put(previous.device(), previous);
    } else {
      close(previous);
    }
  }

  private void close(Network n) {
    node.removeNetwork(n.name());
    n.vrf().interfaces().forEach(i -> n.vrf().removeInterface(i.name()));
  }

  /**
   * A standby interface with an address: its sockets opened ahead of the move (unless the node is
   * on that address or just leaving it), and a NAT-T keepalive out of the interface.
   */
  private void keepWarm(String device, Ipv4Address address) {
    Network ready = standby.get(device);
    if (ready != null && !ready.careOf().equals(address)) {
      standby.remove(device);
      close(ready);
      ready = null;
    }
    boolean held =
        Stream.of(active, leaving)
            .anyMatch(n -> n != null && n.device().equals(device) && n.careOf().equals(address));
    if (ready == null && !held && !address.equals(binding)) {
      standby.put(device, open(device, address));
    }
    try {
      StandbyKeepalive.send(device, address, vpn.gateway());
      standbyKeepalives++;
      keptAlive.put(device, address);
    } catch (java.io.IOException e) {
      keptAlive.remove(device);
      if (standbyKeepalivesFailed++ == 0) {
        LOG.warn("standby keepalive: {}", e.getMessage());
      }
    }
  }

  /** A standby that went down or lost its address: its sockets close. */
  private void letCool(String device) {
    keptAlive.remove(device);
    Network ready = standby.remove(device);
    if (ready != null) {
      close(ready);
    }
  }

  private AccessLink.Probe probe(String device) {
    return probes.computeIfAbsent(device, SysfsLinkProbe::new);
  }

  /**
   * Whether the kernel routes the gateway from this address now. A DHCP client (or an admin) adds
   * the address and then the route, a few milliseconds apart, and the address's notification wakes
   * the node in between: a registration sent then is lost to "network unreachable" and waits for
   * its retransmission. So the node looks again every {@link #ROUTE_LOOK_MILLIS} until a route is
   * there, for at most {@link #ROUTE_WAIT_MILLIS}, and then goes on regardless. With a default
   * route through the tunnel the route is the gateway's pin through the device ({@link
   * GatewayRoute}): an older pin through another device would answer any other look at once. A warm
   * standby whose keepalive went out from the address has shown its route already: the move to it
   * takes no look (without a pin to set), once.
   */
  private boolean routedFrom(String device, Ipv4Address careOf) {
    Ipv4Address warm = keptAlive.remove(device); // once: a flap later looks again
    if (careOf.equals(warm) && !pinsGateway()) {
      awaitingRoute = null;
      return true; // a warm standby: its keepalive went out to the gateway from this address
    }
    if (!careOf.equals(awaitingRoute)) {
      awaitingRoute = careOf;
      routeLooksLeft = ROUTE_WAIT_MILLIS / ROUTE_LOOK_MILLIS;
    }
    if (routeLooksLeft <= 0 || routes(device, careOf)) {
      if (routeLooksLeft <= 0 && pinsGateway()) {
        LOG.warn("{}: no route to the gateway {} from {}, going on", device, vpn.gateway(), careOf);
      }
      awaitingRoute = null;
      return true;
    }
    if (routeLooksLeft-- == ROUTE_WAIT_MILLIS / ROUTE_LOOK_MILLIS) {
      LOG.info("{}: no route to the gateway {} from {} yet", device, vpn.gateway(), careOf);
    }
    scheduler.schedule(ROUTE_LOOK_MILLIS, TimeUnit.MILLISECONDS, () -> attach(device, null));
    return false;
  }

  private boolean pinsGateway() {
    return config.routes().stream().anyMatch(p -> p.length() == 0);
  }

  /**
   * Whether the gateway is routed from {@code careOf} now: pinned through {@code device} if due.
   */
  private boolean routes(String device, Ipv4Address careOf) {
    if (!pinsGateway()) {
      return kernelRoutes(careOf);
    }
    try {
      gatewayRoute.pin(device, careOf);
      return true;
    } catch (java.io.IOException e) {
      return false; // "no router yet", or the address is still being set up
    }
  }

  /** A UDP connect makes the kernel look the route up, and fails when there is none. */
  private boolean kernelRoutes(Ipv4Address careOf) {
    try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
      probe.bind(new java.net.InetSocketAddress(InetAddress.getByAddress(careOf.toBytes()), 0));
      probe.connect(
          new java.net.InetSocketAddress(
              InetAddress.getByAddress(vpn.gateway().toBytes()), Endpoint.NAT_T_PORT));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private void whenBound(HostSocketTransport sockets, int triesLeft, Runnable then) {
    boolean bound =
        sockets.hostAddress(Endpoint.IKE_PORT) != null
            && sockets.hostAddress(Endpoint.NAT_T_PORT) != null;
    if (bound || triesLeft == 0) {
      then.run();
    } else {
      scheduler.schedule(1, TimeUnit.MILLISECONDS, () -> whenBound(sockets, triesLeft - 1, then));
    }
  }

  /** The interface's address: a new one if it holds two (the old one on its way out). */
  private Ipv4Address careOfNow(String device) {
    VpnMobileNode.Network active = node.active();
    List<Ipv4Address> addresses =
        probe(device).read().addresses().stream()
            .filter(a -> !Prefix.parse("169.254.0.0/16").contains(a))
            .sorted((a, b) -> Integer.compareUnsigned(a.toInt(), b.toInt()))
            .toList();
    return addresses.stream()
        .filter(a -> active == null || !a.equals(active.careOf()))
        .findFirst()
        .orElse(addresses.isEmpty() ? null : addresses.get(0));
  }

  /**
   * A move: a new care-of address, the same one after a flap, or another interface (its link or
   * address gone, or a preferred one back).
   */
  private void moved(String device, Ipv4Address seen, String why) {
    long began = System.nanoTime();
    long notified = accesses == null ? 0 : accesses.notifiedAt();
    long looked = accesses == null ? 0 : accesses.lookedAt();
    routedAt = throughAt = sealedAt = movedAt = began;
    attach(device, seen);
    // After the move: the log waits, the move does not.
    LOG.info(
        "{}: {}, handover {} (notified {} µs before, looked {} µs before; on the loop: route {} µs,"
            + " move {} µs (IKE {}, registration {}, flush {}), task {} µs)",
        device,
        why,
        vpn.handover(),
        notified == 0 ? "-" : (began - notified) / 1000,
        looked == 0 ? "-" : (began - looked) / 1000,
        (routedAt - began) / 1000,
        (movedAt - routedAt) / 1000,
        (throughAt - routedAt) / 1000,
        (sealedAt - throughAt) / 1000,
        (movedAt - sealedAt) / 1000,
        (System.nanoTime() - began) / 1000);
  }

  @Override
  NodeStatus snapshot() {
    List<VpnMobileNode.Event> events = node.events();
    String last = events.isEmpty() ? "-" : events.get(events.size() - 1).what();
    String state;
    if (node.registered()) {
      state = NodeStatus.REGISTERED;
    } else if (last.equals("deregistered")) {
      state = "deregistered";
    } else {
      state = "registering";
    }
    VpnMobileNode.Network at = node.active();
    EspSecurityAssociation in = node.inboundSa();
    EspSecurityAssociation out = node.outboundSa();
    String tunnel =
        in == null || out == null
            ? "esp-in-udp to " + vpn.gateway() + ", no SAs yet"
            : String.format(
                "esp-in-udp to %s, spi in 0x%08x out 0x%08x, handover %s",
                vpn.gateway(), in.spi(), out.spi(), vpn.handover().name().toLowerCase(Locale.ROOT));
    Interface accessIface = at == null ? null : at.iface();
    return new NodeStatus(
        state,
        "vpn",
        "gateway " + vpn.gateway(),
        config.homeAddress().toString(),
        config.homeAgent().toString(),
        at == null ? "-" : at.careOf().toString(),
        "-",
        tunnel,
        registeredLeft(events),
        events.stream().filter(e -> e.what().startsWith("request ")).count(),
        node.keepalivesSent(),
        host.counters().received(),
        host.counters().sent(),
        accessIface == null ? 0 : accessIface.counters().sent(),
        accessIface == null ? 0 : accessIface.counters().received(),
        accesses.linkDowns(),
        accesses.moves(),
        last,
        accesses.active() + " " + (at == null ? "-" : at.careOf()),
        standbyLine());
  }

  /** The standbys, and their keepalives. */
  private String standbyLine() {
    List<String> standbys = accesses.standbys();
    if (standbys.isEmpty()) {
      return "-";
    }
    return String.format(
        "%s; keepalives %d (%d failed), failovers %d, moves back %d",
        String.join(", ", standbys),
        standbyKeepalives,
        standbyKeepalivesFailed,
        accesses.failovers(),
        accesses.movesBack());
  }

  /** Seconds left of the lifetime the last accepting reply granted. */
  private long registeredLeft(List<VpnMobileNode.Event> events) {
    if (!node.registered()) {
      return 0;
    }
    for (int i = events.size() - 1; i >= 0; i--) {
      String what = events.get(i).what();
      if (what.startsWith("registered lifetime ")) {
        long granted = Long.parseLong(what.substring("registered lifetime ".length()));
        long since = scheduler.nanoTime() - events.get(i).atNanos();
        return Math.max(0, granted - TimeUnit.NANOSECONDS.toSeconds(since));
      }
    }
    return 0;
  }

  /** Deregisters through the tunnel, then deletes the IKE SA (and with it the gateway's SAs). */
  @Override
  public boolean deregister(long timeoutMillis) throws Exception {
    onLoop(
        () -> {
          node.deregister();
          return null;
        });
    boolean dropped = awaitState(timeoutMillis, Set.of("deregistered"));
    onLoop(
        () -> {
          ike.delete();
          return null;
        });
    Thread.sleep(100); // the Delete leaves through the socket before the sockets close
    return dropped;
  }

  @Override
  public void close() {
    try {
      onLoop(
          () -> {
            if (accesses != null) {
              accesses.stop();
            }
            return null;
          });
    } catch (Exception e) {
      LOG.warn("stopping the move detector: {}", e.toString());
    }
    routes.close();
    gatewayRoute.close();
    List<Vrf> vrfs = new java.util.ArrayList<>(List.of(home));
    try {
      onLoop(
          () -> {
            Stream.concat(Stream.of(active, leaving), standby.values().stream())
                .filter(n -> n != null)
                .forEach(n -> vrfs.add(n.vrf()));
            return null;
          });
    } catch (Exception e) {
      LOG.warn("the access networks: {}", e.toString());
    }
    closeLoop(vrfs);
  }
}
