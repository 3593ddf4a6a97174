package io.mvpn.rest;

/**
 * Where tenants are configured: adding one writes its factory configurations (which the functions
 * then bring up, exactly as from cfg files in etc/), removing one deletes them.
 */
public interface TenantConfigurations {

  /**
   * Configures the tenant, its home agent and its registration interface.
   *
   * @param user who asked, for the record the configuration keeps
   * @throws ApiException 409 naming the field when the name, address or port is taken
   */
  void create(TenantSpec spec, String user) throws ApiException;

  /**
   * Deletes the tenant's configurations (home agent and interfaces first, the tenant last).
   *
   * @return false if no tenant of that name is configured
   */
  boolean delete(String tenant) throws ApiException;
}
