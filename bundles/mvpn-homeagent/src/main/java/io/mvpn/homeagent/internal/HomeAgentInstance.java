package io.mvpn.homeagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.events.SecurityEventsRelay;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.homeagent.HomeAgent;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.homeagent.SecurityGatewaySpec;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.udp.UdpDatagram;
import java.util.List;
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
 * One tenant's virtual home agent, made from {@code etc/io.mvpn.homeagent-<tenant>.cfg}. It binds
 * its tenant's service (the {@code tenant.target} filter), so it comes up when the tenant does and
 * goes with it, and registers as a {@link TunnelEndpoint} for the dispatcher.
 */
@Component(
    configurationPid = HomeAgentInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {HomeAgent.class, TunnelEndpoint.class, MetricSource.class})
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
        description = "MN-HA associations, each HOME_ADDRESS SPI hmac-md5|hmac-sha256 HEXKEY")
    String[] mobileNodes() default {};

    @AttributeDefinition(
        name = "Foreign agents",
        description = "FA-HA associations, each FA_ADDRESS SPI hmac-md5|hmac-sha256 HEXKEY")
    String[] foreignAgents() default {};

    @AttributeDefinition(
        name = "Security gateways",
        description =
            "Gateway-HA associations for seed 001's SIU, each GATEWAY_ADDRESS SPI ALGORITHM HEXKEY;"
                + " requests from the tenant's home realms on the public side came through them")
    String[] securityGateways() default {};

    @AttributeDefinition(name = "Maximum lifetime (s)")
    int maxLifetime() default 600;

    @AttributeDefinition(name = "Timestamp tolerance (s)", description = "RFC 5944 §5.7: > 3")
    int replayTolerance() default 7;
  }

  @Reference FabricService fabric;

  @Reference BindingStore store;

  @Reference CounterStore counters;

  @Reference(name = "tenant")
  Tenant tenant;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile SecurityEvents boundEvents;

  /** Where the engines report what they refuse. */
  private final SecurityEventsRelay securityEvents = new SecurityEventsRelay(() -> boundEvents);

  private VirtualHomeAgent engine;
  private Vrf publicVrf;
  private HomeAgentMetrics metrics;

  /** Comma-separated or multi-valued ADDRESS SPI ALGORITHM HEXKEY entries. */
  private static List<AssociationSpec> associations(String[] values) {
    return ConfigList.items(values).stream().map(AssociationSpec::parse).toList();
  }

  @Activate
  void activate(Config config) {
    MvpnId id = MvpnId.of(config.mvpn_tenant());
    if (!tenant.id().equals(id)) {
      throw new IllegalArgumentException(
          "home agent of " + id + " bound tenant " + tenant.id() + ": check tenant.target");
    }
    List<AssociationSpec> keys = associations(config.mobileNodes());
    List<SecurityGatewaySpec> gateways =
        associations(config.securityGateways()).stream()
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
            associations(config.foreignAgents()),
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
              ha.start();
              return ha;
            });
    metrics = new HomeAgentMetrics(id, engine.stats(), store);
    LOG.info(
        "home agent of {} up at {} with {} mobile node keys", id, haConfig.address(), keys.size());
  }

  @Deactivate
  void deactivate() {
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
