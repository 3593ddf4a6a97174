package io.mvpn.backbone;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.net.nat.TenantNapt;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A member may act over a TCP connection from the NAPT's public address only if the NAPT has that
 * member (tenant and private address) behind the connection's port; connections from any other
 * address did not come through the NAPT, and their token alone decides.
 */
public final class NaptCallerVerifier implements CallerVerifier {

  private final Ipv4Address publicAddress;
  private final IntFunction<Optional<TenantNapt.Inside>> tcpInsideOf;

  /**
   * @param tcpInsideOf who is behind a public TCP port ({@link TenantNapt#insideOf(int, int)}), on
   *     the NAPT's own thread; it is called from the portal's
   */
  public NaptCallerVerifier(
      Ipv4Address publicAddress, IntFunction<Optional<TenantNapt.Inside>> tcpInsideOf) {
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.tcpInsideOf = Objects.requireNonNull(tcpInsideOf, "tcpInsideOf");
  }

  @Override
  public boolean mayAct(MemberId member, InetSocketAddress remote) {
    if (!(remote.getAddress() instanceof Inet4Address a)
        || !Ipv4Address.parse(a.getHostAddress()).equals(publicAddress)) {
      return true;
    }
    return tcpInsideOf
        .apply(remote.getPort())
        .map(
            inside ->
                inside.tenant().equals(member.tenant())
                    && inside.address().equals(member.privateAddress()))
        .orElse(false);
  }
}
