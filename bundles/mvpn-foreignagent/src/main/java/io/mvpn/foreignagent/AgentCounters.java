package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a foreign agent counts for its operator. With a {@link CounterStore} the counters live
 * there, in scope {@code foreignagent/<name>}, so an update of the agent (or, persistent, a
 * restart) goes on from where they were; without one they live and die with the engine.
 *
 * <p>Registrations are also counted by home agent ({@code ha-<address>-requests}, {@code
 * ha-<address>-reply-<code>}, {@code ha-<address>-denied-<code>}): the metrics give them the tenant
 * of the home agent. Each handle is taken once, on the first registration of its home agent and
 * code, then counted through without a lock.
 *
 * <p>The home agent's address comes from the visitor, so only home agents this appliance knows (an
 * FA-HA association or one of its own) are counted by name; any other goes to one {@code other-*}
 * bucket, reported as home agent {@link #OTHER} (0.0.0.0). The counters stay bounded however many
 * addresses visitors name, and so does what the store keeps and every new engine reads back: a
 * read-back counter of a home agent no longer known is left out (the metrics show it in the totals'
 * remainder).
 */
final class AgentCounters {

  private static final Pattern PER_HOME_AGENT =
      Pattern.compile("(?:ha-([0-9.]+)|other)-(requests|reply|denied)(?:-([0-9]+))?");

  /** Where home agents this appliance does not know are counted together. */
  public static final Ipv4Address OTHER = Ipv4Address.of(0);

  /** The scope of an agent's counters in the store. */
  static String scope(String agent) {
    return "foreignagent/" + agent;
  }

  private enum Kind {
    REQUESTS,
    REPLY,
    DENIED
  }

  private record Key(int homeAgent, Kind kind, int code) {
    String name() {
      String who = homeAgent == 0 ? "other" : "ha-" + Ipv4Address.of(homeAgent);
      String prefix = who + "-" + kind.name().toLowerCase(Locale.ROOT);
      return kind == Kind.REQUESTS ? prefix : prefix + "-" + code;
    }
  }

  final Counter relayedRequests;
  final Counter relayedReplies;
  final Counter deliveredToVisitors;
  final Counter reverseTunnelled;
  final Counter dropped;
  private final ForeignAgent.Stores stores;
  private final Predicate<Ipv4Address> known;
  private final Map<Key, Counter> byHomeAgent = new ConcurrentHashMap<>();

  /**
   * {@code withKeys}: the home agents the agent has an FA-HA association with; they and the
   * appliance's own ({@link ForeignAgent.Stores#ourHomeAgents()}) are counted by name.
   */
  AgentCounters(ForeignAgent.Stores stores, Predicate<Ipv4Address> withKeys) {
    this.stores = stores;
    this.known = withKeys.or(stores.ourHomeAgents());
    relayedRequests = counter(stores, "relayed-requests");
    relayedReplies = counter(stores, "relayed-replies");
    deliveredToVisitors = counter(stores, "delivered-to-visitors");
    reverseTunnelled = counter(stores, "reverse-tunnelled");
    dropped = counter(stores, "dropped");
    if (stores.counters() != null) {
      // Figures an earlier engine counted: read back, so they show before their home agent is
      // heard.
      for (String name : stores.counters().snapshot(scope(stores.agent())).keySet()) {
        Key key = parse(name);
        if (key != null && (key.homeAgent() == 0 || known.test(Ipv4Address.of(key.homeAgent())))) {
          perHomeAgent(key);
        }
      }
    }
  }

  private static Key parse(String name) {
    Matcher m = PER_HOME_AGENT.matcher(name);
    try {
      if (m.matches() && (m.group(3) == null) == m.group(2).equals("requests")) {
        int code = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new Key(
            m.group(1) == null ? 0 : Ipv4Address.parse(m.group(1)).toInt(),
            Kind.valueOf(m.group(2).toUpperCase(Locale.ROOT)),
            code);
      }
    } catch (RuntimeException notOurs) {
      // Not an address or code we would have written: left alone.
    }
    return null;
  }

  private static Counter counter(ForeignAgent.Stores stores, String name) {
    CounterStore store = stores.counters();
    return store == null ? Counter.standalone() : store.counter(scope(stores.agent()), name);
  }

  /** The home agent's own bucket if this appliance knows it, else {@link #OTHER}'s. */
  private int bucket(int homeAgent) {
    return homeAgent != 0 && known.test(Ipv4Address.of(homeAgent)) ? homeAgent : 0;
  }

  private Counter perHomeAgent(Key key) {
    Counter c = byHomeAgent.get(key);
    return c != null ? c : byHomeAgent.computeIfAbsent(key, k -> counter(stores, k.name()));
  }

  /** A request relayed to {@code homeAgent}. */
  void requestRelayed(int homeAgent) {
    // By home agent first: a reader of the total then the figures never sees more in the total.
    perHomeAgent(new Key(bucket(homeAgent), Kind.REQUESTS, 0)).increment();
    relayedRequests.increment();
  }

  /** A reply of {@code homeAgent} relayed to its node. */
  void replyRelayed(int homeAgent, int code) {
    perHomeAgent(new Key(bucket(homeAgent), Kind.REPLY, code)).increment();
    relayedReplies.increment();
  }

  /** The agent's own reply sent to a node of {@code homeAgent}. */
  void denied(int homeAgent, int code) {
    perHomeAgent(new Key(bucket(homeAgent), Kind.DENIED, code)).increment();
  }

  /** The figures by home agent: safe to read off the agent's loop. */
  Map<Ipv4Address, HomeAgentFigures> byHomeAgent() {
    Map<Integer, long[]> requests = new HashMap<>();
    Map<Integer, Map<Integer, Long>> replies = new HashMap<>();
    Map<Integer, Map<Integer, Long>> denials = new HashMap<>();
    byHomeAgent.forEach(
        (key, counter) -> {
          long value = counter.get();
          switch (key.kind()) {
            case REQUESTS ->
                requests.computeIfAbsent(key.homeAgent(), k -> new long[1])[0] += value;
            case REPLY ->
                replies
                    .computeIfAbsent(key.homeAgent(), k -> new TreeMap<>())
                    .put(key.code(), value);
            case DENIED ->
                denials
                    .computeIfAbsent(key.homeAgent(), k -> new TreeMap<>())
                    .put(key.code(), value);
          }
        });
    Map<Ipv4Address, HomeAgentFigures> out = new TreeMap<>();
    Set<Integer> all = new HashSet<>(requests.keySet());
    all.addAll(replies.keySet());
    all.addAll(denials.keySet());
    for (int ha : all) {
      out.put(
          Ipv4Address.of(ha),
          new HomeAgentFigures(
              requests.getOrDefault(ha, new long[1])[0],
              new TreeMap<>(replies.getOrDefault(ha, Map.of())),
              new TreeMap<>(denials.getOrDefault(ha, Map.of()))));
    }
    return out;
  }
}
