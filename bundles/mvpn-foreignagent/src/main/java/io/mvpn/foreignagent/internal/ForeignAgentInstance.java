package io.mvpn.foreignagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.foreignagent.ForeignAgentService;
import io.mvpn.foreignagent.HomeAgentFigures;
import io.mvpn.foreignagent.Visitor;
import io.mvpn.foreignagent.link.AccessPoint;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import java.security.Key;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
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
 * One foreign agent of the appliance, from {@code etc/io.mvpn.foreignagent-<name>.cfg}: it owns two
 * VRFs (access and uplink) whose interfaces are configured like any other, and serves the mobile
 * nodes of every tenant on its access link. Its FA-HA and MN-FA keys are inline hex or {@code
 * keystore:ALIAS}; a key it cannot read refuses the configuration in one ERROR line (listed by
 * {@code mvpn:info}) and nothing is built or registered, hence the services registered by hand.
 */
// Registered by hand, only for a configuration that reads: said here for resolvers.
@Capability(
    namespace = "osgi.service",
    attribute =
        "objectClass:List<String>=\"io.mvpn.foreignagent.ForeignAgentService,"
            + "io.mvpn.api.metrics.MetricSource\"",
    uses = {ForeignAgentService.class, MetricSource.class})
@Component(
    configurationPid = ForeignAgentInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
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
        description =
            "FA-HA associations, each HA_ADDRESS SPI hmac-md5|hmac-sha256 keystore:ALIAS|HEXKEY")
    String[] homeAgents() default {};

    @AttributeDefinition(
        name = "Mobile nodes",
        description =
            "MN-FA associations, each HOME_AGENT HOME_ADDRESS SPI ALGORITHM keystore:ALIAS|HEXKEY")
    String[] mobileNodes() default {};

    @AttributeDefinition(name = "Pending requests", description = "Beyond them: code 66")
    int maxPending() default 5;

    @AttributeDefinition(name = "Maximum lifetime (s)")
    int maxLifetime() default 600;

    @AttributeDefinition(name = "Advertisement interval (ms)")
    int advertisementIntervalMs() default 1000;

    @AttributeDefinition(
        name = "Link login",
        description =
            "Nodes whose access-link association keys their login (RFC 4721 MN-AAA), each NAI"
                + " HEXKEY (the node's master key); empty: no association, no link login")
    String[] linkLogin_masterKeys() default {};

    @AttributeDefinition(name = "Link key lifetime (s)")
    int linkLogin_keyLifetime() default 3600;
  }

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where the agent reports what it refuses. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  @Reference FabricService fabric;

  /** The tenant of each home agent on this appliance, by its public address, for the metrics. */
  private final HomeAgentTenants homeAgentTenants = new HomeAgentTenants();

  /** Registrations counted before counts by home agent, for the metrics. */
  private final ForeignAgentMetrics.Unattributed unattributed =
      new ForeignAgentMetrics.Unattributed();

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY)
  void bindHomeAgent(TunnelEndpoint homeAgent) {
    homeAgentTenants.bind(homeAgent);
  }

  void unbindHomeAgent(TunnelEndpoint homeAgent) {
    homeAgentTenants.unbind(homeAgent);
  }

  /** Where the visitor list outlives this component (and, persistent, the appliance). */
  @Reference VisitorStore visitorStore;

  /** Where its counters go on counting across updates. */
  @Reference CounterStore counterStore;

  /** Waited for, read on activation only: a new key service does not restart the agent. */
  @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
  volatile KeyService keyService;

  private final ConfigurationCheck check = new ConfigurationCheck();
  private ServiceRegistration<?> registration;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  void bindErrors(ConfigurationErrors errors) {
    check.bind(errors);
  }

  void unbindErrors(ConfigurationErrors errors) {
    check.unbind(errors);
  }

  private ForeignAgent engine;
  private Vrf access;
  private AccessPoint accessPoint; // null: no link login
  private ServiceRegistration<LinkKeyService> linkKeys;

  private String name;

  /** The agent's keys: FA-HA by home agent, MN-FA by (home agent, home address). */
  record AgentKeys(
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgents,
      Map<ForeignAgent.Mobile, MobilitySecurityAssociation> mobileNodes) {

    static AgentKeys read(Config config, ConfiguredKeys keys) {
      Map<Ipv4Address, MobilitySecurityAssociation> homeAgentKeys = new HashMap<>();
      keys.read(
          "homeAgents",
          () -> {
            keys.lastWords("homeAgents", ConfigList.items(config.homeAgents())).stream()
                .map(AssociationSpec::parse)
                .forEach(spec -> homeAgentKeys.put(spec.peer(), spec.toAssociation()));
            return null;
          });
      Map<ForeignAgent.Mobile, MobilitySecurityAssociation> mobileNodeKeys = new HashMap<>();
      keys.read(
          "mobileNodes",
          () -> {
            keys.lastWords("mobileNodes", ConfigList.items(config.mobileNodes()))
                .forEach(spec -> mobileNode(spec, mobileNodeKeys));
            return null;
          });
      return new AgentKeys(homeAgentKeys, mobileNodeKeys);
    }

    private static void mobileNode(
        String spec, Map<ForeignAgent.Mobile, MobilitySecurityAssociation> keys) {
      // HOME_AGENT, then the usual ADDRESS SPI ALGORITHM HEXKEY for the home address.
      int space = spec.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException(
            "expected HOME_AGENT HOME_ADDRESS SPI ALGORITHM KEY, not one word");
      }
      AssociationSpec a = AssociationSpec.parse(spec.substring(space + 1));
      keys.put(
          new ForeignAgent.Mobile(Ipv4Address.parse(spec.substring(0, space)), a.peer()),
          a.toAssociation());
    }
  }

  @Activate
  void activate(Config config, BundleContext context, Map<String, Object> configuration) {
    String pid = String.valueOf(configuration.get(Constants.SERVICE_PID));
    ConfiguredKeys configuredKeys = new ConfiguredKeys(keyService);
    AgentKeys agentKeys = check.read(pid, () -> AgentKeys.read(config, configuredKeys), LOG::error);
    if (agentKeys == null) {
      return; // refused: one line logged, listed by mvpn:info, nothing built
    }
    configuredKeys.warnInline(pid, LOG::warn);
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
    ForeignAgent.Config faConfig =
        new ForeignAgent.Config(
            Ipv4Address.parse(careOf.substring(0, slash)),
            config.maxLifetime(),
            TimeUnit.MILLISECONDS.toNanos(config.advertisementIntervalMs()),
            config.maxPending(),
            agentKeys.homeAgents(),
            agentKeys.mobileNodes());
    Map<String, Key> masterKeys = masterKeys(name, config.linkLogin_masterKeys());
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
                          name,
                          visitorStore,
                          counterStore,
                          fabric.epochOffsetNanos(),
                          homeAgentTenants::contains));
              fa.reportTo(securityEvents);
              if (!masterKeys.isEmpty()) {
                accessPoint =
                    new AccessPoint(
                        new AccessPoint.Config(
                            faConfig.careOf(), masterKeys, null, config.linkLogin_keyLifetime()),
                        access,
                        accessInterface);
                accessPoint.start();
                fa.requireLinkLogin(accessPoint);
              }
              fa.start();
              return fa;
            });
    if (accessPoint != null) {
      Hashtable<String, Object> properties = new Hashtable<>();
      properties.put("mvpn.agent", name);
      linkKeys =
          context.registerService(
              LinkKeyService.class, new LinkKeysOnLoop(fabric, access, accessPoint), properties);
    }
    registration =
        context.registerService(
            new String[] {ForeignAgentService.class.getName(), MetricSource.class.getName()},
            this,
            ServiceProperties.of(configuration, "homeAgents", "mobileNodes"));
    LOG.info("foreign agent {} up at {} with {} visitors", name, careOf, engine.visitors().size());
  }

  /**
   * "NAI HEXKEY" items: each node's master key for the access link's association. A bad item is
   * named by its position only: its text may be a key (an item whose NAI was left out).
   */
  static Map<String, Key> masterKeys(String agent, String[] items) {
    Map<String, Key> keys = new HashMap<>();
    int index = 0;
    for (String item : ConfigList.items(items)) {
      index++;
      String[] f = item.trim().split("\\s+");
      byte[] key = f.length == 2 && f[1].length() >= 32 ? hexOrNull(f[1]) : null;
      if (key == null) {
        throw new IllegalArgumentException(
            "foreign agent "
                + agent
                + ": linkLogin.masterKeys item "
                + index
                + ": expected NAI HEXKEY (at least 16 bytes of hex)");
      }
      keys.put(f[0], new SecretKeySpec(key, "HmacSHA256"));
    }
    return keys;
  }

  private static byte[] hexOrNull(String hex) {
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException notHex) {
      return null;
    }
  }

  @Deactivate
  void deactivate() {
    check.withdraw();
    if (registration == null) {
      return; // its configuration was refused: nothing was built
    }
    registration.unregister();
    if (linkKeys != null) {
      linkKeys.unregister();
    }
    fabric.onLoop(
        access,
        () -> {
          if (accessPoint != null) {
            accessPoint.stop();
          }
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
    ForeignAgentMetrics.collect(
        sink,
        name,
        visitorStore.visitors(name),
        engine,
        homeAgentTenants.byAddress(),
        unattributed);
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

  @Override
  public Map<Ipv4Address, HomeAgentFigures> byHomeAgent() {
    return engine.byHomeAgent();
  }

  @Override
  public long nanoTime() {
    return engine.nanoTime();
  }
}
