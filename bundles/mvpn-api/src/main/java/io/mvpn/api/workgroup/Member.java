package io.mvpn.api.workgroup;

import io.mvpn.api.Ipv4Address;
import java.util.Locale;
import java.util.Objects;

/**
 * What the mobile service manager publishes about a member (c5, c13): its fully qualified domain
 * name, its private address within its tenant, and the public address of its tenant's security
 * gateway, which is the IP-IP tunnel source of everything it sends to other realms (c3, c4, c6).
 */
public record Member(MemberId id, String fqdn, Ipv4Address gatewayAddress) {

  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(gatewayAddress, "gatewayAddress");
    fqdn = normalise(fqdn);
  }

  /** Lower case, without the trailing dot: how names are compared. */
  public static String normalise(String fqdn) {
    Objects.requireNonNull(fqdn, "fqdn");
    String f = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
    if (f.isEmpty() || f.length() > 253) {
      throw new IllegalArgumentException("bad FQDN '" + fqdn + "'");
    }
    return f.toLowerCase(Locale.ROOT);
  }
}
