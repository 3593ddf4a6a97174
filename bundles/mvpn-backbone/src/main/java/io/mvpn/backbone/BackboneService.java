package io.mvpn.backbone;

import io.mvpn.api.MvpnId;
import java.util.List;

/** The running backbone router, as the shell sees it. Snapshots. */
public interface BackboneService {

  List<MvpnId> tenants();

  /** Whether a NAPT service is bound now. */
  boolean translating();

  /** Datagrams either way dropped because no NAPT service was bound. */
  long withoutNapt();

  /** Datagrams for their own tenant's home realms that reached the NAPT, dropped unsent. */
  long toOwnRealm();

  /** Whether a workgroup DNS service is bound now (false too without an MSM address). */
  boolean answeringDns();

  /** DNS queries answered on the MSM's address. */
  long dnsAnswered();

  /** DNS queries dropped: no DNS service, not through the NAPT, or nobody behind the port. */
  long dnsUnanswered();
}
