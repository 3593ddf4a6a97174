package io.mvpn.foreignagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.foreignagent.ForeignAgentService;
import io.mvpn.foreignagent.Visitor;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One foreign agent of the appliance, from {@code etc/io.mvpn.foreignagent-<name>.cfg}: it owns two
 * VRFs (access and uplink) whose interfaces are configured like any other, and serves the mobile
 * nodes of every tenant on its access link.
 */
@Component(
    configurationPid = ForeignAgentInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {ForeignAgentService.class, MetricSource.class})
@Designate(ocd = ForeignAgentInstance.Config.class, factory = true)
public final class ForeignAgentInstance implements ForeignAgentService, MetricSource {

  public static final String PID = "io.mvpn.foreignagent";

  private static final Logger LOG = LoggerFactory.getLogger(ForeignAgentInstance.class);

  @ObjectClassDefinition(name = "mvpn foreign agent", description = "A shared foreign agent")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names its VRFs and interfaces, e.g. fa1")
    String name();

    @AttributeDefinition(name = "Care-of address", description = "a.b.c.d/len on both links")
    String careOf();

    @AttributeDefinition(name = "Access transport", description = "e.g. mem:cell1")
    String access_transport();

    @AttributeDefinition(name = "Uplink transport", description = "e.g. mem:internet")
    String uplink_transport();

    @AttributeDefinition(
        name = "Uplink routes",
        description = "Toward the home agents: PREFIX via NEXTHOP, comma-separated")
    String[] uplink_routes() default {};

    @AttributeDefinition(
        name = "Home agents",
        description = "FA-HA associations, each HA_ADDRESS SPI hmac-md5|hmac-sha256 HEXKEY")
    String[] homeAgents() default {};

    @AttributeDefinition(
        name = "Mobile nodes",
        description = "MN-FA associations, each HOME_AGENT HOME_ADDRESS SPI ALGORITHM HEXKEY")
    String[] mobileNodes() default {};

    @AttributeDefinition(name = "Pending requests", description = "Beyond them: code 66")
    int maxPending() default 5;

    @AttributeDefinition(name = "Maximum lifetime (s)")
    int maxLifetime() default 600;

    @AttributeDefinition(name = "Advertisement interval (ms)")
    int advertisementIntervalMs() default 1000;
  }

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where the agent reports what it refuses. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  @Reference FabricService fabric;

  /** Where the visitor list outlives this component (and, persistent, the appliance). */
  @Reference VisitorStore visitorStore;

  /** Where its counters go on counting across updates. */
  @Reference CounterStore counterStore;

  private ForeignAgent engine;
  private Vrf access;

  private String name;

  @Activate
  void activate(Config config) {
    name = config.name();
    String careOf = config.careOf();
    int slash = careOf.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("foreign agent " + name + ": careOf needs a /length");
    }
    access = fabric.createVrf(name + "-access");
    Vrf uplink = fabric.createVrf(name + "-uplink");
    List<String> routes = ConfigList.items(config.uplink_routes());
    fabric.configureInterface(
        access.name(), name + "-access", careOf, config.access_transport(), List.of());
    fabric.configureInterface(
        uplink.name(), name + "-uplink", careOf, config.uplink_transport(), routes);
    Interface accessInterface = fabric.findInterface(name + "-access").orElseThrow();
    Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys = new HashMap<>();
    ConfigList.items(config.homeAgents()).stream()
        .map(AssociationSpec::parse)
        .forEach(spec -> homeAgentKeys.put(spec.peer(), spec.toAssociation()));
    Map<ForeignAgent.Mobile, MobilitySecurityAssociation> mobileNodeKeys = new HashMap<>();
    ConfigList.items(config.mobileNodes())
        .forEach(
            spec -> {
              // HOME_AGENT, then the usual ADDRESS SPI ALGORITHM HEXKEY for the home address.
              int space = spec.indexOf(' ');
              if (space < 0) {
                throw new IllegalArgumentException(
                    "mobile node key '"
                        + spec
                        + "': expected HOME_AGENT HOME_ADDRESS SPI ALGORITHM HEXKEY");
              }
              AssociationSpec a = AssociationSpec.parse(spec.substring(space + 1));
              mobileNodeKeys.put(
                  new ForeignAgent.Mobile(Ipv4Address.parse(spec.substring(0, space)), a.peer()),
                  a.toAssociation());
            });
    ForeignAgent.Config faConfig =
        new ForeignAgent.Config(
            Ipv4Address.parse(careOf.substring(0, slash)),
            config.maxLifetime(),
            TimeUnit.MILLISECONDS.toNanos(config.advertisementIntervalMs()),
            config.maxPending(),
            homeAgentKeys,
            mobileNodeKeys);
    engine =
        fabric.onLoop(
            access,
            () -> {
              ForeignAgent fa =
                  new ForeignAgent(
                      faConfig,
                      access,
                      accessInterface,
                      uplink,
                      new ForeignAgent.Stores(
                          name, visitorStore, counterStore, fabric.epochOffsetNanos()));
              fa.reportTo(securityEvents);
              fa.start();
              return fa;
            });
    LOG.info("foreign agent {} up at {} with {} visitors", name, careOf, engine.visitors().size());
  }

  @Deactivate
  void deactivate() {
    fabric.onLoop(
        access,
        () -> {
          engine.stop();
          return null;
        });
    fabric.removeInterface(name + "-access");
    fabric.removeInterface(name + "-uplink");
  }

  /**
   * The agent's figures for the metrics endpoint, read off its loop: the counters are the counter
   * store's (they go on across an update), the visitors the visitor store's.
   */
  @Override
  public void collect(MetricSink sink) {
    sink.gauge(
        "mvpn_foreignagent_visitors",
        "Mobile nodes on the foreign agent's visitor list now.",
        visitorStore.visitors(name).size(),
        "agent",
        name);
    String relayed = "Registration messages relayed between mobile nodes and home agents.";
    sink.counter(
        "mvpn_foreignagent_relayed_registrations",
        relayed,
        engine.relayedRequests(),
        "agent",
        name,
        "message",
        "request");
    sink.counter(
        "mvpn_foreignagent_relayed_registrations",
        relayed,
        engine.relayedReplies(),
        "agent",
        name,
        "message",
        "reply");
    sink.counter(
        "mvpn_foreignagent_delivered_packets",
        "Datagrams from the home agents' tunnels delivered to visitors on the access link.",
        engine.deliveredToVisitors(),
        "agent",
        name);
    sink.counter(
        "mvpn_foreignagent_reverse_tunnelled_packets",
        "Visitors' datagrams reverse-tunnelled to their home agents.",
        engine.reverseTunnelled(),
        "agent",
        name);
    sink.counter(
        "mvpn_foreignagent_dropped",
        "Registration messages and datagrams the foreign agent dropped (malformed, unknown,"
            + " refused).",
        engine.dropped(),
        "agent",
        name);
  }

  @Override
  public Ipv4Address careOf() {
    return engine.careOf();
  }

  @Override
  public List<Visitor> visitors() {
    return engine.visitors();
  }

  @Override
  public long relayedRequests() {
    return engine.relayedRequests();
  }

  @Override
  public long relayedReplies() {
    return engine.relayedReplies();
  }

  @Override
  public long deliveredToVisitors() {
    return engine.deliveredToVisitors();
  }

  @Override
  public long reverseTunnelled() {
    return engine.reverseTunnelled();
  }

  @Override
  public long dropped() {
    return engine.dropped();
  }
}
