package io.mvpn.foreignagent;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a foreign agent did for the visitors of one home agent, and so of one tenant: the home
 * agent's address is public and unique, where the visitors' home addresses may repeat across
 * tenants. Summed over the home agents, {@code relayedRequests} is the agent's {@link
 * ForeignAgentService#relayedRequests()} and the relayed replies its {@link
 * ForeignAgentService#relayedReplies()}.
 *
 * @param relayedRequests registration requests relayed to the home agent
 * @param relayedReplies the home agent's replies relayed to its nodes, by RFC 5944 reply code (in
 *     code order)
 * @param denials the agent's own replies to the home agent's nodes (codes 64 to 127), by code
 */
public record HomeAgentFigures(
    long relayedRequests, Map<Integer, Long> relayedReplies, Map<Integer, Long> denials) {

  public HomeAgentFigures {
    relayedReplies = Collections.unmodifiableSortedMap(new TreeMap<>(relayedReplies));
    denials = Collections.unmodifiableSortedMap(new TreeMap<>(denials));
  }
}
