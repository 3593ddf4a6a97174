package io.mvpn.api.tenant;

import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import java.util.List;

/**
 * One M-VPN served by this appliance. Each configured tenant is registered as a service of this
 * type (service property {@value #TENANT_PROPERTY} holds its id), so a function that serves tenants
 * binds them dynamically and follows tenants being added and removed at runtime.
 */
public interface Tenant {

  /** Service property carrying the tenant id on every per-tenant service. */
  String TENANT_PROPERTY = "mvpn.tenant";

  MvpnId id();

  String description();

  /** The tenant's private address realm; other tenants may use the very same prefixes. */
  List<Prefix> homeRealms();
}
