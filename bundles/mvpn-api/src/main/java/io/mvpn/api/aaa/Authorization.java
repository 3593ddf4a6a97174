package io.mvpn.api.aaa;

import java.util.List;
import java.util.Objects;

/**
 * The home MSM's answer about one node: admitted, with the static routes and the workgroup filter
 * rules (RFC 6733 IPFilterRule text, "in" from the node, "out" to it) to apply to its traffic; or
 * refused, and why.
 */
public record Authorization(Outcome outcome, List<GrantedRoute> routes, List<String> filterRules) {

  /** How the check ended. */
  public enum Outcome {
    /** The node is known, its authenticator right and its hello fresh. */
    ADMITTED,
    /** Authenticator wrong, or the hello's timestamp not newer than one already seen. */
    REJECTED,
    /** The MSM does not know the identity. */
    UNKNOWN_NODE,
    /** No MSM of the node's realm could be asked, or none answered. */
    UNREACHABLE,
    /** The request or the answer did not make sense (missing or malformed fields). */
    MALFORMED,
    /**
     * A hello (authenticated or PKI) the MSM already authorised for another sink of the same site
     * realm: the node broadcasts it to every sink on its link. Nothing to install, nothing held
     * against the node.
     */
    DUPLICATE
  }

  public Authorization {
    Objects.requireNonNull(outcome, "outcome");
    routes = List.copyOf(routes);
    filterRules = List.copyOf(filterRules);
  }

  public static Authorization admitted(List<GrantedRoute> routes, List<String> filterRules) {
    return new Authorization(Outcome.ADMITTED, routes, filterRules);
  }

  public static Authorization refused(Outcome why) {
    if (why == Outcome.ADMITTED) {
      throw new IllegalArgumentException("a refusal needs a reason");
    }
    return new Authorization(why, List.of(), List.of());
  }

  public boolean isAdmitted() {
    return outcome == Outcome.ADMITTED;
  }
}
