package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Objects;

/**
 * A node's tunnel as a security gateway runs it now, kept in an {@link EspSaStore} so that a new
 * instance of the gateway continues it: the tunnel (sending where it sends now, after any seed 001
 * handover or NAT port move), when it was installed, and the inbound SAs of earlier keys that a
 * re-key left accepted.
 *
 * @param installedAtUnixNanos wall-clock time the tunnel's SAs were installed: their lifetime in
 *     seconds runs from here, also while no gateway runs them
 * @param retiring inbound SAs of the node's previous keys, still accepted until removed
 */
public record StoredEspTunnel(
    EspTunnel tunnel, long installedAtUnixNanos, List<RetiringInbound> retiring) {

  /** An inbound SA kept through a re-key (RFC 7296 §2.8), with what it was installed with. */
  public record RetiringInbound(
      EspSaKeys keys, int replayWindow, SaLifetime lifetime, long installedAtUnixNanos) {

    public RetiringInbound {
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(lifetime, "lifetime");
      if (replayWindow < 0) {
        throw new IllegalArgumentException("replay window " + replayWindow);
      }
    }

    /** When its hard lifetime in seconds ends; {@link Long#MAX_VALUE} for never. */
    public long expiresAtUnixNanos() {
      return lifetime.hardExpiry(installedAtUnixNanos);
    }
  }

  public StoredEspTunnel {
    Objects.requireNonNull(tunnel, "tunnel");
    retiring = List.copyOf(retiring);
  }

  public Ipv4Address homeAddress() {
    return tunnel.homeAddress();
  }

  /** When the tunnel's hard lifetime in seconds ends; {@link Long#MAX_VALUE} for never. */
  public long expiresAtUnixNanos() {
    return tunnel.lifetime().hardExpiry(installedAtUnixNanos);
  }
}
