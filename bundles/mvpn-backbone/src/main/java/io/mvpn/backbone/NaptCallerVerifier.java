package io.mvpn.backbone;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.workgroup.CallerVerifier;
import io.mvpn.api.workgroup.MemberId;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A member may act over a TCP connection from the NAPT's public address only if the NAPT has that
 * member (tenant and private address) behind the connection's port; connections from any other
 * address did not come through the NAPT, and their token alone decides.
 */
public final class NaptCallerVerifier implements CallerVerifier {

  private final Supplier<Ipv4Address> publicAddress;
  private final IntFunction<Optional<NaptInside>> tcpInsideOf;

  /**
   * @param publicAddress the NAPT's public address, null while there has been none
   * @param tcpInsideOf who is behind a public TCP port; it is called from the portal's thread
   */
  public NaptCallerVerifier(
      Supplier<Ipv4Address> publicAddress, IntFunction<Optional<NaptInside>> tcpInsideOf) {
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.tcpInsideOf = Objects.requireNonNull(tcpInsideOf, "tcpInsideOf");
  }

  @Override
  public boolean mayAct(MemberId member, InetSocketAddress remote) {
    if (!(remote.getAddress() instanceof Inet4Address a)
        || !Ipv4Address.parse(a.getHostAddress()).equals(publicAddress.get())) {
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
