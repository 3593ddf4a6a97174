package io.mvpn.api.mobility;

import io.mvpn.api.Ipv4Address;
import java.util.List;

/**
 * Where foreign agents keep their visitor lists, outside their own bundle, so that updating a
 * foreign agent (or restarting the appliance, with a persistent store) loses no visitor (blueprint
 * principle 6). An agent writes each accepted or departed visitor through and rebuilds its own
 * list, the one its per-datagram path reads, from here when it starts.
 *
 * <p>Keys are (agent, home agent, home address), never a home address alone: two tenants' mobile
 * nodes may share one. Requests still waiting for their home agent's reply are not kept: they last
 * seconds, and the mobile node retransmits. Implementations are thread-safe.
 */
public interface VisitorStore {

  /** The visitors of one agent, ordered by home agent then home address. */
  List<VisitorEntry> visitors(String agent);

  /** Adds the visitor, replacing the one with the same agent, home agent and home address. */
  void put(VisitorEntry visitor);

  /** Removes one visitor; returns it, or null. */
  VisitorEntry remove(String agent, Ipv4Address homeAgent, Ipv4Address homeAddress);

  /** Removes every visitor of an agent; returns how many there were. */
  int removeAgent(String agent);

  /** Visitors over all agents. */
  int size();
}
