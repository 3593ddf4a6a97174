package io.mvpn.keying;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.config.InvalidConfigurationException;
import io.mvpn.api.keys.ConfiguredKeys;
import io.mvpn.api.testing.MapKeyService;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** How an IKE daemon's configuration reads its peers' pre-shared keys. */
class IkeDaemonKeysTest {

  private final MapKeyService keystore = new MapKeyService();

  @Test
  void aPreSharedKeyIsReadFromTheKeystoreAndTheParserGetsIt() {
    byte[] psk = "mvpn-appliance-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    keystore.add("site-psk", psk);
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    var lines =
        IkeDaemon.peerLines(
            new String[] {
              "site remote=127.0.0.1:15600 id=a.example remoteId=b.example psk=keystore:site-psk;"
                  + " rw id=a.example remoteId=rw.example auth=cert"
            },
            keys);
    PeerSpec site = PeerSpec.parse(lines.get(0), null, "a.example");

    assertThat(lines).hasSize(2);
    assertThat(site.psk()).isEqualTo(psk);
    assertThat(lines.get(1)).isEqualTo("rw id=a.example remoteId=rw.example auth=cert");
    assertThat(keys.inlineWarning("io.mvpn.ike~ike1")).isNull();
  }

  @Test
  void anInlinePskStillReadsAndIsWarnedAbout() {
    ConfiguredKeys keys = new ConfiguredKeys(keystore);

    var lines =
        IkeDaemon.peerLines(
            new String[] {"site id=a.example remoteId=b.example psk=0x6d76706e2d74657374"}, keys);

    assertThat(PeerSpec.parse(lines.get(0), null, "a.example").psk())
        .isEqualTo(HexFormat.of().parseHex("6d76706e2d74657374"));
    assertThat(keys.inlineWarning("io.mvpn.ike~ike1")).contains("peers");
  }

  @Test
  void aMissingAliasRefusesTheConfigurationNamingTheFieldNotTheKey() {
    assertThatThrownBy(
            () ->
                IkeDaemon.peerLines(
                    new String[] {"site id=a.example remoteId=b.example psk=keystore:gone"},
                    new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("peers");
              assertThat(e.reason().toLowerCase(Locale.ROOT)).contains("'gone'");
            });
  }

  @Test
  void aBadPeerLineWithAStoredKeyIsRefusedWithoutQuotingTheKey() {
    keystore.add("site-psk", HexFormat.of().parseHex("6d76706e2d736974652d707368"));

    assertThatThrownBy(
            () ->
                IkeDaemon.peerLines(
                    new String[] {"site id=a.example psk=keystore:site-psk nonsense"},
                    new ConfiguredKeys(keystore)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("peers");
              assertThat(e.reason()).contains("keystore:site-psk").doesNotContain("6d76706e");
            });
  }
}
