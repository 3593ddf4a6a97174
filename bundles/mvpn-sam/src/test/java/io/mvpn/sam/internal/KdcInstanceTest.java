package io.mvpn.sam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.sam.kdc.KdcException;
import io.mvpn.sam.kdc.KdcSettings;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a realm's cfg file becomes the settings its KDC starts with. */
class KdcInstanceTest {

  private static KdcInstance.Config config(String realm, String listen, String types) {
    return new KdcInstance.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return KdcInstance.Config.class;
      }

      @Override
      public String realm() {
        return realm;
      }

      @Override
      public String listen() {
        return listen;
      }

      @Override
      public boolean udp() {
        return true;
      }

      @Override
      public String encryptionTypes() {
        return types;
      }

      @Override
      public String dataDir() {
        return "${karaf.data}/kdc";
      }
    };
  }

  @Test
  void aRealmsPrincipalsLiveInItsOwnDirectoryUnderKarafData() throws Exception {
    KdcSettings settings =
        KdcInstance.settings(
            config(
                " ACME.MVPN.TEST ",
                "127.0.0.1:10088",
                "aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96"),
            "/opt/mvpn/data");

    assertThat(settings.realm()).isEqualTo("ACME.MVPN.TEST");
    assertThat(settings.dataDir()).isEqualTo(Path.of("/opt/mvpn/data/kdc/ACME.MVPN.TEST"));
    assertThat(settings.listen().getPort()).isEqualTo(10088);
    assertThat(settings.encryptionTypes())
        .isEqualTo(List.of(KdcSettings.AES256, KdcSettings.AES128));
  }

  @Test
  void aCfgAskingForRc4IsRefusedBeforeAnySocketOpens() {
    assertThatThrownBy(
            () ->
                KdcInstance.settings(
                    config("ACME.MVPN.TEST", "127.0.0.1:10088", "arcfour-hmac"), "/tmp"))
        .isInstanceOf(KdcException.class)
        .hasMessageContaining("arcfour-hmac");
  }

  @Test
  void aCfgWithoutARealmIsRefused() {
    assertThatThrownBy(
            () -> KdcInstance.settings(config("", "127.0.0.1:10088", KdcSettings.AES256), "/tmp"))
        .isInstanceOf(KdcException.class)
        .hasMessageContaining("realm");
  }

  @Test
  void aListenAddressWithoutAPortIsRefused() {
    assertThatThrownBy(
            () -> KdcInstance.settings(config("ACME.MVPN.TEST", "127.0.0.1", "aes256"), "/tmp"))
        .isInstanceOf(KdcException.class)
        .hasMessageContaining("address:port");
  }
}
