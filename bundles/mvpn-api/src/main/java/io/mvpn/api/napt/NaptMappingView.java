package io.mvpn.api.napt;

/**
 * A live mapping as {@code mvpn:napt} lists it: {@code state} is {@code open} for UDP and ICMP,
 * {@code transitory} or {@code established} for TCP (RFC 5382).
 */
public record NaptMappingView(
    int protocol, NaptInside inside, int publicPort, long idleNanos, String state) {

  /** "udp", "tcp" or "icmp" (an echo identifier in place of the port). */
  public String protocolName() {
    // IANA protocol numbers: the api knows no codec constants.
    return switch (protocol) {
      case 6 -> "tcp";
      case 1 -> "icmp";
      default -> "udp";
    };
  }
}
