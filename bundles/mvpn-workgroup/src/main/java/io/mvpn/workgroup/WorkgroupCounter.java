package io.mvpn.workgroup;

/** What a workgroup gateway counts, as {@code mvpn:filter} shows it. */
public enum WorkgroupCounter {
  /** Datagrams of our parties wrapped in IP-IP toward another tenant's gateway (c4). */
  TUNNELLED_OUT,
  /** IP-IP datagrams from other gateways that reached us. */
  TUNNELLED_IN,
  /** Inner datagrams that were not ESP, or not addressed to us. */
  NOT_ESP,
  /** No SA for (tunnel source, SPI): unknown, or arriving through the wrong gateway (c11). */
  UNKNOWN_SA,
  /** Refused by the SA: ICV, replay, padding, expiry. */
  ESP_REFUSED,
  /** Decrypted, but the inner source is not the SA's party: a spoofed source. */
  SPOOFED_SOURCE,
  /** Refused by the workgroup filter (the filter counts why). */
  FILTERED,
  /** Admitted and delivered into the tenant's realm. */
  DELIVERED,
  /** IKE from a party behind another gateway to ours, or from that gateway back to our party. */
  KEY_EXCHANGE_IN,
  /** IKE our gateway sent to a party behind another gateway, wrapped in IP-IP. */
  KEY_EXCHANGE_OUT,
  /** ESP packets in pieces given up: their peer's reassembly was full (oldest dropped first). */
  REASSEMBLY_OVER_LIMIT,
  /** ESP packets in pieces given up: pieces that overlap or do not fit (RFC 791 §3.2). */
  REASSEMBLY_OVERLAP,
  /** ESP packets in pieces given up: not whole within 30 s. */
  REASSEMBLY_TIMEOUT
}
