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
  /**
   * RREQs received from an originator over RREQ_RATELIMIT (§6.3): neither answered nor passed on.
   */
  RREQ_ORIGINATOR_RATE_LIMITED,
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
  /** Seed 002 c40: authenticated Hellos a node sent entering a site. */
  HELLO_AUTH_SENT,
  /** Authenticated Hellos a sink received. */
  HELLO_AUTH_RECEIVED,
  /** Checks a sink asked of the node's home MSM (c41). */
  AUTH_REQUESTS,
  /** Nodes of the site's own realm admitted: routes and filter installed (c43-45). */
  NODES_ADMITTED,
  /** Nodes of another realm admitted as visitors: default route via the foreign agent (c46-49). */
  VISITORS_ADMITTED,
  /**
   * Hellos, authenticated or PKI, the MSM had authorised for another sink of the site (every sink
   * on the node's link hears its broadcast hello): nothing installed, the node not refused.
   */
  AUTH_DUPLICATE,
  /** Authenticated and PKI Hellos refused, for any of the reasons below; nothing installed. */
  AUTH_REFUSED,
  /** Refused by the MSM: wrong authenticator, unknown node, stale timestamp (4001). */
  AUTH_REFUSED_REJECTED,
  /** Refused by the sink itself: a timestamp already taken (a replay), no MSM asked. */
  AUTH_REFUSED_REPLAYED,
  /** No MSM of the node's realm could be asked, or none answered. */
  AUTH_REFUSED_UNREACHABLE,
  /** The sink already holds as many nodes as it keeps, none of them refused (a flood). */
  AUTH_REFUSED_BUSY,
  /**
   * Over the hello rate of their link or sender, or over the outstanding requests: no MSM asked.
   */
  AUTH_REFUSED_RATE_LIMITED,
  /** The answer could not be applied (a filter rule or route the sink cannot install). */
  AUTH_REFUSED_MALFORMED,
  /** Seed 002 c51: PKI hellos (certificate and signature) a sink received. */
  HELLO_PKI_RECEIVED,
  /** PKI hellos a node sent entering a site. */
  HELLO_PKI_SENT,
  /** PKI hellos whose certificate parts or signature did not parse. */
  PKI_REFUSED_MALFORMED,
  /** PKI hellos whose certificate is not from the MSM's CA (c52). */
  PKI_REFUSED_UNKNOWN_ISSUER,
  /** PKI hellos whose certificate is on the MSM's CRL. */
  PKI_REFUSED_REVOKED,
  /** PKI hellos whose certificate is outside its validity period. */
  PKI_REFUSED_EXPIRED,
  /** PKI hellos whose certificate PKIX refuses otherwise, or whose key cannot sign hellos. */
  PKI_REFUSED_INVALID,
  /** PKI hellos whose signature does not verify with the certificate's key. */
  PKI_REFUSED_BAD_SIGNATURE,
  /** PKI hellos from an address the certificate does not name. */
  PKI_REFUSED_WRONG_ADDRESS,
  /** PKI hellos referring to a certificate the MSM does not publish (c55-56). */
  PKI_REFUSED_NOT_FOUND,
  /** PKI hellos whose timestamp is outside the window (replays are AUTH_REFUSED_REPLAYED). */
  PKI_REFUSED_STALE,
  /** PKI hellos at a sink with no PKI configured. */
  PKI_REFUSED_NOT_CONFIGURED,
  /** PKI hellos whose certificate names a host outside this site's realm (another tenant's). */
  PKI_REFUSED_FOREIGN_REALM,
  /** Site Routes a node refused: the sink's certificate or signature did not check (c54). */
  SINK_REFUSED,
  /** Datagrams a site filter dropped: not in an admitted node's rules, or from a refused node. */
  FILTER_DROPPED,
  /** Site Routes advertisements a node received from its sink (c44). */
  SITE_ROUTES_RECEIVED,
  /** Seed 002 c58: DHCP messages a sink received on a DHCP access link. */
  DHCP_RECEIVED,
  /** DHCP messages that did not parse (RFC 2131, 2132). */
  DHCP_MALFORMED,
  /**
   * DHCP messages not for the sink: replies, relayed, INFORM, without a hello, for another server.
   */
  DHCP_IGNORED,
  /** Checks a sink asked of the home MSM for DHCP hellos (c60). */
  DHCP_AUTH_REQUESTS,
  DHCP_OFFERS,
  DHCP_ACKS,
  DHCP_NAKS,
  /** Nodes whose lease was bound: filter installed, the sink acting for them in AODV (c57). */
  DHCP_NODES_BOUND,
  DHCP_RELEASES,
  DHCP_LEASES_EXPIRED,
  /**
   * DHCP hellos the MSM had authorised for another sink of the site (every sink on the link hears a
   * broadcast request): no answer, no NAK, nothing installed or kept, the node not refused.
   */
  DHCP_DUPLICATE,
  /** DHCP hellos refused, for any of the reasons below; nothing installed. */
  DHCP_REFUSED,
  /** Refused by the MSM: wrong authenticator, unknown node, stale timestamp. */
  DHCP_REFUSED_REJECTED,
  /** Refused by the sink itself: a hello already taken (a replay), no MSM asked. */
  DHCP_REFUSED_REPLAYED,
  /** No MSM of the node's realm could be asked, or none answered. */
  DHCP_REFUSED_UNREACHABLE,
  /** A malformed hello, no address requested, or an answer the sink cannot apply. */
  DHCP_REFUSED_MALFORMED,
  /** A node of another realm: it could only tunnel to the foreign agent, which DHCP cannot. */
  DHCP_REFUSED_VISITOR,
  /** Over the clients the sink keeps or the requests it has at the MSM at once. */
  DHCP_REFUSED_BUSY,
  /** RREPs a sink sent for a node it acts for (c57). */
  PROXY_RREP_SENT,
  /** Datagrams carried to a node the sink acts for, over its access link. */
  PROXY_TO_NODE,
  /** Datagrams of proxied nodes held while the sink discovered their routes (c61-62). */
  PROXY_BUFFERED,
  /** Held datagrams delivered once their route existed (c62). */
  PROXY_DELIVERED,
  /** Held datagrams dropped: over the bound per node or overall, discovery failed, lease ended. */
  PROXY_DROPPED,
  /** Control messages that did not parse (bad lengths, unknown types) or claim 255 hops. */
  MALFORMED,
  /**
   * Control messages ignored: from ourselves, from a blacklisted neighbour, stale, or a RREP naming
   * us as its destination.
   */
  IGNORED
}
