package io.mvpn.net.nat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.net.Vrf;
import java.util.concurrent.TimeUnit;

/**
 * Network address and port translation for UDP (RFC 4787 behaviour: endpoint-independent mapping,
 * an idle timeout) and TCP (RFC 5382) between one inside VRF and an outside one: what puts a mobile
 * node behind a NAT in the lab (RFC 3519). The single-realm case of {@link TenantNapt}.
 *
 * <p>Runs on the scheduler both VRFs share.
 */
public final class Napt {

  /** Mappings idle longer than this are forgotten (RFC 4787 REQ-5: at least 2 minutes). */
  public static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private static final MvpnId REALM = MvpnId.of("inside");

  private final Vrf inside;
  private final TenantNapt napt;

  public Napt(Vrf inside, Vrf outside, Ipv4Address publicAddress) {
    this.inside = inside;
    this.napt =
        new TenantNapt(
            outside, publicAddress, 40000, 0xFFFF, IDLE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
  }

  /** Takes the inside VRF's default route. */
  public void start() {
    napt.attach(REALM, inside);
  }

  public int mappings() {
    return napt.mappings().size();
  }

  public long translated() {
    return napt.translated();
  }

  public long dropped() {
    return napt.dropped();
  }
}
