package io.mvpn.aodv.route;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * What a received control message says about a route, in plain values so that the table does not
 * depend on the message codec.
 *
 * @param destination the destination the message gives a route to
 * @param seq its destination sequence number, meaningful only if {@code validSeq}
 * @param validSeq false when the message carries no sequence number for it (a route to the
 *     neighbour that sent it, §6.2; a RREQ with U set)
 * @param hopCount hops to the destination through {@code nextHop}: the message's Hop Count after
 *     the +1 of §6.5 / §6.7, so that "new hop count + 1 smaller than the stored one" of §6.2
 *     becomes a plain {@code hopCount < stored}
 * @param nextHop the neighbour the message came from
 * @param networkInterface the name of the interface it arrived on (§2)
 * @param lifetimeMillis how long the route lives from now if the update is applied: the RREP's
 *     Lifetime (§6.7), ACTIVE_ROUTE_TIMEOUT for a neighbour (§6.2); unused for reverse routes,
 *     whose lifetime §6.5 computes
 */
public record RouteUpdate(
    Ipv4Address destination,
    int seq,
    boolean validSeq,
    int hopCount,
    Ipv4Address nextHop,
    String networkInterface,
    long lifetimeMillis) {

  public RouteUpdate {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(nextHop, "nextHop");
    Objects.requireNonNull(networkInterface, "networkInterface");
    // No upper bound: a received Hop Count of 255 plus one is 256, and a peer must not be able to
    // make the engine throw. Such a route is simply long.
    if (hopCount < 0) {
      throw new IllegalArgumentException("hop count must not be negative, not " + hopCount);
    }
  }

  /** A route to the neighbour itself: one hop, no sequence number known (§6.2). */
  public static RouteUpdate neighbour(
      Ipv4Address neighbour, String networkInterface, long lifetimeMillis) {
    return new RouteUpdate(neighbour, 0, false, 1, neighbour, networkInterface, lifetimeMillis);
  }
}
