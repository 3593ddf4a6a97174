package io.mvpn.foreignagent;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.mobility.CounterStore.Counter;

/**
 * What a foreign agent counts for its operator. With a {@link CounterStore} the counters live
 * there, in scope {@code foreignagent/<name>}, so an update of the agent (or, persistent, a
 * restart) goes on from where they were; without one they live and die with the engine.
 */
final class AgentCounters {

  /** The scope of an agent's counters in the store. */
  static String scope(String agent) {
    return "foreignagent/" + agent;
  }

  final Counter relayedRequests;
  final Counter relayedReplies;
  final Counter deliveredToVisitors;
  final Counter reverseTunnelled;
  final Counter dropped;

  AgentCounters(ForeignAgent.Stores stores) {
    relayedRequests = counter(stores, "relayed-requests");
    relayedReplies = counter(stores, "relayed-replies");
    deliveredToVisitors = counter(stores, "delivered-to-visitors");
    reverseTunnelled = counter(stores, "reverse-tunnelled");
    dropped = counter(stores, "dropped");
  }

  private static Counter counter(ForeignAgent.Stores stores, String name) {
    CounterStore store = stores.counters();
    return store == null ? Counter.standalone() : store.counter(scope(stores.agent()), name);
  }
}
