package io.mvpn.aodv.internal;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.MobilityRouter;
import io.mvpn.aodv.MobilityRouterService;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mobility router, from {@code etc/io.mvpn.aodv-<name>.cfg}: a VRF of its own with one
 * interface per radio link, all holding the router's address, and every RFC 3561 §10 parameter
 * settable (defaults: the RFC's).
 */
@Component(
    configurationPid = MobilityRouterInstance.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true,
    service = {MobilityRouterService.class, MetricSource.class})
@Designate(ocd = MobilityRouterInstance.Config.class, factory = true)
public final class MobilityRouterInstance implements MobilityRouterService, MetricSource {

  public static final String PID = "io.mvpn.aodv";

  private static final Logger LOG = LoggerFactory.getLogger(MobilityRouterInstance.class);

  @ObjectClassDefinition(name = "mvpn mobility router", description = "An AODV router (RFC 3561)")
  public @interface Config {
    @AttributeDefinition(name = "Name", description = "Names its VRF and interfaces, e.g. mr1")
    String name();

    @AttributeDefinition(name = "Address", description = "The router's address on every link")
    String address();

    @AttributeDefinition(name = "Links", description = "One transport per radio link, e.g. mem:l1")
    String[] links();

    long activeRouteTimeoutMillis() default 3000;

    int allowedHelloLoss() default 2;

    long helloIntervalMillis() default 1000;

    int netDiameter() default 35;

    long nodeTraversalTimeMillis() default 40;

    int rreqRetries() default 2;

    int rreqRatelimit() default 10;

    int rerrRatelimit() default 10;

    int ttlStart() default 1;

    int ttlIncrement() default 2;

    int ttlThreshold() default 7;

    long myRouteTimeoutMillis() default 6000;

    int timeoutBuffer() default 2;

    int localAddTtl() default 2;

    @AttributeDefinition(description = "Derived values: 0 computes them as RFC 3561 §10 does")
    long netTraversalTimeMillis() default 0;

    long pathDiscoveryTimeMillis() default 0;

    long deletePeriodMillis() default 0;

    long blacklistTimeoutMillis() default 0;

    long nextHopWaitMillis() default 0;

    int maxRepairTtl() default 0;

    boolean helloMessages() default true;

    boolean expandingRingSearch() default true;

    @AttributeDefinition(description = "Repair broken routes locally (RFC 3561 §6.12, a MAY)")
    boolean localRepair() default false;

    @AttributeDefinition(description = "Set G on originated RREQs (§6.6.3)")
    boolean gratuitousRreps() default false;

    @AttributeDefinition(
        description =
            "Ask for a RREP-ACK on every RREP sent; silent neighbours are blacklisted (§6.8)")
    boolean rrepAcks() default false;

    @AttributeDefinition(
        description = "Rebroadcast RREQs per second (a flood cap; not in RFC 3561)")
    int rreqForwardLimit() default 100;

    @AttributeDefinition(
        description = "Seed 002 weighted expanding ring search: RREQs go only where weights allow")
    boolean weightedRingSearch() default false;

    @AttributeDefinition(
        description = "Weight of each link, in the order of links (missing ones weigh 1)")
    int[] linkWeights() default {};

    @AttributeDefinition(
        description = "Seed 002 gratuitous RREP refresh: lead before expiry, ms (0 = off)")
    long refreshLeadMillis() default 0;

    @AttributeDefinition(
        description = "Originator's new discovery this long before its route expires (0 = off)")
    long rerequestLeadMillis() default 0;
  }

  @Reference FabricService fabric;

  private String name;
  private Vrf vrf;
  private MobilityRouter router;
  private final List<String> links = new ArrayList<>();

  @Activate
  void activate(Config config) {
    name = config.name();
    AodvParameters computed =
        AodvParameters.builder()
            .activeRouteTimeoutMillis(config.activeRouteTimeoutMillis())
            .allowedHelloLoss(config.allowedHelloLoss())
            .helloIntervalMillis(config.helloIntervalMillis())
            .netDiameter(config.netDiameter())
            .nodeTraversalTimeMillis(config.nodeTraversalTimeMillis())
            .rreqRetries(config.rreqRetries())
            .rreqRatelimit(config.rreqRatelimit())
            .rerrRatelimit(config.rerrRatelimit())
            .ttlStart(config.ttlStart())
            .ttlIncrement(config.ttlIncrement())
            .ttlThreshold(config.ttlThreshold())
            .myRouteTimeoutMillis(config.myRouteTimeoutMillis())
            .timeoutBuffer(config.timeoutBuffer())
            .localAddTtl(config.localAddTtl())
            .helloMessages(config.helloMessages())
            .expandingRingSearch(config.expandingRingSearch())
            .weightedRingSearch(config.weightedRingSearch())
            .refreshLeadMillis(config.refreshLeadMillis())
            .rerequestLeadMillis(config.rerequestLeadMillis())
            .rreqForwardLimit(config.rreqForwardLimit())
            .localRepair(config.localRepair())
            .gratuitousRreps(config.gratuitousRreps())
            .rrepAcks(config.rrepAcks())
            .build();
    AodvParameters parameters = derivedOverrides(config, computed).requireValid();
    Ipv4Address self = Ipv4Address.parse(config.address());
    vrf = fabric.createVrf(name);
    int i = 0;
    try {
      for (String link : ConfigList.items(config.links())) {
        String ifname = name + "-l" + i++;
        fabric.configureInterface(vrf.name(), ifname, self + "/32", link, List.of());
        links.add(ifname);
      }
    } catch (RuntimeException e) {
      // A bad link leaves nothing half-made behind.
      links.forEach(fabric::removeInterface);
      links.clear();
      throw e;
    }
    router =
        fabric.onLoop(
            vrf,
            () -> {
              List<Interface> ifaces = new ArrayList<>();
              for (String l : links) {
                ifaces.add(vrf.getInterface(l));
              }
              MobilityRouter r = new MobilityRouter(self, vrf, ifaces, parameters);
              int[] weights = config.linkWeights();
              for (int w = 0; w < weights.length && w < links.size(); w++) {
                r.setLinkWeight(links.get(w), weights[w]);
              }
              r.start();
              return r;
            });
    LOG.info("mobility router {} up at {} on {} links", name, self, links.size());
  }

  /**
   * The derived §10 values an operator set explicitly (0 keeps the computed one). The others stay
   * as computed from the base values: an override moves nothing that the RFC derives from it.
   */
  private static AodvParameters derivedOverrides(Config c, AodvParameters p) {
    AodvParameters.Builder b = p.toBuilder();
    overrideIfSet(c.blacklistTimeoutMillis(), b::blacklistTimeoutMillis);
    overrideIfSet(c.deletePeriodMillis(), b::deletePeriodMillis);
    overrideIfSet(c.maxRepairTtl(), v -> b.maxRepairTtl((int) v));
    overrideIfSet(c.netTraversalTimeMillis(), b::netTraversalTimeMillis);
    overrideIfSet(c.nextHopWaitMillis(), b::nextHopWaitMillis);
    overrideIfSet(c.pathDiscoveryTimeMillis(), b::pathDiscoveryTimeMillis);
    return b.build();
  }

  private static void overrideIfSet(long configured, LongConsumer override) {
    if (configured > 0) {
      override.accept(configured);
    }
  }

  @Deactivate
  void deactivate() {
    fabric.onLoop(
        vrf,
        () -> {
          router.stop();
          return null;
        });
    links.forEach(fabric::removeInterface);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void collect(MetricSink sink) {
    AodvMetrics.collect(name, routes().size(), counters(), sink);
  }

  @Override
  public Ipv4Address address() {
    return router.address();
  }

  @Override
  public List<RouteEntry> routes() {
    return fabric.onLoop(vrf, router::routes);
  }

  @Override
  public List<Ipv4Address> neighbours() {
    return fabric.onLoop(vrf, router::neighbours);
  }

  @Override
  public Map<AodvCounter, Long> counters() {
    return fabric.onLoop(
        vrf,
        () -> {
          Map<AodvCounter, Long> m = new EnumMap<>(AodvCounter.class);
          for (AodvCounter c : AodvCounter.values()) {
            m.put(c, router.counter(c));
          }
          return m;
        });
  }

  @Override
  public AodvParameters parameters() {
    return router.parameters();
  }
}
