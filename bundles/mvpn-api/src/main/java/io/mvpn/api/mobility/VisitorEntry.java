package io.mvpn.api.mobility;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One accepted visitor of a foreign agent (RFC 5944 §3.7.1), as kept in a {@link VisitorStore}: a
 * mobile node known by its home agent AND its home address (seed 002 claim 18), reached by its
 * link-layer {@code station} and UDP {@code sourcePort}, accepted for {@code lifetimeSeconds} by
 * the registration {@code identification}.
 *
 * <p>{@code expiresAtUnixNanos} is wall-clock (Unix) time, not a scheduler's: the entry outlives
 * the scheduler of the agent that accepted it. An agent on a scheduler whose time plus {@code
 * epochOffsetNanos} is Unix time converts with {@link #expiresAtNanos(long)}.
 *
 * @param agent the foreign agent's name, as in its configuration (several agents share a store)
 */
public record VisitorEntry(
    String agent,
    Ipv4Address homeAgent,
    Ipv4Address homeAddress,
    int station,
    int sourcePort,
    int lifetimeSeconds,
    long identification,
    long expiresAtUnixNanos) {

  public VisitorEntry {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(homeAgent, "homeAgent");
    Objects.requireNonNull(homeAddress, "homeAddress");
  }

  /**
   * The expiry on the clock of a scheduler whose time plus {@code epochOffsetNanos} is Unix time.
   */
  public long expiresAtNanos(long epochOffsetNanos) {
    return expiresAtUnixNanos - epochOffsetNanos;
  }
}
