package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells an agent's restart from its advertisements (RFC 5944 §2.3.2): an agent numbers them from 0
 * after it starts and wraps from 0xFFFF to 256, so a sequence number that falls to below 256 means
 * the agent started again, and has forgotten its visitors: the node must register anew.
 */
final class AgentRestarts {

  private final Map<Ipv4Address, Integer> last = new HashMap<>();

  /** Records an advertisement; true if it shows that the agent restarted since the last one. */
  synchronized boolean restarted(Ipv4Address agent, int sequence) {
    Integer previous = last.put(agent, sequence);
    return previous != null && sequence < previous && sequence < 256;
  }
}
