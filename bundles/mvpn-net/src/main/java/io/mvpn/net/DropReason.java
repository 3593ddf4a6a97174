package io.mvpn.net;

/** Why the fabric dropped a datagram; each one is counted per VRF (and per interface or link). */
public enum DropReason {
  /** The bytes are not a valid datagram (the codec's reason is counted separately). */
  MALFORMED,
  NO_ROUTE,
  TTL_EXPIRED,
  NO_UDP_HANDLER,
  NO_PROTOCOL_HANDLER,
  /** Larger than the outgoing link's MTU with Don't Fragment set. */
  MTU_EXCEEDED,
  /** A fragment that could not be reassembled (timeout, limits, overlap). */
  REASSEMBLY,
  /** The link lost it (configured loss) or had no neighbour with the next-hop address. */
  LINK,
  /** The interface or the VRF is down. */
  DOWN,
  /** A handler threw while processing it. */
  HANDLER_ERROR
}
