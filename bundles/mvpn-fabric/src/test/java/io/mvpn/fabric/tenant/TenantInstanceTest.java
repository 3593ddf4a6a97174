package io.mvpn.fabric.tenant;

import static io.mvpn.fabric.tenant.TenantConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.AddressFormatException;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
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
  void refusesBadIdOrRealm() {
    assertThatThrownBy(() -> new TenantInstance(config("Acme Corp", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TenantInstance(config("acme", "", "10.1.0.5/16")))
        .isInstanceOf(AddressFormatException.class);
  }
}
