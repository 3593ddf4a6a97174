package io.mvpn.api.aaa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.util.Objects;

/**
 * A static route the home MSM grants a node (c43): a prefix, its gateway (0.0.0.0: none, the prefix
 * is reached over the site's AODV) and a metric, lower preferred.
 */
public record GrantedRoute(Prefix prefix, Ipv4Address gateway, int metric) {

  public GrantedRoute {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(gateway, "gateway");
    if (metric < 0 || metric > 255) {
      throw new IllegalArgumentException("metric " + metric);
    }
  }
}
