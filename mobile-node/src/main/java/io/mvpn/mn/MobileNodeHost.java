package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.mip.MipConstants;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile node engine on a Linux host. One VRF on one Netty event loop holds three interfaces:
 * {@code access}, the host's UDP socket on the care-of address and port 434 (registrations and RFC
 * 3519 tunnel data go through the kernel's own UDP, so no raw socket and no IP-in-IP device are
 * needed, and a NAT on the way is no obstacle); the engine's tunnel towards the home agent, holding
 * the home address; and {@code host}, the TUN device whose kernel side holds the home address too,
 * so every program on the host sends from it. What the kernel routes into the TUN leaves through
 * the tunnel; what the home agent tunnels back to the home address enters the kernel through the
 * TUN.
 */
final class MobileNodeHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MobileNodeHost.class);
  private static final String ACCESS = "access";

  /** Seconds between solicitations while no foreign agent has been heard. */
  private static final long SOLICIT_SECONDS = 3;

  private final MnConfig config;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  private final Vrf vrf = new Vrf("mn", scheduler, ByteBufAllocator.DEFAULT);
  private final HostRoutes routes = new HostRoutes();
  private AgentRoutes agentRoutes; // foreign-agent mode only
  private MobileNode node;
  private Interface access;
  private Interface host;
  private int eventsLogged;

  MobileNodeHost(MnConfig config) {
    this.config = config;
  }

  /** Opens the TUN device and the socket, sets the host's routes and starts registering. */
  void start() throws Exception {
    if (config.mode() == MnConfig.Mode.FOREIGN_AGENT) {
      startThroughForeignAgent();
      return;
    }
    TunTransport tun = TunTransport.open(config.tunDevice(), config.mtu());
    HostSocketTransport socket =
        new HostSocketTransport(
            group,
            InetAddress.getByAddress(config.careOfAddress().toBytes()),
            Map.of(MipConstants.PORT, MipConstants.PORT));
    onLoop(
        () -> {
          host = vrf.addInterface("host", config.tunAddress(), 32, tun);
          access = vrf.addInterface(ACCESS, config.careOfAddress(), 32, socket);
          return null;
        });
    socket.awaitBound(5, TimeUnit.SECONDS);
    routes.install(config);
    onLoop(
        () -> {
          vrf.addRoute(
              new Route(Prefix.of(config.homeAgent(), 32), null, access, Route.Origin.STATIC));
          node = newNode();
          node.addColocated(ACCESS, vrf, access, true);
          node.deliverHomeDatagramsTo(host);
          node.moveTo(ACCESS);
          logEvents();
          return null;
        });
    LOG.info(
        "home address {} on {}, registering with {} from {}",
        config.homeAddress(),
        config.tunDevice(),
        config.homeAgent(),
        config.careOfAddress());
  }

  /**
   * Foreign-agent mode: the home address on the TUN device (which carries nothing: the kernel sends
   * the laptop's traffic to the agent on the access interface), agent discovery and registration
   * through {@link AgentLinkTransport}, the host's routes set once an agent is heard.
   */
  private void startThroughForeignAgent() throws Exception {
    TunTransport tun = TunTransport.open(config.tunDevice(), config.mtu());
    routes.install(config); // the home address first: the registration socket binds it
    agentRoutes = new AgentRoutes(config);
    RawIcmpSocket icmp = RawIcmpSocket.open(config.accessInterface());
    HostSocketTransport socket =
        new HostSocketTransport(
            group,
            InetAddress.getByAddress(config.homeAddress().toBytes()),
            Map.of(MipConstants.PORT, MipConstants.PORT));
    // A restarted agent forgot its visitors: attaching again makes the engine take the
    // advertisement that follows as a new agent's and register through it.
    AgentLinkTransport link =
        new AgentLinkTransport(icmp, socket, agentRoutes::use, () -> node.moveTo(ACCESS));
    onLoop(
        () -> {
          host = vrf.addInterface("host", config.tunAddress(), 32, tun);
          access = vrf.addInterface(ACCESS, config.homeAddress(), 32, link);
          return null;
        });
    socket.awaitBound(5, TimeUnit.SECONDS);
    onLoop(
        () -> {
          node = newNode();
          node.addForeign(ACCESS, vrf, access);
          node.moveTo(ACCESS);
          scheduler.schedule(SOLICIT_SECONDS, TimeUnit.SECONDS, this::solicitUntilHeard);
          logEvents();
          return null;
        });
    LOG.info(
        "home address {} on {}, looking for a foreign agent on {}",
        config.homeAddress(),
        config.tunDevice(),
        config.accessInterface());
  }

  private MobileNode newNode() {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    return new MobileNode(
        config.homeAddress(),
        config.homeAgent(),
        config.association(),
        config.lifetime(),
        scheduler,
        epochOffset);
  }

  /**
   * The engine solicits once when it attaches; an agent that was not up then, or a solicitation
   * lost, would leave it waiting for the next advertisement, so it asks again until one is heard.
   */
  private void solicitUntilHeard() {
    if (agentRoutes.careOf() != null) {
      return;
    }
    vrf.send(
        IcmpBuilder.routerSolicitation(vrf.alloc(), config.homeAddress().toInt(), -1, 1),
        access,
        -1);
    scheduler.schedule(SOLICIT_SECONDS, TimeUnit.SECONDS, this::solicitUntilHeard);
  }

  /** The node's state now. */
  NodeStatus status() throws Exception {
    return onLoop(this::snapshot);
  }

  private NodeStatus snapshot() {
    List<MobileNode.Event> events = node.events();
    String last = events.isEmpty() ? "-" : events.get(events.size() - 1).what();
    long left =
        Math.max(
            0, TimeUnit.NANOSECONDS.toSeconds(node.registeredUntilNanos() - scheduler.nanoTime()));
    String state;
    if (node.connected() && left > 0) {
      state = NodeStatus.REGISTERED;
    } else if (last.equals("deregistered")) {
      state = "deregistered";
    } else {
      state = "registering";
    }
    boolean throughAgent = agentRoutes != null;
    Ipv4Address agentCareOf = throughAgent ? agentRoutes.careOf() : null;
    return new NodeStatus(
        state,
        config.homeAddress().toString(),
        config.homeAgent().toString(),
        throughAgent
            ? String.valueOf(agentCareOf == null ? "-" : agentCareOf)
            : config.careOfAddress().toString(),
        throughAgent && agentRoutes.router() != null ? agentRoutes.router().toString() : "-",
        throughAgent ? "reverse tunnel by the foreign agent (RFC 3024)" : "udp (RFC 3519)",
        state.equals(NodeStatus.REGISTERED) ? left : 0,
        events.stream().filter(e -> e.what().startsWith("request ")).count(),
        node.keepalivesAnswered(),
        host.counters().received(),
        host.counters().sent(),
        access.counters().sent(),
        access.counters().received(),
        last);
  }

  /**
   * Asks the home agent to drop the binding and waits, at most {@code timeoutMillis}, for its
   * answer; true if it dropped it.
   */
  boolean deregister(long timeoutMillis) throws Exception {
    onLoop(
        () -> {
          node.deregister();
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (status().state().equals("deregistered")) {
        return true;
      }
      Thread.sleep(50); // the caller's thread (control or shutdown), never the engine's
    }
    return false;
  }

  /** The engine's events in the log, as they happen (checked twice a second). */
  private void logEvents() {
    List<MobileNode.Event> events = node.events();
    for (; eventsLogged < events.size(); eventsLogged++) {
      LOG.info("{}", events.get(eventsLogged).what());
    }
    scheduler.schedule(500, TimeUnit.MILLISECONDS, this::logEvents);
  }

  /** Routes go first (while the device still exists), then the device and the socket. */
  @Override
  public void close() {
    if (agentRoutes != null) {
      agentRoutes.close();
    }
    routes.close();
    try {
      onLoop(
          () -> {
            vrf.interfaces().forEach(i -> vrf.removeInterface(i.name()));
            return null;
          });
    } catch (Exception e) {
      LOG.warn("closing the interfaces: {}", e.toString());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return scheduler.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }
}
