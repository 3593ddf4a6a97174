package io.mvpn.aodv.route;

/** Whether a route table entry may carry traffic (RFC 3561 §2, "active route"). */
public enum RouteState {
  /** Usable until its lifetime ends (§6.2). */
  VALID,
  /**
   * Kept only so its sequence number and hop count survive for DELETE_PERIOD (§6.11): a later RREQ
   * must ask for a fresher number, and a ring search restarts from the old hop count (§6.4).
   */
  INVALID
}
