package io.mvpn.api.workgroup;

import java.net.InetSocketAddress;

/**
 * Whether the member a portal token names may act over one connection. The backbone router's NAPT
 * knows which (tenant, private address) is behind each of its public ports (seed 002 c20-21), so it
 * refuses a token used from behind another member's port: a token stolen from one tenant is of no
 * use from a node of another. Connections a verifier knows nothing of are its to allow.
 */
@FunctionalInterface
public interface CallerVerifier {

  /** Knows nothing: the token alone decides. */
  CallerVerifier ANYONE = (member, remote) -> true;

  /** True if {@code member} may act over a connection from {@code remote}. */
  boolean mayAct(MemberId member, InetSocketAddress remote);
}
