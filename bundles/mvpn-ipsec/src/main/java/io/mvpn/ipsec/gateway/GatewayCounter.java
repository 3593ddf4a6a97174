package io.mvpn.ipsec.gateway;

/** What a security gateway counts, as {@code mvpn:sa} shows it. */
public enum GatewayCounter {
  /** ESP packets addressed to the gateway (raw or in UDP 4500). */
  ESP_RECEIVED,
  /** ESP packets verified, decrypted and forwarded inside. */
  ESP_ACCEPTED,
  /**
   * ESP packets dropped for want of an SA: an SPI no inbound SA has (or one of another gateway
   * address). The first packet of each such SPI is also logged with its source.
   */
  UNKNOWN_SPI,
  /** Refused by an SA: replay, ICV, padding, expiry... (per reason on the SA). */
  ESP_REFUSED,
  /** A decrypted inner datagram whose source is not the tunnel's mobile node (RFC 4301 §5.2). */
  INBOUND_SELECTOR_MISS,
  /** A datagram routed toward the tunnels that no tunnel's selectors cover. */
  OUTBOUND_SELECTOR_MISS,
  /** ESP packets sent toward mobile nodes. */
  ESP_SENT,
  /** UDP 4500 keepalives received (RFC 3948 §2.3), ignored. */
  KEEPALIVES_RECEIVED,
  /** ESP in UDP from a node whose NAT moved its mapping to another port; replies follow it. */
  NAT_PORT_MOVED,
  SIU_APPLIED,
  /** An SIU that does not parse. */
  SIU_MALFORMED,
  /** An SIU from a home agent the gateway shares no key with. */
  SIU_UNKNOWN_HOME_AGENT,
  /** An SIU whose authenticator does not verify. */
  SIU_FORGED,
  /** An SIU whose identification is old or out of the time window. */
  SIU_REPLAYED,
  /** An SIU for a mobile node without a tunnel, or from a care-of address it no longer uses. */
  SIU_UNKNOWN_SA,
  /** UDP 4500 datagrams too short to be ESP, IKE or a keepalive (RFC 3948 §2), dropped. */
  NAT_T_RUNT,
  /** IKE on UDP 4500 while no IKE responder listens on the gateway, dropped. */
  NAT_T_IKE_UNHANDLED,
  /**
   * A datagram toward a node whose ESP would exceed the outside link's MTU: dropped, and its sender
   * told the size that fits (ICMP fragmentation needed).
   */
  TOO_BIG_FOR_TUNNEL,
  /**
   * A datagram toward a node whose ESP would exceed the outside link's MTU, with DF clear: cut into
   * fragments before encryption, each sent in an ESP packet that fits (RFC 4301 §8.1).
   */
  PRE_FRAGMENTED,
  /**
   * ESP dropped because as many packets as allowed were with the ESP threads ({@code espThreads})
   * already: more traffic than they cipher.
   */
  ESP_THREADS_OVERRUN,
  /** ESP an ESP thread failed on (a fault, not the packet's): dropped. */
  ESP_THREADS_FAILED
}
