package io.mvpn.ipsec.gateway;

/**
 * How large an inner datagram a tunnel can carry over the outside link toward its node. The outside
 * VRF fragments nothing, so an ESP packet larger than that link would be lost without a word; the
 * gateway instead refuses the inner datagram and tells its sender what fits, with ICMP
 * "fragmentation needed" (RFC 4301 §8.2, RFC 1191), as a kernel's IPsec does: a TUN or Ethernet
 * link of 1400 or 1500 bytes then carries TCP at full segments after one round of path MTU
 * discovery.
 */
final class TunnelMtu {

  private static final int IPV4_HEADER = 20;
  private static final int UDP_HEADER = 8;

  /** Padding beyond the 2-byte trailer is below the largest alignment, 16 bytes (AES-CBC). */
  private static final int MAX_PADDING = 15;

  private TunnelMtu() {}

  /** The outer datagram's length (IPv4, UDP 4500 if used, ESP) for an inner one. */
  static int outerLength(MobileTunnel tunnel, int innerLength) {
    return IPV4_HEADER
        + (tunnel.udpEncapsulated() ? UDP_HEADER : 0)
        + tunnel.outbound().espLength(innerLength);
  }

  /** The largest inner datagram whose outer one fits a link of {@code linkMtu}; 0 if none. */
  static int largestInner(MobileTunnel tunnel, int linkMtu) {
    // outerLength(0) holds the trailer padded once: no larger inner length can fit than this.
    int inner = linkMtu - outerLength(tunnel, 0) + MAX_PADDING;
    while (inner > 0 && outerLength(tunnel, inner) > linkMtu) {
      inner--;
    }
    return Math.max(inner, 0);
  }
}
