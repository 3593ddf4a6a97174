package io.mvpn.homeagent.internal;

import io.mvpn.api.MvpnId;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.api.mobility.BindingStore;
import io.mvpn.homeagent.RegistrationStats;

/**
 * A tenant's home agent as the operator's monitoring sees it. The counts are read from its {@link
 * RegistrationStats}, whose counters live in the counter store (so a new engine after an update
 * goes on from the same totals); the bindings from the binding store. Both are safe to read off the
 * engine's loop.
 */
final class HomeAgentMetrics implements MetricSource {

  private final String tenant;
  private final RegistrationStats stats;
  private final BindingStore bindings;
  private final MvpnId id;

  HomeAgentMetrics(MvpnId tenant, RegistrationStats stats, BindingStore bindings) {
    this.id = tenant;
    this.tenant = tenant.toString();
    this.stats = stats;
    this.bindings = bindings;
  }

  @Override
  public void collect(MetricSink sink) {
    sink.gauge(
        "mvpn_homeagent_bindings",
        "Mobility bindings (home address to care-of address) the home agent holds now.",
        bindings.bindings(id).size(),
        "tenant",
        tenant);
    stats
        .repliesByCode()
        .forEach(
            (code, count) ->
                sink.counter(
                    "mvpn_homeagent_registration_replies",
                    "Registration replies sent, by RFC 5944 reply code (0 and 1 accept; 131 is a"
                        + " failed MN-HA authenticator, 133 a replay).",
                    count,
                    "tenant",
                    tenant,
                    "code",
                    Integer.toString(code)));
    String dropped = "Registration requests dropped without a reply, by reason.";
    sink.counter(
        "mvpn_homeagent_requests_dropped",
        dropped,
        stats.malformedDropped(),
        "tenant",
        tenant,
        "reason",
        "malformed");
    sink.counter(
        "mvpn_homeagent_requests_dropped",
        dropped,
        stats.unknownExtensionDropped(),
        "tenant",
        tenant,
        "reason",
        "unknown_extension");
    sink.counter(
        "mvpn_homeagent_requests_dropped",
        dropped,
        stats.shedOverload(),
        "tenant",
        tenant,
        "reason",
        "shed_overload");
    String fromNodes = "Datagrams that came out of the mobile nodes' tunnels, by outcome.";
    sink.counter(
        "mvpn_homeagent_tunnel_received_packets",
        fromNodes,
        stats.tunnelledAccepted(),
        "tenant",
        tenant,
        "result",
        "accepted");
    sink.counter(
        "mvpn_homeagent_tunnel_received_packets",
        fromNodes,
        stats.tunnelledRefused(),
        "tenant",
        tenant,
        "result",
        "refused");
    sink.counter(
        "mvpn_homeagent_tunnel_received_bytes",
        "Inner bytes of the datagrams accepted out of the mobile nodes' tunnels.",
        stats.tunnelledAcceptedBytes(),
        "tenant",
        tenant);
    sink.counter(
        "mvpn_homeagent_tunnel_sent_packets",
        "Datagrams sent into the mobile nodes' tunnels (one per binding).",
        stats.tunnelledSent(),
        "tenant",
        tenant);
    sink.counter(
        "mvpn_homeagent_tunnel_sent_bytes",
        "Inner bytes of the datagrams sent into the mobile nodes' tunnels.",
        stats.tunnelledSentBytes(),
        "tenant",
        tenant);
  }
}
