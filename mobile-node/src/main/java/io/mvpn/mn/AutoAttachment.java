package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.time.Scheduler;
import io.mvpn.mn.AttachmentChoice.Attachment;
import io.mvpn.mn.AttachmentChoice.Kind;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.packet.mip.MipConstants;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mode: auto} on the host: every {@link MoveDetector#POLL_MILLIS} it asks {@link
 * AttachmentChoice} where the laptop is and, when the answer changes, moves the engine there. The
 * foreign-agent attachment is the host's own (after each move the node solicits and registers
 * through an agent that answers); this class adds the other two:
 *
 * <ul>
 *   <li><b>co-located</b>, one engine attachment per care-of address, each in a VRF of its own: a
 *       UDP socket on the address and port 434 (registration and RFC 3519 tunnel), the engine's
 *       tunnel, and an entrance for what the laptop's kernel routes into the TUN device (through a
 *       {@link PatchTransport} from the host's VRF). Once the home agent accepted, the configured
 *       routes lead into the TUN device;
 *   <li><b>home</b>: the configured routes leave the TUN device and the access link's own route to
 *       the home network carries the traffic, no tunnel; a gratuitous ARP tells the home link the
 *       laptop's MAC again, and the engine deregisters (lifetime 0, RFC 5944 §3.6.1.2) from an
 *       ephemeral port of the home address, through the host's normal routing.
 * </ul>
 */
final class AutoAttachment implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AutoAttachment.class);
  private static final String HOME = "home";

  private final MnConfig config;
  private final EventLoopGroup group;
  private final Scheduler scheduler;
  private final MobileNode node;
  private final AccessLink.Probe probe;
  private final AgentRoutes agentRoutes;
  private final AttachmentChoice choice;
  private final Vrf hostVrf;
  private final Interface towardsCareOf;
  private final PatchTransport patch = new PatchTransport();
  private final Map<Ipv4Address, Interface> entrances = new HashMap<>();
  private final List<Vrf> vrfs = new ArrayList<>();
  private final List<String> tunnelRoutes = new ArrayList<>();
  private final List<String> hostVrfRoutes = new ArrayList<>();
  private Attachment acting = Attachment.SEARCHING;
  private volatile Attachment shown = Attachment.SEARCHING;
  private Scheduler.Timer tick;

  /** Builds the home attachment and the host VRF's way out; call on the event loop. */
  AutoAttachment(
      MnConfig config,
      EventLoopGroup group,
      Scheduler scheduler,
      MobileNode node,
      Vrf hostVrf,
      AccessLink.Probe probe,
      AgentRoutes agentRoutes)
      throws IOException {
    this.config = config;
    this.group = group;
    this.scheduler = scheduler;
    this.node = node;
    this.hostVrf = hostVrf;
    this.probe = probe;
    this.agentRoutes = agentRoutes;
    this.choice =
        new AttachmentChoice(
            config.homeNetwork(), config.homeAgent(), config.agentWaitMillis(), scheduler);
    int tunSide = config.tunAddress().toInt();
    towardsCareOf = hostVrf.addInterface("to-colocated", Ipv4Address.of(tunSide + 1), 32, patch);
    Vrf home = vrf(HOME);
    // The registration port on an ephemeral host port: the foreign-agent socket holds 434.
    HostSocketTransport socket = socket(config.homeAddress(), 0);
    Interface atHome = home.addInterface(HOME, config.homeAddress(), 32, socket);
    home.addRoute(new Route(Prefix.of(config.homeAgent(), 32), null, atHome, Route.Origin.STATIC));
    node.addHome(HOME, home, atHome);
  }

  void start() {
    tick = scheduler.schedule(MoveDetector.POLL_MILLIS, TimeUnit.MILLISECONDS, this::look);
  }

  /**
   * A move: what was chosen before no longer holds. A new address on a link that stayed up keeps
   * the wait for an agent that began when it came up.
   */
  void moved(boolean linkStayedUp) {
    if (linkStayedUp) {
      choice.addressesChanged();
    } else {
      choice.moved();
    }
    leaveCareOf();
    acting = Attachment.SEARCHING;
    shown = acting;
  }

  /** An agent advertisement, from the reader thread. */
  void heardForeignAgent(Ipv4Address careOf) {
    scheduler.execute(() -> choice.heardForeignAgent(careOf));
  }

  /** A home agent's advertisement from {@code router}, from the reader thread. */
  void heardHomeAgent(Ipv4Address router) {
    scheduler.execute(() -> choice.heardHomeAgent(router));
  }

  /** Where the node is attached now, as status shows it. */
  Attachment attachment() {
    return shown;
  }

  boolean atHome() {
    return shown.kind() == Kind.HOME;
  }

  /** Whether the agent's advertisements may steer the engine (not while co-located or home). */
  boolean throughAgent() {
    Kind k = shown.kind();
    return k == Kind.AGENT || k == Kind.SEARCHING;
  }

  /** The home agent accepted a registration with {@code careOf}: routes follow a co-located one. */
  void registered(Ipv4Address careOf) {
    if (acting.kind() != Kind.COLOCATED || !acting.address().equals(careOf)) {
      return;
    }
    String dev = config.tunDevice();
    String home = config.homeAddress().toString();
    try {
      for (String prefix : halves(config.routes())) {
        HostRoutes.run("ip", "route", "replace", prefix, "dev", dev, "src", home);
        if (!tunnelRoutes.contains(prefix)) {
          tunnelRoutes.add(prefix);
        }
      }
      LOG.info("routing through the co-located care-of address {}", careOf);
    } catch (IOException e) {
      LOG.error("routes into {}: {}", dev, e.getMessage());
    }
  }

  /** The home agent dropped the binding: at home, the link hears the laptop's MAC once more. */
  void deregistered() {
    if (acting.kind() == Kind.HOME) {
      announceAtHome();
    }
  }

  private void look() {
    tick = scheduler.schedule(MoveDetector.POLL_MILLIS, TimeUnit.MILLISECONDS, this::look);
    Attachment next = choice.decide(probe.read(), defaultRouteOn(config.accessInterface()));
    if (next.equals(acting)) {
      return;
    }
    Attachment before = acting;
    acting = next;
    shown = next;
    LOG.info("attachment: {} (was {})", next.describe(), before.describe());
    switch (next.kind()) {
      case HOME -> goHome();
      case COLOCATED -> useCareOf(next.address());
      case AGENT -> {
        if (before.kind() == Kind.HOME || before.kind() == Kind.COLOCATED) {
          leaveCareOf();
          node.moveTo(MobileNodeHost.ACCESS); // renumbered without a move: solicit again
        }
      }
      case SEARCHING -> leaveCareOf();
    }
  }

  /**
   * Home: the traffic leaves the tunnel for the access link's own route to the home network (set
   * again if the kernel has none), the foreign agents' routes go, and the engine deregisters.
   */
  private void goHome() {
    leaveCareOf();
    dropTunnelRoutes();
    agentRoutes.leave();
    String nic = config.accessInterface();
    try {
      String network = config.homeNetwork().toString();
      if (HostRoutes.run("ip", "-o", "route", "show", network, "dev", nic).isBlank()) {
        HostRoutes.run(
            "ip", "route", "replace", network, "dev", nic, "src", config.homeAddress().toString());
      }
    } catch (IOException e) {
      LOG.error("the home network's route on {}: {}", nic, e.getMessage());
    }
    announceAtHome();
    node.moveTo(HOME);
  }

  private void announceAtHome() {
    try {
      GratuitousArp.announce(config.accessInterface(), config.homeAddress());
    } catch (IOException | RuntimeException e) {
      LOG.warn("gratuitous ARP: {}", e.getMessage());
    }
  }

  /**
   * A co-located care-of address: its attachment (made on first use, once its socket is bound), the
   * host VRF's routes to it, then the registration.
   */
  private void useCareOf(Ipv4Address careOf) {
    Interface entrance = entrances.get(careOf);
    if (entrance == null) {
      try {
        entrance = colocated(careOf);
      } catch (IOException | RuntimeException e) {
        LOG.error("co-located care-of address {}: {}", careOf, e.getMessage());
        return;
      }
      entrances.put(careOf, entrance);
    }
    patch.connect(entrance);
    for (String prefix : halves(config.routes())) {
      hostVrf.addRoute(new Route(Prefix.parse(prefix), null, towardsCareOf, Route.Origin.STATIC));
      hostVrfRoutes.add(prefix);
    }
    HostSocketTransport socket =
        (HostSocketTransport) entrance.vrf().getInterface("access").transport();
    whenBound(socket, careOf, 0);
  }

  /** Registers once the socket on the care-of address is bound (bounded: 2 s). */
  private void whenBound(HostSocketTransport socket, Ipv4Address careOf, int tries) {
    if (acting.kind() != Kind.COLOCATED || !acting.address().equals(careOf)) {
      return; // moved on meanwhile
    }
    if (socket.hostAddress(MipConstants.PORT) == null && tries < 400) {
      scheduler.schedule(5, TimeUnit.MILLISECONDS, () -> whenBound(socket, careOf, tries + 1));
      return;
    }
    node.moveTo(name(careOf));
  }

  private Interface colocated(Ipv4Address careOf) throws IOException {
    Vrf v = vrf(name(careOf));
    Interface access = v.addInterface("access", careOf, 32, socket(careOf, MipConstants.PORT));
    v.addRoute(new Route(Prefix.of(config.homeAgent(), 32), null, access, Route.Origin.STATIC));
    Interface entrance = v.addInterface("from-host", config.tunAddress(), 32, new PatchTransport());
    node.addColocated(name(careOf), v, access, true);
    return entrance;
  }

  /** Leaves the co-located attachment in use, if any: the host VRF's routes to it go. */
  private void leaveCareOf() {
    for (String prefix : hostVrfRoutes) {
      hostVrf.removeRoute(Prefix.parse(prefix));
    }
    hostVrfRoutes.clear();
    patch.connect(null);
  }

  private void dropTunnelRoutes() {
    for (int i = tunnelRoutes.size() - 1; i >= 0; i--) {
      try {
        HostRoutes.run("ip", "route", "del", tunnelRoutes.get(i), "dev", config.tunDevice());
      } catch (IOException e) {
        // gone already
      }
    }
    tunnelRoutes.clear();
  }

  private static String name(Ipv4Address careOf) {
    return "colocated-" + careOf;
  }

  private Vrf vrf(String name) {
    Vrf v = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    vrfs.add(v);
    return v;
  }

  private HostSocketTransport socket(Ipv4Address address, int hostPort) throws IOException {
    return new HostSocketTransport(
        group, InetAddress.getByAddress(address.toBytes()), Map.of(MipConstants.PORT, hostPort));
  }

  private static List<String> halves(List<Prefix> prefixes) {
    List<String> out = new ArrayList<>();
    for (Prefix p : prefixes) {
      out.addAll(p.length() == 0 ? List.of("0.0.0.0/1", "128.0.0.0/1") : List.of(p.toString()));
    }
    return out;
  }

  /** Whether the kernel has a default route through {@code device} (/proc/net/route). */
  static boolean defaultRouteOn(String device) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 7
            && f[0].equals(device)
            && f[1].equals("00000000")
            && f[7].equals("00000000")) {
          return true;
        }
      }
    } catch (IOException e) {
      // no procfs: no route known
    }
    return false;
  }

  /** On the event loop: the timer, the routes into the TUN device, the attachments' VRFs. */
  @Override
  public void close() {
    if (tick != null) {
      tick.cancel();
    }
    leaveCareOf();
    dropTunnelRoutes();
    for (Vrf v : vrfs) {
      v.interfaces().forEach(i -> v.removeInterface(i.name()));
    }
  }
}
