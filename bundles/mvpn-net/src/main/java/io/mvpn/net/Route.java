package io.mvpn.net;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.Objects;

/**
 * One entry of a VRF's routing table: datagrams to {@code prefix} leave through {@code via}, to the
 * neighbour {@code nextHop}, or straight to their destination when the route is connected ({@code
 * nextHop} null).
 */
public record Route(Prefix prefix, Ipv4Address nextHop, Interface via, Origin origin) {

  /** Where a route came from, as {@code mvpn:routes} shows it. */
  public enum Origin {
    /** The subnet of one of the VRF's interfaces. */
    CONNECTED,
    /** Configured by an operator or a lab topology. */
    STATIC,
    /** Installed by a protocol engine (a home agent's binding, AODV). */
    PROTOCOL
  }

  public Route {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(origin, "origin");
  }

  /** The address a datagram for {@code destination} is handed to on the link. */
  public int nextHopFor(int destination) {
    return nextHop == null ? destination : nextHop.toInt();
  }

  @Override
  public String toString() {
    return prefix
        + (nextHop == null ? " connected" : " via " + nextHop)
        + " dev "
        + via.name()
        + " ("
        + origin.name().toLowerCase(java.util.Locale.ROOT)
        + ")";
  }
}
