package io.mvpn.homeagent.lab;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.backbone.NaptGateway;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.store.InMemoryBindingStore;
import io.mvpn.store.InMemoryNaptMappingStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The emulated setting of the mobility tests, run in virtual time. The appliance is node {@code
 * appliance}: VRF {@code public} on the {@code internet} segment at 203.0.113.1, and one VRF per
 * tenant whose realm is always 10.1.0.0/16, on the tenant's LAN ({@code <tenant>-lan}, where node
 * {@code <tenant>-host} sits at 10.1.0.100). Around it: the dispatcher and a virtual home agent per
 * tenant, shared foreign agents on cells, NAT boxes running the appliance's NAPT, a security
 * gateway's node, and the hosts of mobile nodes with one VRF (and one interface of the same name)
 * per place the node can be: at home, on a cell, co-located on the Internet, behind a NAT.
 *
 * <pre>{@code
 * MobilityLab lab = MobilityLab.builder(2026).internet("2ms")
 *     .tenant("acme").homeAgent(MobilityLab.homeAgentConfig("acme", ACME_HA, mnKey))
 *     .foreignAgent("fa1", "cell1", faConfig)
 *     .mobileNode("mn").home("acme").foreign("cell1").colocated("colo", "203.0.113.61/24")
 *     .build();
 * }</pre>
 */
public final class MobilityLab implements AutoCloseable {

  /** Every tenant's realm; the tenants' realms overlap on purpose. */
  public static final Prefix REALM = Prefix.parse("10.1.0.0/16");

  /** The mobile nodes' home address, the same in every tenant. */
  public static final Ipv4Address MN_HOME = Ipv4Address.parse("10.1.0.5");

  /** The host on each tenant's LAN. */
  public static final Ipv4Address HOST = Ipv4Address.parse("10.1.0.100");

  /** The appliance's address on the Internet. */
  public static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");

  /** Where the home agents' public addresses are, reached through the appliance. */
  public static final String HOME_AGENTS = "198.51.100.0/24";

  private final Lab lab;
  private final BindingStore store;
  private final Dispatcher dispatcher;
  private final Map<String, HomeAgentConfig> configs;
  private final Map<String, VirtualHomeAgent> homeAgents = new LinkedHashMap<>();
  private final Map<String, ForeignAgent> foreignAgents = new LinkedHashMap<>();
  private final Map<String, NaptManager> napts = new LinkedHashMap<>();

  private record Nat(Ipv4Address outside, String inside) {}

  private MobilityLab(Builder b) {
    lab = Lab.virtual(b.topology.build());
    store = b.store;
    configs = b.homeAgents;
    b.nats.forEach((node, nat) -> startNat(node, nat.outside()));
    dispatcher = configs.isEmpty() ? null : new Dispatcher(vrf("appliance", "public"));
    if (dispatcher != null) {
      dispatcher.open();
    }
    configs.keySet().forEach(this::startHomeAgent);
    b.foreignAgents.forEach(
        (node, config) -> {
          ForeignAgent fa =
              new ForeignAgent(config, vrf(node, "access"), iface(node, "a0"), vrf(node, "uplink"));
          fa.start();
          foreignAgents.put(node, fa);
        });
  }

  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /**
   * The usual start: Internet links of 2 ms and tenant acme whose home agent at {@code homeAgent}
   * knows the node 10.1.0.5 by SPI 1000, HMAC-MD5 and {@code key}.
   */
  public static Builder acme(long seed, Ipv4Address homeAgent, byte[] key) {
    return builder(seed)
        .internet("2ms")
        .tenant("acme")
        .homeAgent(
            homeAgentConfig(
                "acme",
                homeAgent,
                new AssociationSpec(
                    MN_HOME, 1000, MobilitySecurityAssociation.Algorithm.HMAC_MD5, key)));
  }

  /**
   * A tenant's home agent as the tests run it: realm 10.1.0.0/16, at most 600 s, 7 s of replay
   * tolerance, at home on the appliance's {@code <tenant>-lan} interface.
   */
  public static HomeAgentConfig homeAgentConfig(
      String tenant, Ipv4Address address, AssociationSpec... mobileNodes) {
    return homeAgentConfig(tenant, address, List.of(mobileNodes), List.of());
  }

  /** The same, with FA-HA associations. */
  public static HomeAgentConfig homeAgentConfig(
      String tenant,
      Ipv4Address address,
      List<AssociationSpec> mobileNodes,
      List<AssociationSpec> foreignAgents) {
    return new HomeAgentConfig(
        MvpnId.of(tenant),
        address,
        List.of(REALM),
        mobileNodes,
        600,
        7,
        tenant + "-lan",
        foreignAgents);
  }

  private void startNat(String node, Ipv4Address outside) {
    NaptManager napt =
        new NaptManager(
            new InMemoryNaptMappingStore(),
            outside,
            40000,
            0xFFFF,
            NaptTimeouts.udp(Duration.ofMinutes(2)));
    NaptGateway gateway = new NaptGateway(vrf(node, "outside"));
    gateway.use(napt);
    gateway.attach(MvpnId.of(node), vrf(node, "inside"));
    napts.put(node, napt);
  }

  private VirtualHomeAgent startHomeAgent(String tenant) {
    VirtualHomeAgent ha =
        new VirtualHomeAgent(
            configs.get(tenant), vrf("appliance", "public"), vrf("appliance", tenant), store, 0);
    ha.start();
    dispatcher.add(ha);
    homeAgents.put(tenant, ha);
    return ha;
  }

  /**
   * Stops the tenant's home agent and starts a new one on the same store, as {@code bundle:update}
   * of the home agent does.
   */
  public VirtualHomeAgent restartHomeAgent(String tenant) {
    VirtualHomeAgent old = homeAgents.get(tenant);
    dispatcher.remove(old);
    old.stop();
    return startHomeAgent(tenant);
  }

  public Lab lab() {
    return lab;
  }

  public VirtualTimeScheduler time() {
    return lab.virtualTime();
  }

  /** Runs virtual time forward by {@code amount}. */
  public void advance(long amount, TimeUnit unit) {
    lab.virtualTime().advance(amount, unit);
  }

  public Vrf vrf(String node, String vrf) {
    return lab.vrf(node, vrf);
  }

  public Interface iface(String node, String name) {
    return lab.iface(node, name);
  }

  public BindingStore store() {
    return store;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public VirtualHomeAgent homeAgent(String tenant) {
    return homeAgents.get(tenant);
  }

  public ForeignAgent foreignAgent(String node) {
    return foreignAgents.get(node);
  }

  /** The foreign agents in the order they were added. */
  public List<ForeignAgent> foreignAgents() {
    return List.copyOf(foreignAgents.values());
  }

  /** The NAPT of a NAT box. */
  public NaptManager napt(String node) {
    return napts.get(node);
  }

  @Override
  public void close() {
    lab.close();
  }

  /**
   * Lays out the topology in call order (so each segment's attachments keep the order the calls
   * give them) and names what runs on it; {@link #build} starts it all.
   */
  public static final class Builder {

    private final TopologyBuilder topology;
    private final Set<String> segments = new HashSet<>();
    private BindingStore store = new InMemoryBindingStore();
    private final Map<String, HomeAgentConfig> homeAgents = new LinkedHashMap<>();
    private final Map<String, ForeignAgent.Config> foreignAgents = new LinkedHashMap<>();
    private final Map<String, Nat> nats = new LinkedHashMap<>();
    private boolean appliance;
    private String mobileNode;

    private Builder(long seed) {
      topology = new TopologyBuilder(seed);
    }

    /** The Internet segment with its one-way delay; 5 ms where it is made without this call. */
    public Builder internet(String delay) {
      return segment("internet", delay);
    }

    /** The Internet segment with its one-way delay and a link MTU other than Ethernet's. */
    public Builder internet(String delay, int mtu) {
      if (segments.add("internet")) {
        topology.segment("internet", delay, "0", 0, 0, mtu);
      }
      return this;
    }

    /** The store the home agents keep their bindings in (in memory unless set). */
    public Builder bindingStore(BindingStore bindings) {
      store = bindings;
      return this;
    }

    /** A segment, made once: the first call's delay holds. */
    public Builder segment(String name, String delay) {
      if (segments.add(name)) {
        topology.segment(name, delay);
      }
      return this;
    }

    private String internet() {
      segment("internet", "5ms");
      return "internet";
    }

    /** The appliance's node with its public VRF; tenants and home agents add to it. */
    public Builder appliance() {
      if (!appliance) {
        appliance = true;
        topology.node("appliance").vrf("public").iface("pub0", internet(), PUBLIC + "/24");
      }
      return this;
    }

    /**
     * The appliance's node with its public VRF behind a router instead: on {@code segment} at
     * {@code address} (with its prefix), the default route through {@code router}.
     */
    public Builder applianceIn(String segment, String address, String router) {
      appliance = true;
      topology
          .node("appliance")
          .vrf("public")
          .iface("pub0", segment, address)
          .route("0.0.0.0/0", router);
      return this;
    }

    /** A tenant's VRF on the appliance, its LAN (1 ms) and the host on it. */
    public Builder tenant(String name) {
      appliance();
      String lan = name + "-lan";
      segment(lan, "1ms");
      topology.node("appliance").vrf(name).iface(lan, lan, "10.1.0.1/16");
      topology.node(name + "-host").vrf("main").iface("eth0", lan, HOST + "/16");
      return this;
    }

    /** The home agent of {@code config.tenant()}, on the appliance's VRFs of that name. */
    public Builder homeAgent(HomeAgentConfig config) {
      homeAgents.put(config.tenant().toString(), config);
      return this;
    }

    /**
     * A foreign agent: VRF {@code access} on {@code cell} (a 1 ms segment) and VRF {@code uplink}
     * on the Internet, both at the care-of address {@code config} names.
     */
    public Builder foreignAgent(String node, String cell, ForeignAgent.Config config) {
      segment(cell, "1ms");
      String careOf = config.careOf() + "/24";
      topology
          .node(node)
          .vrf("access")
          .iface("a0", cell, careOf)
          .vrf("uplink")
          .iface("u0", internet(), careOf)
          .route(HOME_AGENTS, PUBLIC.toString());
      foreignAgents.put(node, config);
      return this;
    }

    /**
     * A NAT box running the appliance's NAPT (ports from 40000, UDP mappings idle out after two
     * minutes): VRF {@code outside} on the Internet at {@code outside}, VRF {@code inside} at
     * 10.200.0.1/24 on {@code insideSegment}, where nodes go {@link #behindNat}.
     */
    public Builder nat(String node, String outside, String insideSegment, String delay) {
      segment(insideSegment, delay);
      topology
          .node(node)
          .vrf("inside")
          .iface("lan", insideSegment, "10.200.0.1/24")
          .vrf("outside")
          .iface("wan", internet(), outside + "/24")
          .route(HOME_AGENTS, PUBLIC.toString());
      nats.put(node, new Nat(Ipv4Address.parse(outside), insideSegment));
      return this;
    }

    /**
     * A security gateway's node: VRF {@code outside} on the Internet at {@code outside} (with its
     * prefix), VRF {@code inside} at 10.1.0.2/16 on {@code lan}, a 1 ms segment whose {@code host}
     * (10.1.0.100, if not null) routes through the gateway. The test runs the gateway it needs on
     * them.
     */
    public Builder securityGateway(String node, String outside, String lan, String host) {
      segment(lan, "1ms");
      topology
          .node(node)
          .vrf("outside")
          .iface("o0", internet(), outside)
          .vrf("inside")
          .iface("lan", lan, "10.1.0.2/16");
      if (host != null) {
        topology
            .node(host)
            .vrf("main")
            .iface("eth0", lan, HOST + "/16")
            .route("0.0.0.0/0", "10.1.0.2");
      }
      return this;
    }

    /**
     * A point-to-point link inside a site (a 1 ms segment {@code <a>-<b>}): interface {@code
     * to-<b>} in {@code a}'s VRF, {@code to-<a>} in {@code b}'s, each with its router's /32
     * address.
     */
    public Builder siteLink(
        String a, String aVrf, String aAddress, String b, String bVrf, String bAddress) {
      String link = a + "-" + b;
      segment(link, "1ms");
      topology.node(a).vrf(aVrf).iface("to-" + b, link, aAddress + "/32");
      topology.node(b).vrf(bVrf).iface("to-" + a, link, bAddress + "/32");
      return this;
    }

    /** A plain host on the Internet, VRF {@code main}. */
    public Builder internetHost(String node, String address) {
      topology.node(node).vrf("main").iface("eth0", internet(), address);
      return this;
    }

    /** Starts the host of a mobile node; the following attachments belong to it. */
    public Builder mobileNode(String node) {
      mobileNode = node;
      topology.node(node);
      return this;
    }

    private TopologyBuilder attachment(String vrf, String segment, String address) {
      if (mobileNode == null) {
        throw new IllegalStateException(vrf + " before mobileNode(...)");
      }
      return topology.node(mobileNode).vrf(vrf).iface(vrf, segment, address);
    }

    /** VRF and interface {@code home}: 10.1.0.5 on the tenant's LAN. */
    public Builder home(String tenant) {
      attachment("home", tenant + "-lan", MN_HOME + "/16").route(HOME_AGENTS, "10.1.0.1");
      return this;
    }

    /** VRF and interface named after the cell: the home address alone, for a foreign agent. */
    public Builder foreign(String cell) {
      attachment(cell, cell, MN_HOME + "/32");
      return this;
    }

    /**
     * A co-located care-of address on the Internet ({@code careOf} with its prefix), the home
     * agents routed through the appliance.
     */
    public Builder colocated(String name, String careOf) {
      attachment(name, internet(), careOf).route(HOME_AGENTS, PUBLIC.toString());
      return this;
    }

    /**
     * A private co-located care-of address behind the NAT box {@code nat}, at 10.200.0.2 and up; as
     * for {@link #colocated}, only the home agents are routed: a mobile node's default route is its
     * tunnel.
     */
    public Builder behindNat(String name, String nat, String address) {
      attachment(name, nats.get(nat).inside(), address + "/24").route(HOME_AGENTS, "10.200.0.1");
      return this;
    }

    /**
     * A care-of address of a visited network: {@code address} (with its prefix) on {@code segment},
     * the default route through {@code router}.
     */
    public Builder visited(String name, String segment, String address, String router) {
      attachment(name, segment, address).route("0.0.0.0/0", router);
      return this;
    }

    /** Anything else the topology needs, in the lab's own builder. */
    public Builder topology(Consumer<TopologyBuilder> more) {
      more.accept(topology);
      return this;
    }

    public MobilityLab build() {
      return new MobilityLab(this);
    }
  }
}
