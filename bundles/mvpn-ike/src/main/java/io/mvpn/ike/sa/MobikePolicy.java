package io.mvpn.ike.sa;

/**
 * How an engine uses MOBIKE (RFC 4555) beyond announcing it in {@link PeerConfig#mobike()}.
 *
 * @param alwaysCheckReturnRoutability as responder, check every new path of a peer with an
 *     INFORMATIONAL carrying COOKIE2 before its Child SAs' ESP moves there (§3.5, §5.2.2); false
 *     checks only a suspicious one: an address the peer neither used nor announced, or a path on
 *     which a NAT appears that was not there before
 * @param noNatsAllowed as initiator, send N(NO_NATS_ALLOWED) with each address update (§3.9): the
 *     responder refuses a path with a NAT on it, answering UNEXPECTED_NAT_DETECTED
 */
public record MobikePolicy(boolean alwaysCheckReturnRoutability, boolean noNatsAllowed) {

  /** Checks suspicious paths only; NATs allowed. */
  public static MobikePolicy defaults() {
    return new MobikePolicy(false, false);
  }
}
