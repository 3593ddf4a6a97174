package io.mvpn.fabric.tenant;

import static io.mvpn.fabric.tenant.TenantConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class TenantInstanceTest {

  @Test
  void takesIdAndRealmsFromConfiguration() {
    TenantInstance t =
        new TenantInstance(config("acme", "Acme Corp", "10.2.0.0/16", "10.1.0.0/16"));
    assertThat(t.id()).isEqualTo(MvpnId.of("acme"));
    assertThat(t.description()).isEqualTo("Acme Corp");
    assertThat(t.homeRealms())
        .containsExactly(Prefix.parse("10.1.0.0/16"), Prefix.parse("10.2.0.0/16"));
  }

  @Test
  void readsCommaSeparatedRealmsAsAPlainCfgFileGivesThem() {
    TenantInstance t =
        new TenantInstance(config("acme", "", "10.1.0.0/16, 10.2.0.0/16,10.1.0.0/16"));
    assertThat(t.homeRealms())
        .containsExactly(Prefix.parse("10.1.0.0/16"), Prefix.parse("10.2.0.0/16"));
  }

  @Test
  void aBadIdOrRealmIsRefusedNamingItsField() {
    assertThatThrownBy(() -> new TenantInstance(config("Acme Corp", "")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("mvpn.tenant");
              assertThat(e.reason()).contains("'Acme Corp'");
              assertThat(e.getStackTrace()).isEmpty();
            });
    assertThatThrownBy(() -> new TenantInstance(config("acme", "", "10.1.0.5/16")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("homeRealms");
              assertThat(e.reason()).contains("10.1.0.5/16");
            });
  }
}
