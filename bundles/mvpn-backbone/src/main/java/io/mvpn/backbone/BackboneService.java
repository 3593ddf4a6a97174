package io.mvpn.backbone;

import io.mvpn.api.MvpnId;
import io.mvpn.net.nat.TenantNapt;
import java.util.List;

/** The running backbone router, as the shell sees it. Snapshots. */
public interface BackboneService {

  List<TenantNapt.MappingView> mappings();

  List<MvpnId> tenants();

  long translated();

  long exhausted();

  long dropped();

  /** DNS queries the MSM's DNS answered on the backbone. */
  long dnsAnswered();
}
