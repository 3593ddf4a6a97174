package io.mvpn.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the API reads from the appliance, in the shapes it answers with (each record is one JSON
 * object, its components the fields in order). The component implements it over the functions'
 * services; tests over fixed data. Shapes only grow: a dashboard reads them.
 */
public interface ApplianceView {

  /** One tenant; {@code homeAgent} is null while it has none running. */
  record TenantView(
      String name,
      String description,
      List<String> homeRealms,
      HomeAgentView homeAgent,
      int bindings) {}

  /** A tenant's running home agent and its registration counters. */
  record HomeAgentView(
      String address, int mobileNodes, int maxLifetime, Map<String, Long> counters) {}

  /** A binding; {@code remaining} in seconds, {@code flags} as RFC 5944's byte. */
  record BindingView(
      String homeAddress,
      String careOfAddress,
      String homeAgent,
      int lifetime,
      long remaining,
      int flags,
      String encapsulation,
      String source,
      int sourcePort) {}

  /**
   * A visitor of a foreign agent (by the agent's configured name), known by home agent and home
   * address; {@code remaining} in seconds.
   */
  record VisitorView(
      String foreignAgent,
      String homeAgent,
      String homeAddress,
      int station,
      int sourcePort,
      int lifetime,
      long remaining) {}

  /** An ESP SA of a security gateway; {@code spi} as 0x and 8 hex digits. */
  record SaView(
      String gateway,
      String homeAddress,
      String direction,
      String spi,
      String suite,
      String tunnelSource,
      String tunnelDestination,
      long sequence,
      long packets,
      long bytes,
      String lifetime) {}

  /** A route of a VRF; {@code nextHop} null when the prefix is on the link. */
  record RouteView(String prefix, String nextHop, String via, String origin) {}

  /** One sample of a function's metrics, as the Prometheus endpoint shows it. */
  record CounterView(String name, String kind, Map<String, String> labels, double value) {}

  /** One security event. */
  record EventView(
      String time, String tenant, String function, String source, String reason, String detail) {}

  /** The recent events, oldest first, and every reason's total since the appliance started. */
  record EventsView(List<EventView> events, Map<String, Long> totals) {}

  /**
   * Where a mobile node is now: at {@code careOfAddress} through the foreign agent of that name, or
   * at a co-located care-of address ({@code foreignAgent} null), or at home (both null); {@code
   * since} is when it got there, as far as the appliance watched.
   */
  record NodeView(
      String tenant, String homeAddress, String careOfAddress, String foreignAgent, String since) {}

  /** A change of a node's care-of address; a null address (and agent) is home. */
  record HandoverView(
      String time,
      String tenant,
      String homeAddress,
      String fromCareOf,
      String fromAgent,
      String toCareOf,
      String toAgent) {}

  /** One second of a tenant's tunnelled traffic, as rates over the second before {@code time}. */
  record TrafficSample(
      String time,
      double receivedBytesPerSecond,
      double sentBytesPerSecond,
      double receivedPacketsPerSecond,
      double sentPacketsPerSecond) {}

  /** A tenant's recent traffic, oldest sample first. */
  record TrafficView(String tenant, List<TrafficSample> samples) {}

  /** Everything the dashboard shows, in one answer, so that a poll costs one login. */
  record DashboardView(
      List<TenantView> tenants,
      List<NodeView> nodes,
      List<HandoverView> handovers,
      List<TrafficView> traffic,
      EventsView events) {}

  List<TenantView> tenants();

  Optional<TenantView> tenant(String name);

  List<BindingView> bindings(String tenant);

  List<VisitorView> visitors();

  List<SaView> securityAssociations();

  List<RouteView> routes(String tenant);

  List<CounterView> counters();

  EventsView events(int limit, String tenant);

  /** The mobile nodes the appliance has seen, each where it is now. */
  List<NodeView> nodes();

  /** The latest handovers, oldest first, of one tenant or (null) of all. */
  List<HandoverView> handovers(int limit, String tenant);

  /** Every tenant's recent traffic. */
  List<TrafficView> traffic();
}
