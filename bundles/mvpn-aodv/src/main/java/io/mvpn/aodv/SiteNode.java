package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import java.util.List;

/**
 * A node that entered this sink's site with an authenticated hello (seed 002 c40-49), as the shell
 * shows it: its identity and address, where it stands, how often it was admitted as a member or a
 * visitor and refused, and the routes and filter rules installed for it.
 */
public record SiteNode(
    String identity,
    Ipv4Address address,
    State state,
    long admittedAsMember,
    long admittedAsVisitor,
    long refused,
    List<String> routes,
    List<String> filterRules) {

  /** Where a node stands at the sink. */
  public enum State {
    /** Its home MSM has been asked; nothing is installed yet. */
    PENDING,
    /** Admitted by the site's own MSM: routes and workgroup filter installed (c43-45). */
    MEMBER,
    /** Admitted by its home MSM of another realm: default route via the foreign agent (c46-49). */
    VISITOR,
    /** Refused; nothing installed. */
    REFUSED,
    /** Its DHCP lease ended or was released (c58): nothing installed any more. */
    LEFT
  }

  public SiteNode {
    routes = List.copyOf(routes);
    filterRules = List.copyOf(filterRules);
  }
}
