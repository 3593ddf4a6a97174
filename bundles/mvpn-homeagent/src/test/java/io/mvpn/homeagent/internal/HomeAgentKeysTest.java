package io.mvpn.homeagent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.testing.ConfigProxy;
import io.mvpn.api.testing.MapKeyService;
import io.mvpn.homeagent.internal.HomeAgentInstance.Associations;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a home agent's configuration reads its MN-HA, FA-HA and SIU keys. */
class HomeAgentKeysTest {

  private static final byte[] MN_HA = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  private static final byte[] FA_HA = HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100");
  private static final byte[] SIU = new byte[32];

  private final MapKeyService keystore = new MapKeyService();

  private static HomeAgentInstance.Config config(String nodes, String fas, String gateways) {
    return ConfigProxy.of(
        HomeAgentInstance.Config.class,
        Map.of(
            "mobileNodes", new String[] {nodes},
            "foreignAgents", new String[] {fas},
            "securityGateways", new String[] {gateways}));
  }

  @Test
  void everyKindOfKeyIsReadFromTheKeystoreByAlias() {
    keystore.add("acme-mn", MN_HA);
    keystore.add("fa1-acme", FA_HA);
    keystore.add("gw1-siu", SIU);
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    Associations read =
        Associations.read(
            config(
                "10.1.0.5 1000 hmac-md5 keystore:acme-mn",
                "203.0.113.11 2000 hmac-md5 keystore:fa1-acme",
                "198.51.100.2 4000 hmac-sha256 keystore:gw1-siu"),
            keys);

    assertThat(read.mobileNodes())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.peer()).isEqualTo(Ipv4Address.parse("10.1.0.5"));
              assertThat(a.key()).isEqualTo(MN_HA);
            });
    assertThat(read.foreignAgents().get(0).key()).isEqualTo(FA_HA);
    assertThat(read.securityGateways().get(0).key()).isEqualTo(SIU);
    assertThat(keys.inlineWarning("io.mvpn.homeagent~acme")).isNull();
  }

  @Test
  void inlineKeysStillWorkAndAreNamedInTheWarning() {
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    Associations read =
        Associations.read(
            config("10.1.0.5 1000 hmac-md5 00112233445566778899aabbccddeeff", "", ""), keys);

    assertThat(read.mobileNodes().get(0).key()).isEqualTo(MN_HA);
    assertThat(keys.inlineWarning("io.mvpn.homeagent~acme")).contains("mobileNodes");
  }

  @Test
  void aMissingAliasRefusesTheConfigurationNamingTheField() {
    assertThatThrownBy(
            () ->
                Associations.read(
                    config("", "203.0.113.11 2000 hmac-md5 keystore:fa1-acme", ""),
                    new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("foreignAgents");
              assertThat(e.reason()).contains("'fa1-acme'");
            });
  }

  @Test
  void aMalformedEntryIsRefusedNamingTheFieldToo() {
    assertThatThrownBy(
            () ->
                Associations.read(
                    config("10.1.0.5 1000 hmac-md5", "", ""), new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> assertThat(e.field()).isEqualTo("mobileNodes"));
  }
}
