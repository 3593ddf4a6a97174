package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.mn.sam.HostSam;
import io.mvpn.mn.sam.NodeKeys;
import io.mvpn.mn.sam.TokenSas;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.sam.kink.KerberosClock;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
final class MobileNodeHost extends LoopHost {

  private static final Logger LOG = LoggerFactory.getLogger(MobileNodeHost.class);
  static final String ACCESS = "access";

  /** Seconds between solicitations while no foreign agent has been heard. */
  private static final long SOLICIT_SECONDS = 3;

  private final MnConfig config;
  private final Vrf vrf = new Vrf("mn", scheduler, ByteBufAllocator.DEFAULT);
  private final HostRoutes routes = new HostRoutes();
  private AgentRoutes agentRoutes; // foreign-agent mode only
  private AgentLinkTransport link; // foreign-agent mode only
  private MoveDetector moves; // foreign-agent mode only
  private AutoAttachment auto; // mode auto only
  private Scheduler.Timer soliciting;
  private long advertisementsAtAttach;
  private Ipv4Address requestedCareOf;
  private MobileNode node;
  private Interface access;
  private Interface host;
  private HostSam sam; // with a sam: block only

  MobileNodeHost(MnConfig config) {
    this.config = config;
  }

  /** Opens the TUN device and the socket, sets the host's routes and starts registering. */
  @Override
  public void start() throws Exception {
    if (config.mode() != MnConfig.Mode.COLOCATED) {
      startThroughForeignAgent();
      return;
    }
    // The token first: a fault in it is the operator's configuration, found before any device.
    TokenSas token = TokenSas.open(config.sam(), System.getenv());
    TunTransport tun = TunTransport.open(config.tunDevice(), config.mtu());
    if (config.sam() != null) {
      sam = newSam(tun, token);
    }
    HostSocketTransport socket =
        new HostSocketTransport(
            group,
            InetAddress.getByAddress(config.careOfAddress().toBytes()),
            Map.of(MipConstants.PORT, MipConstants.PORT));
    onLoop(
        () -> {
          host =
              vrf.addInterface(
                  "host", config.tunAddress(), 32, sam == null ? tun : sam.kernelSide());
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
          if (sam != null) {
            sam.start(vrf.getInterface(ACCESS + "-tunnel"));
          }
          node.moveTo(ACCESS);
          logEvents(this::eventNames);
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
    link =
        new AgentLinkTransport(
            icmp,
            socket,
            (careOf, router) -> {
              agentRoutes.heard(careOf, router);
              if (auto != null) {
                auto.heardForeignAgent(careOf);
              }
            },
            () -> {
              if (auto == null || auto.throughAgent()) {
                node.moveTo(ACCESS);
              }
            });
    link.onHomeAgent(
        router -> {
          if (auto != null) {
            auto.heardHomeAgent(router);
          }
        });
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
          node.onEvent(this::routeOnAcceptance);
          SysfsLinkProbe probe = new SysfsLinkProbe(config.accessInterface());
          if (config.mode() == MnConfig.Mode.AUTO) {
            node.deliverHomeDatagramsTo(host); // what co-located tunnels bring, to the kernel
            auto = new AutoAttachment(config, group, scheduler, node, vrf, probe, agentRoutes);
            auto.start();
          }
          attachToAgent();
          moves = MoveDetector.onKernel(probe, scheduler, new AgentMoves());
          moves.start();
          logEvents(this::eventNames);
          return null;
        });
    LOG.info(
        "home address {} on {}, looking for a foreign agent on {}",
        config.homeAddress(),
        config.tunDevice(),
        config.accessInterface());
  }

  /** The SAM path of the sam: block; its Kerberos exchanges on a thread of their own. */
  private HostSam newSam(TunTransport tun, TokenSas token) {
    return new HostSam(
        config.sam(),
        config.homeAddress(),
        vrf,
        scheduler,
        tun,
        NodeKeys.fromKeytab(config.sam()),
        task -> {
          Thread kerberos = new Thread(task, "mvpn-mn-kerberos");
          kerberos.setDaemon(true);
          kerberos.start();
        },
        KerberosClock.of(scheduler, System.currentTimeMillis()),
        token);
  }

  /** The SAM path's status lines (none without a sam: block). */
  @Override
  public String samStatus() throws Exception {
    return sam == null ? "" : onLoop(sam::status);
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
   * (Re)attaches the engine to the access link: it forgets the agent it had, solicits, and
   * registers through the first agent that answers. An agent that was not up then, or a
   * solicitation lost, would leave it waiting for the next advertisement, so the host asks again
   * until one is heard.
   */
  private void attachToAgent() {
    advertisementsAtAttach = link.advertisements();
    node.moveTo(ACCESS);
    if (soliciting != null) {
      soliciting.cancel();
    }
    soliciting = scheduler.schedule(SOLICIT_SECONDS, TimeUnit.SECONDS, this::solicitUntilHeard);
  }

  private void solicitUntilHeard() {
    if (link.advertisements() != advertisementsAtAttach) {
      return;
    }
    vrf.send(
        IcmpBuilder.routerSolicitation(vrf.alloc(), config.homeAddress().toInt(), -1, 1),
        access,
        -1);
    soliciting = scheduler.schedule(SOLICIT_SECONDS, TimeUnit.SECONDS, this::solicitUntilHeard);
  }

  /**
   * The host's routes follow the registration, not the advertisement: they move to an agent once
   * the home agent accepted the registration through it (the request's care-of address).
   */
  private void routeOnAcceptance(MobileNode.Event e) {
    String what = e.what();
    int coa = what.indexOf(" coa ");
    if (what.startsWith("request ") && coa > 0) {
      requestedCareOf = Ipv4Address.parse(what.substring(coa + 5));
    } else if (what.startsWith("registered") && requestedCareOf != null) {
      agentRoutes.accepted(requestedCareOf);
      if (auto != null) {
        auto.registered(requestedCareOf);
      }
    } else if (what.equals("deregistered") && auto != null) {
      auto.deregistered();
    }
  }

  /** A move on the access link: the routes through it are gone; attach and register again. */
  private final class AgentMoves implements MoveDetector.Moves {
    @Override
    public void linkDown() {
      LOG.info("{} is down", config.accessInterface());
    }

    @Override
    public void moved(String why) {
      LOG.info("{}: {}, looking for an agent again", config.accessInterface(), why);
      agentRoutes.linkChanged();
      if (auto != null) {
        auto.moved(why.startsWith("new address"));
      }
      attachToAgent();
    }
  }

  @Override
  NodeStatus snapshot() {
    List<MobileNode.Event> events = node.events();
    String last = events.isEmpty() ? "-" : events.get(events.size() - 1).what();
    long left =
        Math.max(
            0, TimeUnit.NANOSECONDS.toSeconds(node.registeredUntilNanos() - scheduler.nanoTime()));
    String state;
    AttachmentChoice.Attachment at = attachment();
    boolean home = at.kind() == AttachmentChoice.Kind.HOME;
    if (node.connected() && left > 0 && !home) {
      state = NodeStatus.REGISTERED;
    } else if (last.equals("deregistered")) {
      state = home ? NodeStatus.AT_HOME : "deregistered";
    } else {
      state = home ? "deregistering" : "registering";
    }
    boolean throughAgent = at.kind() == AttachmentChoice.Kind.AGENT;
    Ipv4Address agentCareOf = throughAgent ? agentRoutes.careOf() : null;
    return new NodeStatus(
        state,
        config.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        at.describe(),
        config.homeAddress().toString(),
        config.homeAgent().toString(),
        switch (at.kind()) {
          case AGENT -> String.valueOf(agentCareOf == null ? "-" : agentCareOf);
          case COLOCATED -> at.address().toString();
          default -> "-";
        },
        throughAgent && agentRoutes.router() != null ? agentRoutes.router().toString() : "-",
        switch (at.kind()) {
          case AGENT -> "reverse tunnel by the foreign agent (RFC 3024)";
          case COLOCATED -> "udp (RFC 3519)";
          case HOME -> "none (at home)";
          case SEARCHING -> "-";
        },
        state.equals(NodeStatus.REGISTERED) ? left : 0,
        events.stream().filter(e -> e.what().startsWith("request ")).count(),
        node.keepalivesAnswered(),
        host.counters().received(),
        host.counters().sent(),
        access.counters().sent(),
        access.counters().received(),
        moves == null ? 0 : moves.linkDowns(),
        moves == null ? 0 : moves.moves(),
        last,
        null,
        null);
  }

  /**
   * Where the node is attached: as {@link AutoAttachment} chose in mode auto; through the agent
   * accepted (or still looking) in foreign-agent mode; the configured care-of address otherwise.
   */
  private AttachmentChoice.Attachment attachment() {
    if (auto != null) {
      return auto.attachment();
    }
    if (agentRoutes == null) {
      return new AttachmentChoice.Attachment(
          AttachmentChoice.Kind.COLOCATED, config.careOfAddress());
    }
    Ipv4Address agent = agentRoutes.careOf();
    return agent == null
        ? AttachmentChoice.Attachment.SEARCHING
        : new AttachmentChoice.Attachment(AttachmentChoice.Kind.AGENT, agent);
  }

  /**
   * Asks the home agent to drop the binding and waits, at most {@code timeoutMillis}, for its
   * answer; true if it dropped it.
   */
  @Override
  public boolean deregister(long timeoutMillis) throws Exception {
    onLoop(
        () -> {
          node.deregister();
          return null;
        });
    return awaitState(timeoutMillis, Set.of("deregistered", NodeStatus.AT_HOME));
  }

  private List<String> eventNames() {
    return node.events().stream().map(MobileNode.Event::what).toList();
  }

  /** Routes go first (while the device still exists), then the device and the socket. */
  @Override
  public void close() {
    if (moves != null) {
      try {
        onLoop(
            () -> {
              moves.stop();
              if (auto != null) {
                auto.close();
              }
              return null;
            });
      } catch (Exception e) {
        LOG.warn("stopping the move detector: {}", e.toString());
      }
    }
    if (agentRoutes != null) {
      agentRoutes.close();
    }
    routes.close();
    if (sam != null) {
      try {
        onLoop(
            () -> {
              sam.close();
              return null;
            });
      } catch (Exception e) {
        LOG.warn("closing the SAM path: {}", e.toString());
      }
    }
    closeLoop(List.of(vrf));
  }
}
