package io.mvpn.securitygateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.testing.MapKeyService;
import org.junit.jupiter.api.Test;

/** How a security gateway's configuration reads the SIU keys of its home agents. */
class SecurityGatewayKeysTest {

  private final MapKeyService keystore = new MapKeyService();

  @Test
  void anSiuKeyIsReadFromTheKeystoreByAlias() {
    keystore.generate("gw1-siu-acme", 256);
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    var read =
        SecurityGatewayInstance.homeAgentKeys(
            new String[] {"198.51.100.10 4000 hmac-sha256 keystore:gw1-siu-acme"}, keys);

    assertThat(read).containsOnlyKeys(Ipv4Address.parse("198.51.100.10"));
    assertThat(read.get(Ipv4Address.parse("198.51.100.10")).spi()).isEqualTo(4000);
    assertThat(keys.inlineWarning("io.mvpn.securitygateway~gw1")).isNull();
  }

  @Test
  void anInlineSiuKeyStillReadsAndIsWarnedAbout() {
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    SecurityGatewayInstance.homeAgentKeys(
        new String[] {"198.51.100.10 4000 hmac-sha256 " + "ab".repeat(32)}, keys);

    assertThat(keys.inlineWarning("io.mvpn.securitygateway~gw1")).contains("homeAgents");
  }

  @Test
  void aMissingAliasRefusesTheConfigurationNamingTheField() {
    assertThatThrownBy(
            () ->
                SecurityGatewayInstance.homeAgentKeys(
                    new String[] {"198.51.100.10 4000 hmac-sha256 keystore:gw1-siu-acme"},
                    new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("homeAgents");
              assertThat(e.reason()).contains("'gw1-siu-acme'");
            });
  }
}
