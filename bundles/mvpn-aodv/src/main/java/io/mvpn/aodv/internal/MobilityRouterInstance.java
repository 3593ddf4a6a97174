package io.mvpn.aodv.internal;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.aodv.AodvParameters;
import io.mvpn.aodv.DhcpAccess;
import io.mvpn.aodv.DhcpLease;
import io.mvpn.aodv.MobilityRouter;
import io.mvpn.aodv.MobilityRouterService;
import io.mvpn.aodv.PkiPolicy;
import io.mvpn.aodv.SiteGateway;
import io.mvpn.aodv.SiteNode;
import io.mvpn.aodv.SitePolicy;
import io.mvpn.aodv.pki.DirectoryCertificateSource;
import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.aaa.NodeAuthority;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
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
 * One mobility router, from {@code etc/io.mvpn.aodv-<name>.cfg}: a VRF of its own with one
 * interface per radio link, all holding the router's address, and every RFC 3561 §10 parameter
 * settable (defaults: the RFC's). A tenant's site gateway (seed 002 c14-15) runs in the tenant's
 * VRF instead, so the site's addresses live in the tenant's realm (overlapping other tenants').
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

    @AttributeDefinition(
        description =
            "Seed 002 c40-49: the realm of the site's MSM; set, this router is a sink that admits"
                + " nodes with authenticated hellos only after their home MSM said yes (empty: off)")
    String siteRealm() default "";

    @AttributeDefinition(description = "The foreign agent visitors get as their default gateway")
    String foreignAgent() default "";

    @AttributeDefinition(
        description =
            "Access links, by index in links: a neighbour there is heard only once admitted")
    int[] accessLinks() default {};

    @AttributeDefinition(
        description =
            "Seed 002 c57-62: links, by index in links, where nodes that speak only DHCP enter with"
                + " a DHCP hello and the sink acts for them in AODV (needs siteRealm)")
    int[] dhcpLinks() default {};

    @AttributeDefinition(description = "The subnet mask length DHCP nodes are given")
    int dhcpPrefixLength() default 24;

    @AttributeDefinition(description = "The DHCP lease time, seconds")
    long dhcpLeaseSeconds() default DhcpAccess.DEFAULT_LEASE_SECONDS;

    @AttributeDefinition(
        name = "authority.target",
        description =
            "Which node authority checks hellos, e.g. the sink's Diameter node:"
                + " (originHost=sink.acme.example)")
    String authority_target() default "(originHost=*)";

    @AttributeDefinition(
        description =
            "Seed 002 c50-56: this router's certificate (PEM or DER), issued by its MSM's CA;"
                + " set, a sink checks PKI hellos and signs its answers (empty: no PKI hellos)")
    String pkiCertificate() default "";

    @AttributeDefinition(description = "Its private key, unencrypted PKCS#8 (EC P-256/P-384)")
    String pkiKey() default "";

    @AttributeDefinition(description = "The MSM's CA certificate: the PKI hellos' trust anchor")
    String pkiTrustAnchor() default "";

    @AttributeDefinition(description = "The MSM CA's CRL; set, revoked certificates are refused")
    String pkiCrl() default "";

    @AttributeDefinition(
        description = "The MSM's DNS, HOST:PORT, for certificates hellos only refer to (CERT RR)")
    String pkiCertificateDns() default "";

    @AttributeDefinition(
        description =
            "Fetch certificates hellos only refer to from the MSM over Diameter instead (c56)")
    boolean pkiCertificatesFromMsm() default false;

    @AttributeDefinition(
        description = "As a node: send a reference to the certificate under this DNS name instead")
    String pkiReferenceName() default "";

    // Seed 002 c14-15: the router as a part of a tenant's AODV site.
    @AttributeDefinition(
        description =
            "The tenant whose site this router belongs to, e.g. acme (empty: a standalone router)")
    String tenant() default "";

    @AttributeDefinition(
        description =
            "c14: this router is the site's gateway to the tenant's home network: it runs in the"
                + " tenant's VRF (beside its home agent) and answers for what lies outside siteRange")
    boolean siteGateway() default false;

    @AttributeDefinition(
        description =
            "The site's addresses in the tenant's realm, e.g. 10.1.200.0/24; the gateway takes"
                + " this route in the tenant's VRF (the VRF's default route stays the tenant's)")
    String siteRange() default "";

    @AttributeDefinition(
        description =
            "c15: the gateway acts as home agent of the site's nodes: it also answers for a node"
                + " of the site while the tenant's home agent holds a binding of it")
    boolean gatewayAsHomeAgent() default false;
  }

  @Reference FabricService fabric;

  /**
   * Where the router counts, in scope {@code aodv/<name>} ({@link #scope}), so the router that
   * follows an update goes on from the same totals.
   */
  @Reference CounterStore counterStore;

  /** The scope of a router's counters in the counter store: its name, as its metrics say. */
  static String scope(String name) {
    return "aodv/" + name;
  }

  /** Who checks entering nodes (seed 002 c41): the site's Diameter node, chosen by the cfg. */
  @Reference(
      name = "authority",
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC)
  volatile NodeAuthority authority;

  /** The home agents' bindings, for a gateway acting as home agent (c15); none: no node away. */
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  volatile BindingStore bindings;

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
    PkiPolicy pki =
        PkiSettings.read(
            config.pkiCertificate(),
            config.pkiKey(),
            config.pkiTrustAnchor(),
            config.pkiCrl(),
            config.pkiCertificateDns(),
            config.pkiCertificatesFromMsm()
                ? new DirectoryCertificateSource(
                    NodeAuthority.whicheverIsBound(() -> authority)::certificates)
                : null,
            config.pkiReferenceName());
    SiteGateway gateway = siteGateway(config);
    vrf =
        gateway == null
            ? fabric.createVrf(name)
            : fabric.tenantVrf(MvpnId.of(config.tenant().trim()));
    int i = 0;
    try {
      for (String link : ConfigList.items(config.links())) {
        String ifname = name + "-l" + i++;
        fabric.configureInterface(vrf.name(), ifname, self + "/32", link, List.of());
        links.add(ifname);
      }
      router =
          fabric.onLoop(
              vrf,
              () -> {
                List<Interface> ifaces = new ArrayList<>();
                for (String l : links) {
                  ifaces.add(vrf.getInterface(l));
                }
                MobilityRouter r =
                    new MobilityRouter(self, vrf, ifaces, parameters, counterStore, scope(name));
                int[] weights = config.linkWeights();
                for (int w = 0; w < weights.length && w < links.size(); w++) {
                  r.setLinkWeight(links.get(w), weights[w]);
                }
                if (!config.siteRealm().isBlank()) {
                  r.setSitePolicy(sitePolicy(config));
                  if (config.dhcpLinks().length > 0) {
                    r.setDhcpAccess(
                        new DhcpAccess(
                            indexedLinks(config.dhcpLinks(), "DHCP"),
                            config.dhcpPrefixLength(),
                            config.dhcpLeaseSeconds(),
                            List.of()));
                  }
                }
                r.setPkiPolicy(pki);
                if (gateway != null) {
                  r.serve(gateway.site());
                  r.setGatewayFor(gateway);
                }
                r.start();
                return r;
              });
    } catch (RuntimeException e) {
      // A bad link or setting (a DHCP or access link index, a PKI key) leaves nothing behind.
      links.forEach(fabric::removeInterface);
      links.clear();
      throw e;
    }
    LOG.info(
        "mobility router {} up at {} on {} links in VRF {}", name, self, links.size(), vrf.name());
  }

  /**
   * The site's gateway (c14-15) when this router is one, else null. A gateway shares its tenant's
   * VRF with the home agent, so what the site sends beyond it leaves by the tenant's own routes.
   */
  private SiteGateway siteGateway(Config config) {
    if (config.gatewayAsHomeAgent() && !config.siteGateway()) {
      throw new IllegalArgumentException("gatewayAsHomeAgent needs siteGateway = true");
    }
    if (!config.siteGateway()) {
      return null;
    }
    if (config.tenant().isBlank() || config.siteRange().isBlank()) {
      throw new IllegalArgumentException("a site gateway needs its tenant and siteRange");
    }
    SiteGateway gateway = SiteGateway.of(Prefix.parse(config.siteRange().trim()));
    if (!config.gatewayAsHomeAgent()) {
      return gateway;
    }
    MvpnId tenant = MvpnId.of(config.tenant().trim());
    return gateway.actingAsHomeAgent(
        node -> {
          BindingStore store = bindings;
          return store != null && !store.bindings(tenant, node).isEmpty();
        });
  }

  /** The sink's policy; a hello that arrives while no authority is bound is unreachable. */
  private SitePolicy sitePolicy(Config config) {
    return new SitePolicy(
        NodeAuthority.whicheverIsBound(() -> authority),
        config.siteRealm().trim(),
        Ipv4Address.parse(config.foreignAgent()),
        indexedLinks(config.accessLinks(), "access"));
  }

  /** The interfaces that {@code indexes} name in links. */
  private Set<String> indexedLinks(int[] indexes, String kind) {
    Set<String> named = new HashSet<>();
    for (int index : indexes) {
      if (index < 0 || index >= links.size()) {
        throw new IllegalArgumentException(kind + " link " + index + " of " + links.size());
      }
      named.add(links.get(index));
    }
    return named;
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
  public List<SiteNode> siteNodes() {
    return fabric.onLoop(vrf, router::siteNodes);
  }

  @Override
  public List<DhcpLease> dhcpLeases() {
    return fabric.onLoop(vrf, router::dhcpLeases);
  }

  @Override
  public AodvParameters parameters() {
    return router.parameters();
  }
}
