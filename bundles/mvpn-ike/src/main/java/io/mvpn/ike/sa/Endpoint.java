package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One end of an IKE datagram: IPv4 address and UDP port. NAT detection hashes exactly these (RFC
 * 7296 §2.23), and replies go to the port a request came from (§2.11).
 */
public record Endpoint(Ipv4Address address, int port) {

  public static final int IKE_PORT = 500;

  /** Where IKE and UDP-encapsulated ESP go once a NAT is detected (§2.23, RFC 3948). */
  public static final int NAT_T_PORT = 4500;

  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  public static Endpoint of(String address, int port) {
    return new Endpoint(Ipv4Address.parse(address), port);
  }

  public Endpoint withPort(int newPort) {
    return new Endpoint(address, newPort);
  }

  @Override
  public String toString() {
    return address + ":" + port;
  }
}
