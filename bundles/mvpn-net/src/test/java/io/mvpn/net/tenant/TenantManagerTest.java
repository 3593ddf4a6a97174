package io.mvpn.net.tenant;

import static io.mvpn.net.tenant.TenantConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import org.junit.jupiter.api.Test;

class TenantManagerTest {

  private final TenantManager manager = new TenantManager();

  @Test
  void followsTenantsComingAndGoing() {
    TenantInstance globex = new TenantInstance(config("globex", "", "10.1.0.0/16"));
    TenantInstance acme = new TenantInstance(config("acme", "", "10.1.0.0/16"));
    manager.addTenant(globex);
    manager.addTenant(acme);
    assertThat(manager.getTenants()).containsExactly(acme, globex);

    manager.removeTenant(acme);
    assertThat(manager.getTenants()).containsExactly(globex);
    assertThat(manager.getTenant(MvpnId.of("acme"))).isEmpty();
  }

  @Test
  void duplicateIdStandsByUntilTheFirstGoes() {
    TenantInstance first = new TenantInstance(config("acme", "first", "10.1.0.0/16"));
    TenantInstance second = new TenantInstance(config("acme", "second", "10.9.0.0/16"));
    manager.addTenant(first);
    manager.addTenant(second);
    assertThat(manager.getTenants()).containsExactly(first);

    manager.removeTenant(first);
    assertThat(manager.getTenant(MvpnId.of("acme"))).containsSame(second);
  }
}
