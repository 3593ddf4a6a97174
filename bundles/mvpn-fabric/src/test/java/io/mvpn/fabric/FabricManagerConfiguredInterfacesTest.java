package io.mvpn.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.fabric.tenant.TenantManager;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A new fabric brings up the interfaces Config Admin holds before it offers its service, so the
 * functions that start on it find their links up; the interfaces' own components then ask for what
 * is already there.
 */
class FabricManagerConfiguredInterfacesTest {

  private final FabricManager fabric = new FabricManager();

  @AfterEach
  void stop() {
    fabric.deactivate();
  }

  private static ConfigurationAdmin holding(Dictionary<String, Object> properties) {
    Configuration configuration =
        (Configuration)
            Proxy.newProxyInstance(
                Configuration.class.getClassLoader(),
                new Class<?>[] {Configuration.class},
                (proxy, method, args) ->
                    method.getName().equals("getProperties") ? properties : null);
    return (ConfigurationAdmin)
        Proxy.newProxyInstance(
            ConfigurationAdmin.class.getClassLoader(),
            new Class<?>[] {ConfigurationAdmin.class},
            (proxy, method, args) -> {
              if (method.getName().equals("listConfigurations")) {
                assertThat((String) args[0]).contains(InterfaceInstance.PID);
                return new Configuration[] {configuration};
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static Dictionary<String, Object> publicInternet() {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("service.factoryPid", InterfaceInstance.PID);
    p.put("name", "public-internet");
    p.put("vrf", "public");
    p.put("address", "203.0.113.1/24");
    p.put("transport", "mem:internet");
    p.put("routes", new String[] {"198.51.100.0/24 via 203.0.113.254"});
    return p;
  }

  private void activateWith(ConfigurationAdmin configurations) {
    fabric.tenants = new TenantManager();
    fabric.configurations = configurations;
    fabric.activate();
  }

  @Test
  void aConfiguredInterfaceIsUpWhenTheFabricOffersItsService() {
    activateWith(holding(publicInternet()));
    assertThat(fabric.findInterface("public-internet")).isPresent();
    assertThat(
            fabric
                .vrf("public")
                .orElseThrow()
                .lookup(io.mvpn.api.Ipv4Address.parse("198.51.100.1")))
        .isNotNull();
  }

  @Test
  void theInterfacesComponentAskingForTheSameConfigurationChangesNothing() {
    activateWith(holding(publicInternet()));
    var before = fabric.findInterface("public-internet").orElseThrow();
    fabric.configureInterface(
        "public",
        "public-internet",
        "203.0.113.1/24",
        "mem:internet",
        List.of("198.51.100.0/24 via 203.0.113.254"));
    assertThat(fabric.findInterface("public-internet")).containsSame(before);
  }

  @Test
  void anotherConfigurationUnderTheSameNameIsRefused() {
    activateWith(holding(publicInternet()));
    assertThatThrownBy(
            () ->
                fabric.configureInterface(
                    "public", "public-internet", "203.0.113.2/24", "mem:internet", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists already");
  }

  @Test
  void withoutConfigAdminTheFabricStartsWithoutInterfaces() {
    activateWith(null);
    assertThat(fabric.findInterface("public-internet")).isEmpty();
  }
}
