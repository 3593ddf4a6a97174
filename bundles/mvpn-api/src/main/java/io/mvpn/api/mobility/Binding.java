package io.mvpn.api.mobility;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.util.Objects;

/**
 * One mobility binding of a home agent (RFC 5944 §3.8.3): a tenant's mobile node, by home address,
 * reachable at a care-of address until {@code expiresAtNanos} (on the fabric scheduler's clock,
 * which outlives the home agent's code). {@code source} and {@code sourcePort} are where the
 * request came from, where replies and RFC 3519 UDP-tunnelled datagrams go.
 */
public record Binding(
    MvpnId tenant,
    Ipv4Address homeAddress,
    Ipv4Address careOfAddress,
    Ipv4Address homeAgent,
    int flags,
    int lifetimeSeconds,
    long registeredAtNanos,
    long expiresAtNanos,
    long identification,
    Ipv4Address source,
    int sourcePort,
    Encapsulation encapsulation) {

  /** How datagrams for the mobile node travel to its care-of address. */
  public enum Encapsulation {
    /** RFC 2003 IP in IP. */
    IP_IN_IP,
    /** RFC 3519 IP in UDP (through NATs), to {@code source}:{@code sourcePort}. */
    UDP
  }

  public Binding {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(homeAddress, "homeAddress");
    Objects.requireNonNull(careOfAddress, "careOfAddress");
    Objects.requireNonNull(homeAgent, "homeAgent");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(encapsulation, "encapsulation");
  }

  /** Seconds left at {@code nowNanos}, never negative. */
  public long remainingSeconds(long nowNanos) {
    return Math.max(0, (expiresAtNanos - nowNanos) / 1_000_000_000L);
  }
}
