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
 *
 * <p>Registrations the agent's totals hold but no home agent's figures do (counted before the agent
 * counted by home agent, or by a home agent it no longer knows) go to {@code tenant=""} too, so the
 * sum over tenants stays the total and never falls back after an upgrade.
 */
final class ForeignAgentMetrics {

  static final String TENANT = "tenant";
  private static final String NOT_OURS = "";

  private ForeignAgentMetrics() {}

  /**
   * The most the totals held beyond the home agents' figures, so far: that remainder is fixed once
   * every count is by home agent, and a scrape beside an increment can only see it lower (the
   * engine counts by home agent first, the totals are read first), so its series never falls.
   */
  static final class Unattributed {
    private long requests;
    private long replies;

    synchronized long[] atLeast(long requests, long replies) {
      this.requests = Math.max(this.requests, requests);
      this.replies = Math.max(this.replies, replies);
      return new long[] {this.requests, this.replies};
    }
  }

  static void collect(
      MetricSink sink,
      String agent,
      List<VisitorEntry> visitors,
      ForeignAgentService engine,
      Map<Ipv4Address, String> homeAgentTenants) {
    collect(sink, agent, visitors, engine, homeAgentTenants, new Unattributed());
  }

  static void collect(
      MetricSink sink,
      String agent,
      List<VisitorEntry> visitors,
      ForeignAgentService engine,
      Map<Ipv4Address, String> homeAgentTenants,
      Unattributed unattributed) {
    long totalRequests = engine.relayedRequests();
    long totalReplies = engine.relayedReplies();
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
    long[] attributed = new long[2];
    relayed.values().forEach(c -> attributed[0] += c[0]);
    relayed.values().forEach(c -> attributed[1] += c[1]);
    long[] rest =
        unattributed.atLeast(
            Math.max(0, totalRequests - attributed[0]), Math.max(0, totalReplies - attributed[1]));
    if (rest[0] > 0 || rest[1] > 0) {
      long[] notOurs = relayed.computeIfAbsent(NOT_OURS, t -> new long[2]);
      notOurs[0] += rest[0];
      notOurs[1] += rest[1];
    }
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
