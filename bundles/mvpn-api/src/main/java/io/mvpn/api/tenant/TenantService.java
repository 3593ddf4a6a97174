package io.mvpn.api.tenant;

import io.mvpn.api.MvpnId;
import java.util.List;
import java.util.Optional;

/** The tenants this appliance serves right now. */
public interface TenantService {

  /** All tenants, ordered by id. */
  List<Tenant> getTenants();

  Optional<Tenant> getTenant(MvpnId id);
}
