package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.aaa.NodeAuthority;
import java.util.Objects;
import java.util.Set;

/**
 * What makes a mobility router a site's sink for nodes entering with authenticated hellos (seed 002
 * c40-49): who checks them (the home MSM, or a Diameter client asking it), the realm of the site's
 * own MSM (a node of another realm is a visitor), the foreign agent visitors tunnel to, and the
 * access links: on those, a neighbour that has not been admitted is not listened to at all; on the
 * others (links to the site's own routers) only a node that asked to enter and was refused is not.
 */
public record SitePolicy(
    NodeAuthority authority, String realm, Ipv4Address foreignAgent, Set<String> accessLinks) {

  public SitePolicy {
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(foreignAgent, "foreignAgent");
    accessLinks = Set.copyOf(accessLinks);
  }
}
