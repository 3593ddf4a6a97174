package io.mvpn.api.tenant;

import io.mvpn.api.MvpnId;
import java.util.List;
import java.util.Optional;

/** The tenants this appliance serves right now. */
public interface TenantService {

  /** All tenants, ordered by id. */
  List<Tenant> getTenants();

  Optional<Tenant> getTenant(MvpnId id);

  /**
   * Registers a listener for tenants coming and going. Events are delivered after the change is
   * visible through {@link #getTenant}; a listener that throws is logged and kept.
   */
  void addListener(TenantListener listener);

  void removeListener(TenantListener listener);
}
