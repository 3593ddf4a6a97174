package io.mvpn.api.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import java.util.Objects;

/**
 * Who is behind a public port: a tenant's private address and port (an ICMP echo's identifier in
 * place of the port). Private realms overlap, so the tenant is always part of it.
 */
public record NaptInside(MvpnId tenant, Ipv4Address address, int port) {

  public NaptInside {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
  }
}
