package io.mvpn.rest.internal;

import io.mvpn.api.MvpnId;
import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.tenant.Tenant;
import io.mvpn.api.tenant.TenantService;
import io.mvpn.ipsec.gateway.SecurityGatewayService;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.TunnelEndpoint;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.rest.ApplianceView;
import io.mvpn.rest.HandoverHistory;
import io.mvpn.rest.TrafficHistory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The appliance as the API shows it, read from services the way the shell commands read them:
 * tenants and bindings from the tenant service and the binding store, running home agents as the
 * dispatcher sees them (their {@link TunnelEndpoint}s) with what their configurations give them,
 * visitors from the visitor store, SAs from the security gateways, routes from the fabric, counters
 * from every metric source, events from the security events service. No function's own classes: any
 * function can be updated under the API.
 */
final class ServiceView implements ApplianceView {

  private final TenantService tenants;
  private final BindingStore bindings;
  private final FabricService fabric;
  private final CounterStore counters;
  private final VisitorStore visitors;
  private final Supplier<List<TunnelEndpoint>> homeAgents;
  private final Configured configured;
  private final Supplier<List<SecurityGatewayService>> gateways;
  private final Supplier<List<MetricSource>> sources;
  private final SecurityEvents events;
  private final Clock clock;
  private final HandoverHistory handovers;
  private final TrafficHistory traffic;

  /** What the configurations say where no service tells it. */
  interface Configured {
    /** The home agent configuration of a tenant: its keys and maximum lifetime, if configured. */
    Optional<HomeAgentSettings> homeAgent(String tenant);

    /** The names of the configured foreign agents. */
    List<String> foreignAgents();

    /** The configured foreign agents' names by their care-of addresses. */
    Map<String, String> foreignAgentsByCareOf();
  }

  record HomeAgentSettings(int mobileNodes, int maxLifetime) {}

  ServiceView(
      TenantService tenants,
      BindingStore bindings,
      FabricService fabric,
      CounterStore counters,
      VisitorStore visitors,
      Supplier<List<TunnelEndpoint>> homeAgents,
      Configured configured,
      Supplier<List<SecurityGatewayService>> gateways,
      Supplier<List<MetricSource>> sources,
      SecurityEvents events,
      Clock clock,
      HandoverHistory handovers,
      TrafficHistory traffic) {
    this.tenants = tenants;
    this.bindings = bindings;
    this.fabric = fabric;
    this.counters = counters;
    this.visitors = visitors;
    this.homeAgents = homeAgents;
    this.configured = configured;
    this.gateways = gateways;
    this.sources = sources;
    this.events = events;
    this.clock = clock;
    this.handovers = handovers;
    this.traffic = traffic;
  }

  @Override
  public List<TenantView> tenants() {
    return tenants.getTenants().stream().map(this::view).toList();
  }

  @Override
  public Optional<TenantView> tenant(String name) {
    return id(name).flatMap(tenants::getTenant).map(this::view);
  }

  private TenantView view(Tenant t) {
    HomeAgentView ha =
        homeAgents.get().stream()
            .filter(h -> h.tenant().equals(t.id()))
            .findFirst()
            .map(
                h -> {
                  HomeAgentSettings settings =
                      configured.homeAgent(t.id().toString()).orElse(new HomeAgentSettings(0, 0));
                  return new HomeAgentView(
                      h.address().toString(),
                      settings.mobileNodes(),
                      settings.maxLifetime(),
                      counters.snapshot("homeagent/" + t.id()));
                })
            .orElse(null);
    return new TenantView(
        t.id().toString(),
        t.description(),
        t.homeRealms().stream().map(Object::toString).toList(),
        ha,
        bindings.bindings(t.id()).size());
  }

  @Override
  public List<BindingView> bindings(String tenant) {
    Optional<MvpnId> id = id(tenant);
    if (id.isEmpty()) {
      return List.of();
    }
    // Stored times are on the fabric's clock seen through the view, as mvpn:bindings reads them.
    long now =
        fabric.vrf(FabricService.PUBLIC_VRF).map(Vrf::scheduler).map(s -> s.nanoTime()).orElse(0L);
    return bindings.onClock(fabric.epochOffsetNanos()).bindings(id.get()).stream()
        .map(b -> view(b, now))
        .toList();
  }

  private static BindingView view(Binding b, long now) {
    return new BindingView(
        b.homeAddress().toString(),
        b.careOfAddress().toString(),
        b.homeAgent().toString(),
        b.lifetimeSeconds(),
        b.remainingSeconds(now),
        b.flags(),
        b.encapsulation().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        b.source().toString(),
        b.sourcePort());
  }

  @Override
  public List<VisitorView> visitors() {
    long now = clock.millis() * 1_000_000L;
    List<VisitorView> all = new ArrayList<>();
    for (String agent : configured.foreignAgents()) {
      for (VisitorEntry v : visitors.visitors(agent)) {
        all.add(
            new VisitorView(
                v.agent(),
                v.homeAgent().toString(),
                v.homeAddress().toString(),
                v.station(),
                v.sourcePort(),
                v.lifetimeSeconds(),
                Math.max(0, (v.expiresAtUnixNanos() - now) / 1_000_000_000L)));
      }
    }
    return all;
  }

  @Override
  public List<SaView> securityAssociations() {
    List<SaView> all = new ArrayList<>();
    for (SecurityGatewayService g : gateways.get()) {
      for (SecurityGatewayService.SaView sa : g.securityAssociations()) {
        all.add(
            new SaView(
                sa.gateway(),
                sa.homeAddress(),
                sa.direction(),
                String.format("0x%08x", sa.spi()),
                sa.suite(),
                sa.tunnelSource(),
                sa.tunnelDestination(),
                sa.sequence(),
                sa.packets(),
                sa.bytes(),
                sa.lifetime()));
      }
    }
    return all;
  }

  @Override
  public List<RouteView> routes(String tenant) {
    Optional<Vrf> vrf = fabric.vrf(tenant);
    if (vrf.isEmpty()) {
      return List.of();
    }
    Vrf v = vrf.get();
    List<Route> routes = fabric.onLoop(v, v::routes);
    return routes.stream()
        .map(
            r ->
                new RouteView(
                    r.prefix().toString(),
                    r.nextHop() == null ? null : r.nextHop().toString(),
                    r.via().name(),
                    r.origin().name().toLowerCase(Locale.ROOT)))
        .toList();
  }

  @Override
  public List<CounterView> counters() {
    List<CounterView> all = new ArrayList<>();
    MetricSink sink =
        new MetricSink() {
          @Override
          public void counter(String name, String help, long value, String... labels) {
            all.add(new CounterView(name, "counter", labels(labels), value));
          }

          @Override
          public void gauge(String name, String help, double value, String... labels) {
            all.add(new CounterView(name, "gauge", labels(labels), value));
          }
        };
    for (MetricSource source : sources.get()) {
      source.collect(sink);
    }
    return all;
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  @Override
  public EventsView events(int limit, String tenant) {
    List<EventView> recent = events.recent(limit, tenant).stream().map(ServiceView::view).toList();
    return new EventsView(recent, events.totals());
  }

  private static EventView view(SecurityEvent e) {
    return new EventView(
        e.time().toString(), e.tenant(), e.function(), e.source(), e.reason(), e.detail());
  }

  @Override
  public List<NodeView> nodes() {
    return handovers.nodes();
  }

  @Override
  public List<HandoverView> handovers(int limit, String tenant) {
    return handovers.handovers(limit, tenant);
  }

  @Override
  public List<TrafficView> traffic() {
    return traffic.series();
  }

  /** The tenants that exist now. */
  Set<String> tenantNames() {
    Set<String> names = new TreeSet<>();
    tenants.getTenants().forEach(t -> names.add(t.id().toString()));
    return names;
  }

  /**
   * Where every node with a binding is registered now, with the foreign agent whose care-of address
   * it is (found in {@code agentsByCareOf}): the newest binding of a node with several.
   */
  Map<HandoverHistory.Node, HandoverHistory.Location> locations(
      Set<String> tenantNames, Map<String, String> agentsByCareOf) {
    Map<HandoverHistory.Node, HandoverHistory.Location> away = new LinkedHashMap<>();
    Map<HandoverHistory.Node, Long> registered = new LinkedHashMap<>();
    for (String tenant : tenantNames) {
      for (Binding b : bindings.bindings(MvpnId.of(tenant))) {
        HandoverHistory.Node node = new HandoverHistory.Node(tenant, b.homeAddress().toString());
        Long before = registered.get(node);
        if (before == null || b.registeredAtNanos() > before) {
          registered.put(node, b.registeredAtNanos());
          String careOf = b.careOfAddress().toString();
          away.put(node, new HandoverHistory.Location(careOf, agentsByCareOf.get(careOf)));
        }
      }
    }
    return away;
  }

  private static Optional<MvpnId> id(String name) {
    try {
      return Optional.of(MvpnId.of(Objects.requireNonNull(name)));
    } catch (RuntimeException notATenantName) {
      return Optional.empty();
    }
  }
}
