package io.mvpn.api.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.testing.MapKeyService;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class ConfiguredKeysTest {

  private static final String MN_HA = "00112233445566778899aabbccddeeff";

  private final MapKeyService store = new MapKeyService();

  @Test
  void aKeystoreReferenceInTheLastWordBecomesTheStoredKeyAsHex() {
    store.add("acme-mn", HexFormat.of().parseHex(MN_HA));
    ConfiguredKeys keys = new ConfiguredKeys(store);

    assertThat(keys.lastWords("mobileNodes", List.of("10.1.0.5 1000 hmac-md5 keystore:acme-mn")))
        .containsExactly("10.1.0.5 1000 hmac-md5 " + MN_HA);
    assertThat(keys.inlineWarning("io.mvpn.homeagent~acme")).isNull();
  }

  @Test
  void inlineHexStillReadsAndYieldsOneWarningNamingEveryFieldThatHoldsIt() {
    ConfiguredKeys keys = new ConfiguredKeys(store);

    assertThat(keys.lastWords("mobileNodes", List.of("10.1.0.5 1000 hmac-md5 " + MN_HA)))
        .containsExactly("10.1.0.5 1000 hmac-md5 " + MN_HA);
    keys.lastWords("foreignAgents", List.of("203.0.113.11 2000 hmac-md5 " + MN_HA));
    keys.lastWords("mobileNodes", List.of("10.1.0.6 1001 hmac-md5 " + MN_HA));

    String warning = keys.inlineWarning("io.mvpn.homeagent~acme");
    assertThat(warning)
        .contains("io.mvpn.homeagent~acme", "foreignAgents, mobileNodes", "mvpn:keys add")
        .doesNotContain(MN_HA);
  }

  @Test
  void aMissingAliasIsRefusedNamingTheFieldAndTheAlias() {
    ConfiguredKeys keys = new ConfiguredKeys(store);

    assertThatThrownBy(
            () -> keys.lastWords("mobileNodes", List.of("10.1.0.5 1000 hmac-md5 keystore:gone")))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("mobileNodes");
              assertThat(e.reason()).contains("'gone'");
              assertThat(e.getStackTrace()).isEmpty();
            });
  }

  @Test
  void aReferenceWithoutAKeyServiceIsRefusedAndInlineKeysNeedNone() {
    ConfiguredKeys keys = new ConfiguredKeys(null);

    assertThat(keys.hex("homeAgents", MN_HA)).isEqualTo(MN_HA);
    assertThatThrownBy(() -> keys.hex("homeAgents", "keystore:gw1-siu"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("homeAgents")
        .hasMessageContaining("no key service");
    assertThatThrownBy(() -> keys.hex("homeAgents", "keystore:"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("needs an alias");
  }

  @Test
  void aNamedWordSuchAsAPskIsResolvedAndTheOtherWordsAreKept() {
    store.add("ike1-psk", new byte[] {0x6d, 0x76});
    ConfiguredKeys keys = new ConfiguredKeys(store);

    assertThat(
            keys.namedWords(
                "peers", "psk", List.of("site  remote=203.0.113.9 psk=keystore:ike1-psk id=a")))
        .containsExactly("site remote=203.0.113.9 psk=6d76 id=a");
    assertThat(keys.namedWords("peers", "psk", List.of("rw auth=cert")))
        .containsExactly("rw auth=cert");
    assertThat(keys.inlineWarning("io.mvpn.ike~ike1")).isNull();
  }

  @Test
  void aWrongKeystorePasswordReachesTheFunctionAsItsRefusalReason() {
    KeyService locked =
        new MapKeyService() {
          @Override
          public SecretKey key(String alias) {
            throw new WrongKeystorePasswordException("etc/mvpn-keys.p12");
          }
        };

    assertThatThrownBy(() -> new ConfiguredKeys(locked).hex("homeAgents", "keystore:gw1-siu"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("does not open with the configured password");
  }

  @Test
  void aParserRefusingALineWithAStoredKeyNeverQuotesTheKey() {
    store.add("acme-mn", HexFormat.of().parseHex(MN_HA));
    ConfiguredKeys keys = new ConfiguredKeys(store);

    assertThatThrownBy(
            () ->
                keys.read(
                    "mobileNodes",
                    () -> {
                      String line =
                          keys.lastWords("mobileNodes", List.of("10.1.0.5 keystore:acme-mn"))
                              .get(0);
                      throw new IllegalArgumentException(
                          "security association '" + line + "': bad");
                    }))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("mobileNodes");
              assertThat(e.reason())
                  .isEqualTo("security association '10.1.0.5 keystore:acme-mn': bad")
                  .doesNotContain(MN_HA);
            });
  }
}
