package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.cfg;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.transport.tap.TapTransport;
import io.mvpn.net.transport.tun.TunTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Shared foreign agents on real Ethernet access networks, tenants' home agents with their sites,
 * and laptops running the installed launcher in foreign-agent mode: each access network a bridge
 * (all in one namespace) with an agent's TAP device as a port, the agents' uplinks and the home
 * agents on one memory segment ("internet", with whatever delay the test gives it), each tenant's
 * site a namespace whose kernel is {@link #HOST_AT_HOME} on the tenant's LAN TUN device.
 */
abstract class ForeignAgentNetworks extends EnginesInThisJvm {

  static final Ipv4Address PUBLIC_SIDE = Ipv4Address.parse("203.0.113.1");
  static final String HOST_AT_HOME = "10.1.0.100";
  static final int MTU = 1400;

  final Map<String, Laptop> laptops = new LinkedHashMap<>();

  /**
   * Whether {@link #homeAgents} puts the tenant's LAN on Ethernet (a TAP device on {@link
   * #homeBridge}, where a laptop can come home) rather than a TUN device into the site.
   */
  boolean ethernetHome;

  /** The home network's bridge in the access namespace, with {@link #ethernetHome}. */
  String homeBridge;

  /** The site's interface on {@link #homeBridge}, in the site's namespace. */
  String homeSiteNic;

  final List<AccessNetwork> accessNetworks = new ArrayList<>();
  Vrf publicVrf;
  String accessNamespace;
  private MemorySegment internet;

  /**
   * One tenant: its site's namespace and LAN, its laptop's namespace, interface and config, and
   * what the laptop exchanges with the site (distinct counts, so a datagram at the wrong site
   * shows).
   */
  record Laptop(
      String tenant,
      int pings,
      int udps,
      String site,
      Interface lan,
      String namespace,
      String nic,
      String port,
      Path config,
      Process node) {}

  /** A foreign agent on its access network's bridge. */
  final class AccessNetwork {
    final Ipv4Address careOf;
    final String bridge;
    final TapTransport tap;
    final ForeignAgent.Config config;
    Vrf access;
    Vrf uplink;
    Interface accessInterface;
    ForeignAgent agent;

    private AccessNetwork(
        Ipv4Address careOf, String bridge, TapTransport tap, ForeignAgent.Config config) {
      this.careOf = careOf;
      this.bridge = bridge;
      this.tap = tap;
      this.config = config;
    }

    /** The agent starts again with an empty visitor list, its advertisements counting from 0. */
    void restart() throws Exception {
      onLoop(
          () -> {
            agent.stop();
            agent = new ForeignAgent(config, access, accessInterface, uplink);
            agent.start();
            return null;
          });
    }
  }

  @Override
  void stopEngines() throws Exception {
    for (AccessNetwork n : accessNetworks) {
      if (n.agent != null) {
        onLoop(
            () -> {
              n.agent.stop();
              return null;
            });
      }
    }
  }

  /** A new port on the internet segment, for another router on it. */
  Transport internetPort() {
    return internet.newPort();
  }

  /** The memory segment between the agents' uplinks and the public VRF; call before the rest. */
  void internet(LinkProperties properties) throws Exception {
    internet = new MemorySegment("internet", properties, 1);
    publicVrf = vrf("public");
    onLoop(() -> publicVrf.addInterface("public-internet", PUBLIC_SIDE, 24, internet.newPort()));
    accessNamespace = lab.namespace("lan");
  }

  /**
   * An access network as etc's disabled lan1 example describes it, with its own care-of address and
   * agent name: a bridge with the agent's TAP device as one port, the agent's two VRFs, its uplink
   * on the internet segment.
   */
  AccessNetwork accessNetwork(String name, Ipv4Address careOf) throws Exception {
    if (internet == null) {
      internet(LinkProperties.IDEAL);
    }
    Properties fa = cfg("io.mvpn.foreignagent-lan1.cfg.disabled");
    int length = Integer.parseInt(fa.getProperty("careOf").split("/")[1]);
    ForeignAgent.Config config =
        new ForeignAgent.Config(
            careOf,
            Integer.parseInt(fa.getProperty("maxLifetime")),
            TimeUnit.MILLISECONDS.toNanos(
                Long.parseLong(fa.getProperty("advertisementIntervalMs"))));
    String tapDevice = lab.device("f" + accessNetworks.size());
    String bridge = lab.device("b" + accessNetworks.size());
    AccessNetwork n =
        new AccessNetwork(
            careOf, bridge, TapTransport.open(tapDevice, TapTransport.DEFAULT_MTU), config);
    n.access = vrf(name + "-access");
    n.uplink = vrf(name + "-uplink");
    n.agent =
        onLoop(
            () -> {
              n.accessInterface = n.access.addInterface(name + "-access", careOf, length, n.tap);
              Interface up =
                  n.uplink.addInterface(name + "-uplink", careOf, length, internet.newPort());
              n.uplink.addRoute(
                  new Route(Prefix.parse("198.51.100.0/24"), PUBLIC_SIDE, up, Route.Origin.STATIC));
              ForeignAgent started =
                  new ForeignAgent(config, n.access, n.accessInterface, n.uplink);
              started.start();
              return started;
            });
    accessNetworks.add(n);
    lab.in(accessNamespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.moveInto(tapDevice, accessNamespace);
    lab.in(accessNamespace, "ip", "link", "set", tapDevice, "master", bridge);
    lab.in(accessNamespace, "ip", "link", "set", bridge, "up");
    return n;
  }

  /** Each tenant's home agent on the public VRF, its VRF with the LAN moved into its site. */
  void homeAgents(String... tenants) throws Exception {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    Dispatcher dispatcher = onLoop(() -> new Dispatcher(publicVrf));
    onLoop(
        () -> {
          dispatcher.open();
          return null;
        });
    for (String tenant : tenants) {
      Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
      Properties lanCfg = cfg("io.mvpn.interface-" + ha.getProperty("homeInterface") + ".cfg");
      Vrf vrf = vrf(tenant);
      String lanDevice = lab.device(tenant.substring(0, 1));
      Transport lanLink =
          ethernetHome ? TapTransport.open(lanDevice, MTU) : TunTransport.open(lanDevice, MTU);
      String[] lanAddress = lanCfg.getProperty("address").split("/");
      int length = Integer.parseInt(lanAddress[1]);
      Interface lan =
          onLoop(
              () ->
                  vrf.addInterface(
                      lanCfg.getProperty("name"),
                      Ipv4Address.parse(lanAddress[0]),
                      length,
                      lanLink));
      String site = lab.namespace(tenant + "-site");
      if (ethernetHome) {
        homeBridge = ethernetHomeLink(lanDevice, site, HOST_AT_HOME + "/" + length);
      } else {
        lab.moveInto(lanDevice, site, HOST_AT_HOME + "/" + length);
      }
      HomeAgentConfig config = LaptopProcesses.homeAgentConfig(tenant);
      startHomeAgent(config, publicVrf, vrf, epochOffset, dispatcher);
      laptops.put(tenant, new Laptop(tenant, 0, 0, site, lan, null, null, null, null, null));
    }
  }

  /**
   * The home network on Ethernet: a bridge in the access namespace (so a laptop's link can move
   * onto it as onto the access networks) with the home agent's TAP device and a veth whose other
   * end is the site's kernel.
   */
  private String ethernetHomeLink(String tapDevice, String site, String siteAddress)
      throws Exception {
    String bridge = lab.device("bh");
    String sitePort = lab.device("hs");
    String siteNic = lab.device("hn");
    homeSiteNic = siteNic;
    lab.in(accessNamespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.moveInto(tapDevice, accessNamespace);
    lab.in(accessNamespace, "ip", "link", "set", tapDevice, "master", bridge);
    veth(sitePort, siteNic, site);
    lab.in(accessNamespace, "ip", "link", "set", sitePort, "master", bridge, "up");
    lab.in(site, "ip", "addr", "add", siteAddress, "dev", siteNic);
    // The home agent's TAP device has the tenant LAN's MTU: the site's must not be larger, or the
    // bridge drops what the site sends to the home agent for a laptop that is away. One segment per
    // frame: the delay relay forwards frames, and cannot cut a kernel's 64 KB TSO burst into them.
    lab.in(site, "ip", "link", "set", siteNic, "mtu", Integer.toString(MTU), "gso_max_segs", "1");
    lab.in(site, "ip", "link", "set", siteNic, "up");
    lab.in(accessNamespace, "ip", "link", "set", bridge, "up");
    return bridge;
  }

  private void veth(String near, String far, String namespace) throws Exception {
    veth(accessNamespace, near, far, namespace);
  }

  /**
   * The tenant's laptop: a namespace whose only link is a veth without an IPv4 address, and the
   * launcher in foreign-agent mode on it. The veth's other end ({@link Laptop#port}) is in the
   * access namespace, a port of {@code bridge} if one is given, else for the test to wire.
   */
  void startLaptop(String tenant, int pings, int udps, String bridge) throws Exception {
    startLaptop(tenant, pings, udps, bridge, "mode: foreign-agent\n");
  }

  /** As {@link #startLaptop(String, int, int, String)}, with the config's mode lines given. */
  void startLaptop(String tenant, int pings, int udps, String bridge, String modeLines)
      throws Exception {
    Laptop known = laptops.get(tenant);
    Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
    String namespace = lab.namespace(tenant + "-laptop");
    String port = lab.device(tenant.substring(0, 1) + "p");
    String nic = lab.device(tenant.substring(0, 1) + "n");
    veth(port, nic, namespace);
    if (bridge != null) {
      lab.in(accessNamespace, "ip", "link", "set", port, "master", bridge);
    }
    lab.in(accessNamespace, "ip", "link", "set", port, "up");
    lab.in(namespace, "ip", "link", "set", nic, "up");
    String[] words = ha.getProperty("mobileNodes").trim().split("\\s+");
    Path config =
        Files.writeString(
            dir.resolve(tenant + ".yaml"),
            """
            %saccessInterface: %s
            homeAddress: %s
            homeAgent: %s
            spi: %s
            algorithm: %s
            key: %s
            lifetime: 300
            tunDevice: %s
            routes: [10.1.0.0/16]
            control: %s
            """
                .formatted(
                    modeLines,
                    nic,
                    words[0],
                    ha.getProperty("address"),
                    words[1],
                    words[2],
                    words[3],
                    lab.device(tenant.substring(0, 1) + "m"),
                    dir.resolve(tenant + ".sock")));
    Process node = LaptopProcesses.up(lab, namespace, config, dir.resolve(tenant + ".log"));
    laptops.put(
        tenant,
        new Laptop(
            tenant, pings, udps, known.site(), known.lan(), namespace, nic, port, config, node));
  }

  /** The running node's status, straight from its control socket. */
  Map<String, String> status(Laptop l) throws Exception {
    return NodeStatus.fields(ControlSocket.request(dir.resolve(l.tenant() + ".sock"), "status"));
  }

  /** Whether the laptop's kernel routes its home network through {@code agent} on its link. */
  boolean routedThrough(Laptop l, Ipv4Address agent) throws Exception {
    return lab.in(l.namespace(), "ip", "-o", "route", "show", "10.1.0.0/16")
        .contains("via " + agent + " dev " + l.nic());
  }

  /** Polls {@code mvpn-mn status} until it exits 0; at most 30 s. */
  Result awaitRegistered(Laptop l) throws Exception {
    Path log = dir.resolve(l.tenant() + ".log");
    return LaptopProcesses.awaitRegistered(l.node(), log, () -> mvpnMn(l, "status"));
  }

  Result mvpnMn(Laptop l, String verb) throws Exception {
    return LaptopProcesses.mvpnMn(lab, dir, l.namespace(), l.config(), verb);
  }
}
