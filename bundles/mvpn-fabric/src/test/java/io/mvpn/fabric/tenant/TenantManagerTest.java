package io.mvpn.fabric.tenant;

import static io.mvpn.fabric.tenant.TenantConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.api.tenant.TenantEvent;
import io.mvpn.api.tenant.TenantEvent.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantManagerTest {

  private final TenantManager manager = new TenantManager();

  private final List<TenantEvent> events = new ArrayList<>();

  {
    manager.addListener(events::add);
  }

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
    assertThat(events)
        .containsExactly(
            new TenantEvent(Type.ADDED, globex),
            new TenantEvent(Type.ADDED, acme),
            new TenantEvent(Type.REMOVED, acme));
  }

  @Test
  void listenerSeesTheChangeAlreadyInForceAndAFailingListenerIsKept() {
    TenantInstance acme = new TenantInstance(config("acme", "", "10.1.0.0/16"));
    List<Boolean> visible = new ArrayList<>();
    manager.addListener(
        event -> {
          visible.add(manager.getTenant(MvpnId.of("acme")).isPresent());
          throw new IllegalStateException("listener bug");
        });
    manager.addTenant(acme);
    manager.removeTenant(acme);
    assertThat(visible).containsExactly(true, false);
    assertThat(events).hasSize(2);
  }

  @Test
  void duplicateIdStandsByUntilTheFirstGoes() {
    TenantInstance first = new TenantInstance(config("acme", "first", "10.1.0.0/16"));
    TenantInstance second = new TenantInstance(config("acme", "second", "10.9.0.0/16"));
    manager.addTenant(first);
    manager.addTenant(second);
    assertThat(manager.getTenants()).containsExactly(first);

    manager.removeTenant(second);
    manager.addTenant(second);
    manager.removeTenant(first);
    assertThat(manager.getTenant(MvpnId.of("acme"))).containsSame(second);
    assertThat(events)
        .containsExactly(
            new TenantEvent(Type.ADDED, first),
            new TenantEvent(Type.REMOVED, first),
            new TenantEvent(Type.ADDED, second));
  }
}
