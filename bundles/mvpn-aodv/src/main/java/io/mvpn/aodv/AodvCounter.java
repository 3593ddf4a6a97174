package io.mvpn.aodv;

/** What a mobility router counts, as {@code mvpn:aodv stats} shows it. */
public enum AodvCounter {
  RREQ_SENT,
  RREQ_FORWARDED,
  RREQ_RECEIVED,
  RREQ_DUPLICATE,
  /** RREQs not sent because RREQ_RATELIMIT was reached (they are retried). */
  RREQ_RATE_LIMITED,
  /** RREQs not rebroadcast because the forwarding cap was reached (a flood). */
  RREQ_FORWARD_RATE_LIMITED,
  /** RREQ copies put on links: a broadcast counts once per link that is up. */
  RREQ_TRANSMISSIONS,
  /** Links a weighted ring search left out because their weight sum was over budget. */
  RREQ_WEIGHT_PRUNED,
  /** Discoveries an originator started before its route in use expired (re-request lead). */
  REREQUESTS,
  RREP_SENT,
  RREP_FORWARDED,
  RREP_RECEIVED,
  GRATUITOUS_RREP_SENT,
  /** RREPs a site gateway sent for destinations beyond the site (seed 002 c14-15). */
  GATEWAY_RREP_SENT,
  /** Seed 002 gratuitous refresh RREPs this router originated as the source of a RREP. */
  REFRESH_RREP_SENT,
  /** Refresh RREPs that prolonged an unchanged route here. */
  REFRESH_RREP_RECEIVED,
  HELLO_SENT,
  HELLO_RECEIVED,
  RERR_SENT,
  RERR_RECEIVED,
  RERR_RATE_LIMITED,
  LINK_BREAKS,
  DISCOVERIES_SUCCEEDED,
  DISCOVERIES_FAILED,
  DATA_FORWARDED,
  DATA_BUFFERED,
  /** Data dropped: discovery failed, the buffer was full, or no route at an intermediate node. */
  DATA_DROPPED,
  /** RREPs that neither created nor improved a route (stale sequence number, longer path). */
  STALE,
  RREP_ACK_SENT,
  RREP_ACK_RECEIVED,
  /** Neighbours blacklisted after a RREP they did not acknowledge (§6.8). */
  BLACKLISTED,
  /** Control messages held back during the quiet period after a reboot (§6.13). */
  REBOOT_HELD,
  /** Routes repaired locally after a link break (§6.12). */
  LOCAL_REPAIRS,
  /** Local repairs that found no route: the RERR went out then. */
  LOCAL_REPAIRS_FAILED,
  /** Seed 002 handover: Sink Requests sent by a mobile node (c27). */
  HANDOVER_REQUESTED,
  /** Sink Requests received by a new sink (c28). */
  HANDOVER_RECEIVED,
  /** Handover RREPs sent toward the old sink (c32). */
  HANDOVER_UPDATES_SENT,
  /** Handover RREPs taken by routers on the old path (c33). */
  HANDOVER_UPDATES_RECEIVED,
  /** Old sinks that confirmed a handover to the node (c35). */
  HANDOVER_CONFIRMED,
  /** Handovers a mobile node saw confirmed (c36). */
  HANDOVER_COMPLETED,
  /** Handovers that could not reach the old sink (c35): new sink's RERR, node's fallback. */
  HANDOVER_FAILED,
  /** Control messages that did not parse (bad lengths, unknown types) or claim 255 hops. */
  MALFORMED,
  /**
   * Control messages ignored: from ourselves, from a blacklisted neighbour, stale, or a RREP naming
   * us as its destination.
   */
  IGNORED
}
