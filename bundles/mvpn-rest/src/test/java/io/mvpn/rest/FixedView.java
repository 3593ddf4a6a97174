package io.mvpn.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's two tenants, a binding, a visitor, an SA, routes, a counter, an event, where the nodes
 * are, two handovers and a traffic sample.
 */
final class FixedView implements ApplianceView {

  static final TenantView ACME =
      new TenantView(
          "acme",
          "Acme Corporation",
          List.of("10.1.0.0/16"),
          new HomeAgentView("198.51.100.10", 1, 600, Map.of("registrations-accepted", 3L)),
          1);
  static final TenantView GLOBEX =
      new TenantView("globex", "Globex Corporation", List.of("10.1.0.0/16"), null, 0);

  @Override
  public List<TenantView> tenants() {
    return List.of(ACME, GLOBEX);
  }

  @Override
  public Optional<TenantView> tenant(String name) {
    return tenants().stream().filter(t -> t.name().equals(name)).findFirst();
  }

  @Override
  public List<BindingView> bindings(String tenant) {
    return tenant.equals("acme")
        ? List.of(
            new BindingView(
                "10.1.0.5",
                "203.0.113.11",
                "198.51.100.10",
                300,
                280,
                0x02,
                "ip-in-ip",
                "203.0.113.11",
                434))
        : List.of();
  }

  @Override
  public List<VisitorView> visitors() {
    return List.of(new VisitorView("fa1", "198.51.100.10", "10.1.0.5", 7, 434, 300, 280));
  }

  @Override
  public List<SaView> securityAssociations() {
    return List.of(
        new SaView(
            "gw1",
            "10.1.0.5",
            "inbound",
            "0x00001000",
            "aes-gcm-128",
            "203.0.113.11",
            "198.51.100.1",
            12,
            12,
            1200,
            "hard 3600 s"));
  }

  @Override
  public List<RouteView> routes(String tenant) {
    return List.of(new RouteView("10.1.0.0/16", null, tenant + "-lan", "connected"));
  }

  @Override
  public List<CounterView> counters() {
    return List.of(
        new CounterView(
            "mvpn_homeagent_registration_replies",
            "counter",
            Map.of("tenant", "acme", "code", "0"),
            3));
  }

  @Override
  public EventsView events(int limit, String tenant) {
    List<EventView> all =
        List.of(
            new EventView(
                "2026-12-05T20:00:00Z",
                "acme",
                "homeagent/acme",
                "203.0.113.11:434",
                "mn-ha-auth-failed",
                "wrong authenticator"));
    return new EventsView(
        all.subList(0, Math.min(limit, all.size())), Map.of("mn-ha-auth-failed", 1L));
  }

  @Override
  public List<NodeView> nodes() {
    return List.of(
        new NodeView("acme", "10.1.0.5", "203.0.113.12", "fa2", "2026-12-05T20:00:05Z"),
        new NodeView("globex", "10.1.0.5", null, null, "2026-12-05T20:00:00Z"));
  }

  @Override
  public List<HandoverView> handovers(int limit, String tenant) {
    List<HandoverView> all =
        List.of(
            new HandoverView(
                "2026-12-05T20:00:00Z", "globex", "10.1.0.5", "203.0.113.61", null, null, null),
            new HandoverView(
                "2026-12-05T20:00:05Z",
                "acme",
                "10.1.0.5",
                "203.0.113.11",
                "fa1",
                "203.0.113.12",
                "fa2"));
    List<HandoverView> matching =
        all.stream().filter(h -> tenant == null || h.tenant().equals(tenant)).toList();
    return matching.subList(Math.max(0, matching.size() - limit), matching.size());
  }

  @Override
  public List<TrafficView> traffic() {
    return List.of(
        new TrafficView(
            "acme", List.of(new TrafficSample("2026-12-05T20:00:05Z", 840, 840, 10, 10))),
        new TrafficView("globex", List.of()));
  }
}
