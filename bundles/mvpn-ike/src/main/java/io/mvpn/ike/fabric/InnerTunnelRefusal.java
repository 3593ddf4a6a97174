package io.mvpn.ike.fabric;

/**
 * Why the home agent's IPsec layer kept a datagram out of, or away from, a Mobile IP tunnel (seed
 * 002 claim 24); counted per reason by {@link HomeAgentInnerIpsec#tunnelRefusals()}.
 */
public enum InnerTunnelRefusal {
  /** Upstream, under {@code required}: a bound node's datagram that is neither IKE nor ESP. */
  PLAIN_FROM_NODE,
  /** Downstream, under {@code required}: a datagram for a node that has no Child SA yet. */
  PLAIN_TO_NODE,
  /**
   * Downstream: IKE or ESP from the home agent's own address that came from the site side, not from
   * the home agent. Only the home agent speaks IKE and ESP to its nodes from that address.
   */
  SPOOFED_FROM_SITE
}
