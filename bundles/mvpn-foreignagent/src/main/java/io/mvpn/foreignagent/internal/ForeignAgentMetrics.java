package io.mvpn.foreignagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.foreignagent.ForeignAgentService;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shared foreign agent's samples. Visitors and registrations carry the tenant of the home agent
 * they belong to (its public address is unique; the visitors' home addresses are not), so summed
 * over {@code tenant} they are the agent's totals. A home agent that is not one of this appliance's
 * gets {@code tenant=""}. Datagrams and drops stay per agent: counting them per tenant would cost a
 * lookup per datagram.
 */
final class ForeignAgentMetrics {

  static final String TENANT = "tenant";
  private static final String NOT_OURS = "";

  private ForeignAgentMetrics() {}

  static void collect(
      MetricSink sink,
      String agent,
      List<VisitorEntry> visitors,
      ForeignAgentService engine,
      Map<Ipv4Address, String> homeAgentTenants) {
    Map<String, Integer> visiting = new TreeMap<>();
    homeAgentTenants.values().forEach(t -> visiting.put(t, 0));
    for (VisitorEntry v : visitors) {
      visiting.merge(tenant(homeAgentTenants, v.homeAgent()), 1, Integer::sum);
    }
    if (visiting.isEmpty()) {
      visiting.put(NOT_OURS, 0);
    }
    visiting.forEach(
        (tenant, count) ->
            sink.gauge(
                "mvpn_foreignagent_visitors",
                "Mobile nodes on the foreign agent's visitor list now, by their home agent's tenant.",
                count,
                "agent",
                agent,
                TENANT,
                tenant));
    // Every tenant with a home agent here has its series from the start, at zero until it counts.
    Map<String, long[]> relayed = new TreeMap<>();
    visiting.keySet().forEach(t -> relayed.put(t, new long[2]));
    Map<List<String>, Long> replies =
        new TreeMap<>((a, b) -> String.join(" ", a).compareTo(String.join(" ", b)));
    engine
        .byHomeAgent()
        .forEach(
            (homeAgent, figures) -> {
              String tenant = tenant(homeAgentTenants, homeAgent);
              long[] counts = relayed.computeIfAbsent(tenant, t -> new long[2]);
              counts[0] += figures.relayedRequests();
              figures.relayedReplies().forEach((code, n) -> counts[1] += n);
              add(replies, tenant, "home_agent", figures.relayedReplies());
              add(replies, tenant, "foreign_agent", figures.denials());
            });
    String help = "Registration messages relayed between mobile nodes and home agents.";
    relayed.forEach(
        (tenant, counts) -> {
          sink.counter(
              "mvpn_foreignagent_relayed_registrations",
              help,
              counts[0],
              "agent",
              agent,
              TENANT,
              tenant,
              "message",
              "request");
          sink.counter(
              "mvpn_foreignagent_relayed_registrations",
              help,
              counts[1],
              "agent",
              agent,
              TENANT,
              tenant,
              "message",
              "reply");
        });
    replies.forEach(
        (key, n) ->
            sink.counter(
                "mvpn_foreignagent_registration_replies",
                "Registration replies sent to visitors by RFC 5944 code: relayed from their home"
                    + " agent (origin home_agent) or the foreign agent's own denial.",
                n,
                "agent",
                agent,
                TENANT,
                key.get(0),
                "origin",
                key.get(1),
                "code",
                key.get(2)));
    sink.counter(
        "mvpn_foreignagent_delivered_packets",
        "Datagrams from the home agents' tunnels delivered to visitors on the access link.",
        engine.deliveredToVisitors(),
        "agent",
        agent);
    sink.counter(
        "mvpn_foreignagent_reverse_tunnelled_packets",
        "Visitors' datagrams reverse-tunnelled to their home agents.",
        engine.reverseTunnelled(),
        "agent",
        agent);
    sink.counter(
        "mvpn_foreignagent_dropped",
        "Registration messages and datagrams the foreign agent dropped (malformed, unknown,"
            + " refused).",
        engine.dropped(),
        "agent",
        agent);
  }

  private static String tenant(Map<Ipv4Address, String> homeAgentTenants, Ipv4Address homeAgent) {
    return homeAgentTenants.getOrDefault(homeAgent, NOT_OURS);
  }

  private static void add(
      Map<List<String>, Long> replies, String tenant, String origin, Map<Integer, Long> byCode) {
    byCode.forEach(
        (code, n) -> replies.merge(List.of(tenant, origin, String.valueOf(code)), n, Long::sum));
  }
}
