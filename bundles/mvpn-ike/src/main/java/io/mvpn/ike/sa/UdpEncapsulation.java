package io.mvpn.ike.sa;

import java.util.Objects;

/**
 * Where a Child SA's ESP goes in UDP (RFC 3948) when NAT detection found a NAT on the path: from
 * this end's IKE endpoint on port 4500 to the peer's, the ports IKE itself floated to, so that ESP
 * and IKE share one NAT mapping (RFC 7296 §2.23). The peer's port is whatever its NAT made of 4500.
 *
 * @param local where this end sends ESP from and receives it on
 * @param remote where this end sends ESP to
 */
public record UdpEncapsulation(Endpoint local, Endpoint remote) {

  public UdpEncapsulation {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
  }

  @Override
  public String toString() {
    return "ESP in UDP " + local + " > " + remote;
  }
}
