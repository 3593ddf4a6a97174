package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;

/**
 * One entry of the visitor list (RFC 5944 §3.7.1): a mobile node is known by its home agent AND its
 * home address (seed 002 claim 18: two tenants' nodes may share a home address), and reached by its
 * link-layer station, never by broadcast ARP.
 */
public record Visitor(
    Ipv4Address homeAgent,
    Ipv4Address homeAddress,
    int station,
    int sourcePort,
    int lifetimeSeconds,
    long expiresAtNanos) {

  /** Whole seconds of its registration left at {@code nowNanos} on the agent's clock. */
  public long remainingSeconds(long nowNanos) {
    return Math.max(0, (expiresAtNanos - nowNanos) / 1_000_000_000L);
  }
}
