package io.mvpn.aodv.route;

/**
 * The RFC 3561 §10 times the route table and its caches run on, in milliseconds. The router's whole
 * parameter set provides them; the table asks for no more than these, so it needs nothing from the
 * router's package.
 */
public interface RouteTimeouts {

  /** ACTIVE_ROUTE_TIMEOUT: how long a route in use stays valid after its last use (§6.2). */
  long activeRouteTimeoutMillis();

  /** DELETE_PERIOD: how long an invalid route is kept for its sequence number (§6.11). */
  long deletePeriodMillis();

  /**
   * NET_TRAVERSAL_TIME: with the next, the least lifetime of a reverse route a RREQ makes (§6.5).
   */
  long netTraversalTimeMillis();

  /** NODE_TRAVERSAL_TIME: what each hop takes off that least lifetime (§6.5). */
  long nodeTraversalTimeMillis();

  /** BLACKLIST_TIMEOUT: how long a neighbour that left a RREP unacknowledged is ignored (§6.8). */
  long blacklistTimeoutMillis();

  /** PATH_DISCOVERY_TIME: how long a RREQ's (originator, RREQ ID) is remembered (§6.3). */
  long pathDiscoveryTimeMillis();
}
