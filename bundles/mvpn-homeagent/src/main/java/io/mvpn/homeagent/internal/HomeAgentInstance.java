package io.mvpn.homeagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.config.ConfigurationCheck;
import io.mvpn.api.config.ConfigurationErrors;
import io.mvpn.api.config.ServiceProperties;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.keys.KeyService;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.homeagent.HomeAgent;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.RegistrationAdmission;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.homeagent.SecurityGatewaySpec;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * One tenant's virtual home agent, made from {@code etc/io.mvpn.homeagent-<tenant>.cfg}. It binds
 * its tenant's service (the {@code tenant.target} filter), so it comes up when the tenant does and
 * goes with it, and registers as a {@link TunnelEndpoint} for the dispatcher. Its keys are inline
 * hex or {@code keystore:ALIAS}, read from the {@link KeyService} on activation; a key it cannot
 * read refuses the configuration in one ERROR line (listed by {@code mvpn:info}) and registers
 * nothing, which is why it registers its services by hand. IPsec inside its tunnel (seed 002 claim
 * 24) is another function's: the {@link InnerTunnelSecurity} registered with its tenant's {@code
 * mvpn.tenant}, which it asks about every datagram while that service is there.
 */
// Registered by hand, only for a configuration that reads: said here for resolvers.
@Capability(
    namespace = "osgi.service",
    attribute =
        "objectClass:List<String>=\"io.mvpn.homeagent.HomeAgent,"
            + "io.mvpn.net.dispatch.TunnelEndpoint,io.mvpn.api.metrics.MetricSource\"",
    uses = {HomeAgent.class, TunnelEndpoint.class, MetricSource.class})
@Component(
    configurationPid = HomeAgentInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {})
@Designate(ocd = HomeAgentInstance.Config.class, factory = true)
public final class HomeAgentInstance implements HomeAgent, MetricSource {

  public static final String PID = "io.mvpn.homeagent";

  private static final Logger LOG = LoggerFactory.getLogger(HomeAgentInstance.class);

  @ObjectClassDefinition(name = "mvpn virtual home agent", description = "One tenant's home agent")
  public @interface Config {
    @AttributeDefinition(name = "Tenant id")
    String mvpn_tenant();

    @AttributeDefinition(
        name = "Tenant filter",
        description = "(mvpn.tenant=<id>): the home agent runs while its tenant exists")
    String tenant_target();

    @AttributeDefinition(name = "Address", description = "Public, unique across tenants")
    String address();

    @AttributeDefinition(
        name = "Home interface",
        description = "Tenant VRF interface on the home network (proxy ARP); empty for none")
    String homeInterface() default "";

    @AttributeDefinition(
        name = "Mobile nodes",
        description =
            "MN-HA associations, each HOME_ADDRESS SPI hmac-md5|hmac-sha256 keystore:ALIAS|HEXKEY")
    String[] mobileNodes() default {};

    @AttributeDefinition(
        name = "Foreign agents",
        description =
            "FA-HA associations, each FA_ADDRESS SPI hmac-md5|hmac-sha256 keystore:ALIAS|HEXKEY")
    String[] foreignAgents() default {};

    @AttributeDefinition(
        name = "Security gateways",
        description =
            "Gateway-HA associations for seed 001's SIU, each GATEWAY_ADDRESS SPI ALGORITHM keystore:ALIAS|HEXKEY;"
                + " requests from the tenant's home realms on the public side came through them")
    String[] securityGateways() default {};

    @AttributeDefinition(name = "Maximum lifetime (s)")
    int maxLifetime() default 600;

    @AttributeDefinition(name = "Timestamp tolerance (s)", description = "RFC 5944 §5.7: > 3")
    int replayTolerance() default 7;

    @AttributeDefinition(
        name = "Registrations per second",
        description =
            "Requests worked on per second at most (a quarter kept for bound nodes' refreshes);"
                + " the excess is dropped unread and counted as shed_overload")
    int maxRegistrationsPerSecond() default RegistrationAdmission.DEFAULT_PER_SECOND;
  }

  @Reference FabricService fabric;

  @Reference BindingStore store;

  @Reference CounterStore counters;

  @Reference(name = "tenant")
  Tenant tenant;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /**
   * Waited for, read on activation only: a new key service (a keystore reopened, its bundle
   * updated) does not restart the home agent; a changed key counts from its next activation.
   */
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

  /** Where the engines report what they refuse. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  private volatile VirtualHomeAgent engine;
  private volatile Vrf publicVrf;
  private volatile String tenantName;

  /** Every tenant's inner IPsec layer with its {@code mvpn.tenant}: ours is the one used. */
  private final Map<InnerTunnelSecurity, Object> innerLayers = new ConcurrentHashMap<>();

  @Reference(
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      service = InnerTunnelSecurity.class)
  void bindInnerSecurity(InnerTunnelSecurity layer, Map<String, Object> properties) {
    innerLayers.put(layer, String.valueOf(properties.get("mvpn.tenant")));
    protectInner();
  }

  void unbindInnerSecurity(InnerTunnelSecurity layer) {
    innerLayers.remove(layer);
    protectInner();
  }

  /** Hands the engine its tenant's inner IPsec layer, or none, on its loop. */
  private synchronized void protectInner() {
    VirtualHomeAgent running = engine;
    String id = tenantName;
    if (running == null || id == null) {
      return; // activation hands it over
    }
    InnerTunnelSecurity ours =
        innerLayers.entrySet().stream()
            .filter(e -> id.equals(e.getValue()))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    fabric.onLoop(
        publicVrf,
        () -> {
          running.protectInnerWith(ours);
          return null;
        });
  }

  private HomeAgentMetrics metrics;

  /** The three key lists as the engine takes them. */
  record Associations(
      List<AssociationSpec> mobileNodes,
      List<AssociationSpec> foreignAgents,
      List<AssociationSpec> securityGateways) {

    /** Reads each list's ADDRESS SPI ALGORITHM KEY entries, the keys through the keystore. */
    static Associations read(Config config, ConfiguredKeys keys) {
      return new Associations(
          associations("mobileNodes", config.mobileNodes(), keys),
          associations("foreignAgents", config.foreignAgents(), keys),
          associations("securityGateways", config.securityGateways(), keys));
    }

    private static List<AssociationSpec> associations(
        String field, String[] values, ConfiguredKeys keys) {
      return keys.read(
          field,
          () ->
              keys.lastWords(field, ConfigList.items(values)).stream()
                  .map(AssociationSpec::parse)
                  .toList());
    }
  }

  @Activate
  void activate(BundleContext context, Config config, Map<String, Object> properties) {
    MvpnId id = MvpnId.of(config.mvpn_tenant());
    if (!tenant.id().equals(id)) {
      throw new IllegalArgumentException(
          "home agent of " + id + " bound tenant " + tenant.id() + ": check tenant.target");
    }
    String pid = String.valueOf(properties.get(Constants.SERVICE_PID));
    ConfiguredKeys configuredKeys = new ConfiguredKeys(keyService);
    Associations associations =
        check.read(pid, () -> Associations.read(config, configuredKeys), LOG::error);
    if (associations == null) {
      return; // refused: one line logged, listed by mvpn:info, nothing runs
    }
    configuredKeys.warnInline(pid, LOG::warn);
    List<AssociationSpec> keys = associations.mobileNodes();
    List<SecurityGatewaySpec> gateways =
        associations.securityGateways().stream()
            .map(k -> new SecurityGatewaySpec(k, tenant.homeRealms()))
            .toList();
    HomeAgentConfig haConfig =
        new HomeAgentConfig(
            id,
            Ipv4Address.parse(config.address()),
            tenant.homeRealms(),
            keys,
            config.maxLifetime(),
            config.replayTolerance(),
            config.homeInterface().isBlank() ? null : config.homeInterface(),
            associations.foreignAgents(),
            gateways);
    publicVrf =
        fabric
            .vrf(FabricService.PUBLIC_VRF)
            .orElseThrow(() -> new IllegalStateException("the fabric has no public VRF"));
    Vrf tenantVrf = fabric.tenantVrf(id);
    engine =
        fabric.onLoop(
            publicVrf,
            () -> {
              VirtualHomeAgent ha =
                  new VirtualHomeAgent(
                      haConfig,
                      publicVrf,
                      tenantVrf,
                      // Stored expiries are wall-clock time: seen on the fabric's clock.
                      store.onClock(fabric.epochOffsetNanos()),
                      fabric.epochOffsetNanos(),
                      new RegistrationStats(counters, RegistrationStats.scope(id.toString())));
              ha.reportTo(securityEvents);
              ha.admitAtMost(config.maxRegistrationsPerSecond());
              ha.start();
              return ha;
            });
    tenantName = id.toString();
    protectInner();
    metrics = new HomeAgentMetrics(id, engine.stats(), store);
    registration =
        context.registerService(
            new String[] {
              HomeAgent.class.getName(),
              TunnelEndpoint.class.getName(),
              MetricSource.class.getName()
            },
            this,
            ServiceProperties.of(properties, "mobileNodes", "foreignAgents", "securityGateways"));
    LOG.info(
        "home agent of {} up at {} with {} mobile node keys", id, haConfig.address(), keys.size());
  }

  @Deactivate
  void deactivate() {
    synchronized (this) {
      // Under protectInner's lock: a layer coming or going from now on finds no tenant and leaves
      // the stopping engine alone (a call onto its loop could block its unbind for long). The
      // engine itself stays for datagrams already on their way through the unregistered service.
      tenantName = null;
    }
    check.withdraw();
    if (registration == null) {
      return; // its configuration was refused: nothing runs
    }
    registration.unregister();
    registration = null;
    VirtualHomeAgent stopping = engine;
    fabric.onLoop(
        publicVrf,
        () -> {
          stopping.stop();
          return null;
        });
    LOG.info("home agent of {} down; its bindings stay in the store", engine.tenant());
  }

  @Override
  public void collect(MetricSink sink) {
    metrics.collect(sink);
  }

  @Override
  public HomeAgentConfig config() {
    return engine.config();
  }

  @Override
  public RegistrationStats stats() {
    return engine.stats();
  }

  @Override
  public Ipv4Address address() {
    return engine.address();
  }

  @Override
  public MvpnId tenant() {
    return engine.tenant();
  }

  @Override
  public void registration(Vrf vrf, Interface ingress, UdpDatagram datagram) {
    engine.registration(vrf, ingress, datagram);
  }

  @Override
  public void tunnelled(Vrf vrf, Interface ingress, Ipv4Packet outer) {
    engine.tunnelled(vrf, ingress, outer);
  }
}
