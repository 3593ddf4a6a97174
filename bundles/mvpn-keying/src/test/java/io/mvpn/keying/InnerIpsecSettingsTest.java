package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.testing.ConfigProxy;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.ike.sa.Identity;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code etc/io.mvpn.inneripsec-<tenant>.cfg} is read, and how it is refused. */
class InnerIpsecSettingsTest {

  static final byte[] PSK = HexFormat.of().parseHex("6d76706e2d696e6e65722d747573742d6b6579");

  private final MapKeyService keystore = new MapKeyService();

  /** acme's settings with {@code changes} over them (a null value removes the setting). */
  static InnerIpsecInstance.Config config(Object... changes) {
    Map<String, Object> values = new HashMap<>();
    values.put("mvpn_tenant", "acme");
    values.put("ipsecInTunnel", "required");
    values.put("psk", "keystore:acme-inner");
    values.put("nodes", new String[] {"mn.acme.example 10.1.0.5, 10.1.0.6 10.1.0.6"});
    for (int i = 0; i < changes.length; i += 2) {
      if (changes[i + 1] == null) {
        values.remove((String) changes[i]);
      } else {
        values.put((String) changes[i], changes[i + 1]);
      }
    }
    return ConfigProxy.of(InnerIpsecInstance.Config.class, values);
  }

  private InnerIpsecSettings read(InnerIpsecInstance.Config config) {
    keystore.add("acme-inner", PSK);
    return InnerIpsecSettings.read(config, new ConfiguredKeys(keystore));
  }

  @Test
  void aRequiredConfigurationReadsTheKeyFromTheKeystoreAndEachNodesHomeAddress() {
    InnerIpsecSettings s = read(config());

    assertThat(s.mode()).isEqualTo(Mode.REQUIRED);
    assertThat(s.psk()).isEqualTo(PSK);
    assertThat(s.certificate()).isFalse();
    assertThat(s.id()).isNull();
    assertThat(s.nodes())
        .containsOnly(
            Map.entry(Identity.fqdn("mn.acme.example"), Ipv4Address.parse("10.1.0.5")),
            Map.entry(Identity.ipv4(Ipv4Address.parse("10.1.0.6")), Ipv4Address.parse("10.1.0.6")));
    assertThat(InnerIpsecSettings.needsStoredKeys(config())).isTrue();
  }

  @Test
  void eachModeIsSpelledAsTheEngineNamesIt() {
    assertThat(read(config("ipsecInTunnel", "Optional")).mode()).isEqualTo(Mode.OPTIONAL);
    assertThat(read(config("ipsecInTunnel", "off", "psk", "", "nodes", null)).mode())
        .isEqualTo(Mode.OFF);
  }

  @Test
  void aBadModeIsOneClearErrorNamingTheField() {
    assertThatThrownBy(() -> read(config("ipsecInTunnel", "allow")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("ipsecInTunnel");
              assertThat(e.reason())
                  .isEqualTo("ipsecInTunnel must be required, optional or off, not 'allow'");
            });
  }

  @Test
  void aMissingAliasIsRefusedNamingTheAliasAndNeverTheKey() {
    assertThatThrownBy(() -> read(config("psk", "keystore:nobody")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("psk");
              assertThat(e.reason()).contains("nobody");
            });
  }

  @Test
  void eachOtherMistakeIsRefusedNamingItsField() {
    assertRefused(config("psk", ""), "psk");
    assertRefused(config("nodes", new String[] {"mn.acme.example"}), "nodes");
    assertRefused(
        config("nodes", new String[] {"a.example 10.1.0.5, b.example 10.1.0.5"}), "nodes");
    assertRefused(config("nodes", null), "nodes");
    assertRefused(config("auth", "eap"), "auth");
    assertRefused(config("auth", "cert", "psk", ""), "id");
    assertRefused(config("trafficSelectors", new String[] {"10.1.0.0/33"}), "trafficSelectors");
    assertRefused(config("esp", "des-md5"), "esp");
  }

  private void assertRefused(InnerIpsecInstance.Config config, String field) {
    assertThatThrownBy(() -> read(config))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
