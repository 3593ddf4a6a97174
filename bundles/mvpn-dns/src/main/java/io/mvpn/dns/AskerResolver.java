package io.mvpn.dns;

import io.mvpn.api.workgroup.MemberId;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Says which member sent a datagram or opened a connection. Private realms overlap, so the server
 * cannot name the asker from the source address alone: whoever delivers the query to the host
 * socket (a static table, a tunnel endpoint, a NAT mapping) knows the tenant.
 */
@FunctionalInterface
public interface AskerResolver {

  /** The member behind {@code source}, or empty if unknown (the zone then refuses everything). */
  Optional<MemberId> resolve(InetSocketAddress source);
}
