package io.mvpn.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.config.InvalidConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterfaceConfigFieldsTest {

  private static String refusedField(
      String vrf, String name, String address, String transport, List<String> routes) {
    try {
      InterfaceConfig.parse(vrf, name, address, transport, routes);
    } catch (InvalidConfigurationException e) {
      assertThat(e.getStackTrace()).isEmpty();
      return e.field() + ": " + e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void eachBadValueIsRefusedNamingTheKeyOfTheCfgFile() {
    assertThat(refusedField("acme", "acme-lan", "10.1.0.1", "mem:acme", List.of()))
        .isEqualTo("address: 10.1.0.1 needs a /length");
    assertThat(refusedField("acme", "acme-lan", "10.1.0.300/16", "mem:acme", List.of()))
        .startsWith("address: ");
    assertThat(refusedField("acme", "acme-lan", "10.1.0.1/16", "carrier-pigeon:1", List.of()))
        .startsWith("transport: ");
    assertThat(
            refusedField(
                "acme", "acme-lan", "10.1.0.1/16", "mem:acme", List.of("10.2.0.0/16 by x")))
        .startsWith("routes: ");
    assertThat(refusedField("", "acme-lan", "10.1.0.1/16", "mem:acme", List.of()))
        .isEqualTo("vrf: an interface needs a VRF");
  }

  @Test
  void aGoodConfigurationReads() {
    assertThatThrownBy(() -> refusedField("acme", "acme-lan", "10.1.0.1/16", "mem:acme", List.of()))
        .hasMessage("accepted");
  }
}
