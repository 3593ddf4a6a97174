package io.mvpn.demo;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.keys.AwaitedKeys;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.time.Scheduler;
import io.mvpn.mobilenode.ContinuousPing;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's demo, from {@code etc/io.mvpn.demo.cfg}: around the appliance's own VRFs it
 * builds a host at home in each tenant and one mobile node per configured tenant that pings its
 * home host while it roams home -> cell1 -> cell2 -> co-located care-of address -> home, over and
 * over. The appliance's own home agents and foreign agents (on cell1 and cell2) serve them.
 */
@Component(
    configurationPid = RoamingDemo.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = RoamingDemo.class)
@Designate(ocd = RoamingDemo.Config.class)
public final class RoamingDemo {

  public static final String PID = "io.mvpn.demo";

  static final String[] ITINERARY = {"home", "cell1", "cell2", "colo"};
  static final Ipv4Address HOST = Ipv4Address.parse("10.1.0.100");
  static final Ipv4Address ROUTER = Ipv4Address.parse("203.0.113.1");

  private static final Logger LOG = LoggerFactory.getLogger(RoamingDemo.class);

  @ObjectClassDefinition(
      name = "mvpn demo",
      description = "Mobile nodes roaming through the appliance")
  public @interface Config {
    @AttributeDefinition(
        name = "Mobile nodes",
        description = "Each TENANT HOME_ADDRESS HOME_AGENT SPI ALGORITHM keystore:ALIAS|HEXKEY")
    String[] mobileNodes();

    @AttributeDefinition(name = "Seconds on each attachment")
    int stepSeconds() default 5;

    @AttributeDefinition(name = "Ping interval (ms)")
    int pingIntervalMs() default 100;

    @AttributeDefinition(
        name = "Hold at",
        description =
            "An attachment (home, cell1, cell2, colo) where every node stays instead of roaming,"
                + " so that tests and operators can watch a still picture; empty: roam")
    String holdAt() default "";

    @AttributeDefinition(
        name = "Real sites",
        description =
            "The tenants' LAN interfaces lead to real networks (tun:) whose own host 10.1.0.100"
                + " answers: no in-memory host is built, and the nodes roam away from home only"
                + " (cell1, cell2, colo), since at home they would have to sit on the real LAN")
    boolean realSites() default false;
  }

  /** One roaming node and what it measures. */
  public record Roamer(String tenant, MobileNode node, ContinuousPing ping) {}

  @Reference FabricService fabric;

  private final ConfigurationCheck check = new ConfigurationCheck();
  private final AwaitedKeys keys = new AwaitedKeys();

  private final List<Vrf> vrfs = new ArrayList<>();
  private final List<Roamer> roamers = new ArrayList<>();
  private final List<Long> handovers = new ArrayList<>();
  private Vrf publicVrf;
  private Scheduler scheduler;
  private List<String> itinerary = List.of(ITINERARY);
  private Scheduler.Timer nextMove;
  private int step;

  /**
   * The nodes' keys come from the keystore when the configuration names them there; the demo waits
   * for the key service if it is not up yet, and keeps running when it goes away or changes (the
   * keys were read at the start), so an update of the store bundle leaves the nodes roaming.
   */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindKeyService(KeyService service) {
    keys.bind(service);
  }

  void unbindKeyService(KeyService service) {
    keys.unbind(service);
  }

  @Activate
  void activate(Config config) {
    boolean needsStoredKeys =
        ConfigList.items(config.mobileNodes()).stream()
            .anyMatch(node -> node.contains(ConfiguredKeys.PREFIX));
    if (!keys.startWhenReady(needsStoredKeys, () -> start(config))) {
      LOG.info("demo: waiting for the key service, which holds its nodes' keys");
    }
  }

  private synchronized void start(Config config) {
    ConfiguredKeys keys = new ConfiguredKeys(this.keys.current());
    List<String> nodes =
        check.read(
            PID,
            () -> keys.lastWords("mobileNodes", ConfigList.items(config.mobileNodes())),
            LOG::error);
    if (nodes == null) {
      return; // refused in one line: no demo
    }
    keys.warnInline(PID, LOG::warn);
    publicVrf =
        fabric
            .vrf(FabricService.PUBLIC_VRF)
            .orElseThrow(() -> new IllegalStateException("the fabric has no public VRF"));
    scheduler = publicVrf.scheduler();
    fabric.onLoop(publicVrf, () -> build(config, nodes));
    if (config.holdAt() == null || config.holdAt().isBlank()) {
      LOG.info("demo: {} mobile nodes roaming every {} s", roamers.size(), config.stepSeconds());
    } else {
      LOG.info("demo: {} mobile nodes held at {}", roamers.size(), config.holdAt().trim());
    }
  }

  private Void build(Config config, List<String> nodes) {
    ByteBufAllocator alloc = publicVrf.alloc();
    if (config.realSites()) {
      itinerary = List.of(ITINERARY).subList(1, ITINERARY.length);
    }
    int n = 0;
    for (String one : nodes) {
      roamers.add(roamer(one, ++n, config, alloc));
    }
    String hold = holdAt(config);
    roamers.forEach(r -> r.node().moveTo(hold.isEmpty() ? itinerary.get(0) : hold));
    roamers.forEach(r -> r.ping().start());
    if (!hold.isEmpty()) {
      return null;
    }
    long stepNanos = TimeUnit.SECONDS.toNanos(config.stepSeconds());
    nextMove = scheduler.schedule(stepNanos, TimeUnit.NANOSECONDS, () -> nextStep(stepNanos));
    return null;
  }

  private String holdAt(Config config) {
    String hold = config.holdAt() == null ? "" : config.holdAt().trim();
    if (!hold.isEmpty() && !itinerary.contains(hold)) {
      throw new IllegalArgumentException(
          "holdAt '" + hold + "': expected one of " + String.join(", ", itinerary));
    }
    return hold;
  }

  private Roamer roamer(String spec, int n, Config config, ByteBufAllocator alloc) {
    String[] w = spec.split("\\s+");
    if (w.length != 6) {
      throw new IllegalArgumentException(
          "mobile node " + n + ": expected TENANT HOME HOME_AGENT SPI ALGORITHM KEY");
    }
    String tenant = w[0];
    Ipv4Address home = Ipv4Address.parse(w[1]);
    if (!config.realSites()) {
      Vrf host = vrf("demo-" + tenant + "-host", alloc);
      host.addInterface("eth0", HOST, 16, fabric.segment(tenant + "-lan").newPort());
    }

    String prefix = "demo-mn-" + tenant + "-";
    Vrf atHome = vrf(prefix + "home", alloc);
    Interface h0 = atHome.addInterface("h0", home, 16, fabric.segment(tenant + "-lan").newPort());
    atHome.addRoute(
        Prefix.parse("198.51.100.0/24"), Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
    Vrf cell1 = vrf(prefix + "cell1", alloc);
    Interface c1 = cell1.addInterface("c1", home, 32, fabric.segment("cell1").newPort());
    Vrf cell2 = vrf(prefix + "cell2", alloc);
    Interface c2 = cell2.addInterface("c2", home, 32, fabric.segment("cell2").newPort());
    Vrf colo = vrf(prefix + "colo", alloc);
    Interface w0 =
        colo.addInterface(
            "w0", Ipv4Address.of(0xCB007100 + 60 + n), 24, fabric.segment("internet").newPort());
    colo.addRoute(Prefix.parse("198.51.100.0/24"), ROUTER, Route.Origin.STATIC);

    MobileNode node =
        new MobileNode(
            home,
            Ipv4Address.parse(w[2]),
            new MobilitySecurityAssociation(
                Long.parseLong(w[3]),
                MobilitySecurityAssociation.Algorithm.parse(w[4]),
                HexFormat.of().parseHex(w[5])),
            300,
            scheduler,
            fabric.epochOffsetNanos());
    node.addHome("home", atHome, h0);
    node.addForeign("cell1", cell1, c1);
    node.addForeign("cell2", cell2, c2);
    node.addColocated("colo", colo, w0);
    ContinuousPing ping =
        new ContinuousPing(
            node, HOST, n, config.pingIntervalMs(), TimeUnit.MILLISECONDS, scheduler);
    return new Roamer(tenant, node, ping);
  }

  private Vrf vrf(String name, ByteBufAllocator alloc) {
    Vrf vrf = new Vrf(name, scheduler, alloc);
    vrfs.add(vrf);
    return vrf;
  }

  private void nextStep(long stepNanos) {
    step = (step + 1) % itinerary.size();
    handovers.add(scheduler.nanoTime());
    for (Roamer r : roamers) {
      r.node().moveTo(itinerary.get(step));
    }
    nextMove = scheduler.schedule(stepNanos, TimeUnit.NANOSECONDS, () -> nextStep(stepNanos));
  }

  @Deactivate
  synchronized void deactivate() {
    keys.cancel();
    if (publicVrf == null) {
      return; // never started
    }
    fabric.onLoop(
        publicVrf,
        () -> {
          if (nextMove != null) {
            nextMove.cancel();
          }
          roamers.forEach(r -> r.ping().stop());
          for (Vrf vrf : vrfs) {
            for (Interface i : vrf.interfaces()) {
              vrf.removeInterface(i.name());
            }
          }
          return null;
        });
    LOG.info("demo stopped");
  }

  /**
   * Moves the demo node(s) of {@code tenant} to {@code attachment} now, as an operator's hand
   * would: the node registers through its new attachment at once. While the demo roams, its next
   * step moves the node on again; with {@code holdAt} it stays.
   *
   * @return how many nodes moved
   * @throws IllegalArgumentException for an attachment this demo's nodes do not have
   */
  public int move(String tenant, String attachment) {
    if (!itinerary.contains(attachment)) {
      throw new IllegalArgumentException(
          "no attachment '" + attachment + "': expected one of " + String.join(", ", itinerary));
    }
    return fabric.onLoop(
        publicVrf,
        () -> {
          int moved = 0;
          for (Roamer r : roamers) {
            if (r.tenant().equals(tenant)) {
              r.node().moveTo(attachment);
              moved++;
            }
          }
          if (moved > 0) {
            handovers.add(scheduler.nanoTime());
          }
          return moved;
        });
  }

  /** The roaming nodes (read their state through {@link FabricService#onLoop}). */
  public List<Roamer> roamers() {
    return List.copyOf(roamers);
  }

  /** When each handover began, on the fabric's clock. */
  public List<Long> handovers() {
    return fabric.onLoop(publicVrf, () -> List.copyOf(handovers));
  }

  public FabricService fabric() {
    return fabric;
  }

  public Vrf publicVrf() {
    return publicVrf;
  }
}
