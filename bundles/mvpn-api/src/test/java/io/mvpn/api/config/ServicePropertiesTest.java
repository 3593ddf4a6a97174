package io.mvpn.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a service registered by hand shows of its configuration: no framework keys, no secrets. */
class ServicePropertiesTest {

  @Test
  void itKeepsThePublicFieldsAndDropsTheFrameworksOwn() {
    var properties =
        ServiceProperties.of(
            Map.of(
                "mvpn.tenant", "acme",
                "service.pid", "io.mvpn.inneripsec~acme",
                "component.name", "x",
                ".hidden", "y",
                "objectClass", "z"));

    assertThat(Collections.list(properties.keys()))
        .containsExactlyInAnyOrder("mvpn.tenant", "service.pid");
  }

  @Test
  void fieldsNamedSecretAreLeftOutWhateverTheirCase() {
    var properties =
        ServiceProperties.of(
            Map.of(
                "mvpn.tenant", "acme",
                "psk", "00112233",
                "linkLogin.masterKeys", new String[] {"mn@acme 0011"},
                "radius.sharedSecret", "s",
                "admin.Password", "p",
                "signingKey", "k",
                "keystoreAlias", "kept"));

    assertThat(Collections.list(properties.keys()))
        .containsExactlyInAnyOrder("mvpn.tenant", "keystoreAlias");
  }

  @Test
  void fieldsTheCallerNamesAreLeftOutToo() {
    var properties =
        ServiceProperties.of(
            Map.of("mvpn.tenant", "acme", "mobileNodes", new String[] {"10.1.0.5 1000 x 00"}),
            "mobileNodes");

    assertThat(Collections.list(properties.keys())).containsExactly("mvpn.tenant");
  }
}
