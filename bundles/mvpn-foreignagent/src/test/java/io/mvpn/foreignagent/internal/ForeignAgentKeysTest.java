package io.mvpn.foreignagent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.testing.ConfigProxy;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.foreignagent.internal.ForeignAgentInstance.AgentKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a foreign agent's configuration reads its FA-HA and MN-FA keys. */
class ForeignAgentKeysTest {

  private final MapKeyService keystore = new MapKeyService();

  private static ForeignAgentInstance.Config config(String homeAgents, String mobileNodes) {
    return ConfigProxy.of(
        ForeignAgentInstance.Config.class,
        Map.of(
            "homeAgents", new String[] {homeAgents},
            "mobileNodes", new String[] {mobileNodes}));
  }

  @Test
  void faHaAndMnFaKeysAreReadFromTheKeystoreByAlias() {
    keystore.generate("fa1-acme-ha", 128);
    keystore.generate("fa1-acme-mn", 256);
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    AgentKeys read =
        AgentKeys.read(
            config(
                "198.51.100.10 2000 hmac-md5 keystore:fa1-acme-ha",
                "198.51.100.10 10.1.0.5 3000 hmac-sha256 keystore:fa1-acme-mn"),
            keys);

    assertThat(read.homeAgents()).containsOnlyKeys(Ipv4Address.parse("198.51.100.10"));
    assertThat(read.homeAgents().get(Ipv4Address.parse("198.51.100.10")).spi()).isEqualTo(2000);
    assertThat(read.mobileNodes())
        .containsOnlyKeys(
            new ForeignAgent.Mobile(
                Ipv4Address.parse("198.51.100.10"), Ipv4Address.parse("10.1.0.5")));
    assertThat(keys.inlineWarning("io.mvpn.foreignagent~fa1")).isNull();
  }

  @Test
  void anInlineFaHaKeyStillReadsAndIsWarnedAbout() {
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    AgentKeys read =
        AgentKeys.read(
            config("198.51.100.10 2000 hmac-md5 00112233445566778899aabbccddeeff", ""), keys);

    assertThat(read.homeAgents()).hasSize(1);
    assertThat(keys.inlineWarning("io.mvpn.foreignagent~fa1")).contains("homeAgents");
  }

  @Test
  void aMissingAliasRefusesTheConfigurationNamingTheField() {
    assertThatThrownBy(
            () ->
                AgentKeys.read(
                    config("", "198.51.100.10 10.1.0.5 3000 hmac-sha256 keystore:gone"),
                    new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("mobileNodes");
              assertThat(e.reason()).contains("'gone'");
            });
  }
}
