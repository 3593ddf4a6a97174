package io.mvpn.store.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.keys.KeyService;
import io.mvpn.api.keys.WrongKeystorePasswordException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyManagerTest {

  @TempDir Path dir;

  private KeyManager.Config config(String password, String... firstKeys) {
    String path = dir.resolve("mvpn-keys.p12").toString();
    return new KeyManager.Config() {
      @Override
      public Class<? extends Annotation> annotationType() {
        return KeyManager.Config.class;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String password() {
        return password;
      }

      @Override
      public String passwordVariable() {
        return KeyManager.PASSWORD_VARIABLE;
      }

      @Override
      public String[] firstKeys() {
        return firstKeys;
      }
    };
  }

  @Test
  void theDemoKeysOfTheConfigurationAreInTheKeystoreItCreates() {
    KeyManager keys = new KeyManager(name -> null, new Registry());
    keys.open(config("demo", "acme-mn 00112233445566778899aabbccddeeff, globex-mn ffee"), true);

    assertThat(HexFormat.of().formatHex(keys.key("acme-mn").getEncoded()))
        .isEqualTo("00112233445566778899aabbccddeeff");
    assertThat(keys.key("globex-mn").getEncoded()).hasSize(2);
  }

  @Test
  void theEnvironmentVariableWinsOverTheConfiguredPassword() {
    KeyManager fromEnvironment =
        new KeyManager(Map.of(KeyManager.PASSWORD_VARIABLE, "secret")::get, new Registry());
    fromEnvironment.open(config("demo"), true);
    fromEnvironment.add("acme-mn", new byte[16]);

    KeyManager withoutIt = new KeyManager(name -> null, new Registry());
    withoutIt.open(config("demo"), true);

    assertThatThrownBy(() -> withoutIt.key("acme-mn"))
        .isInstanceOf(WrongKeystorePasswordException.class);
    assertThatThrownBy(withoutIt::list).isInstanceOf(WrongKeystorePasswordException.class);
  }

  @Test
  void aCorrectedPasswordReopensTheKeystoreInPlace() {
    new KeyManager(name -> null, new Registry()).open(config("right", "acme-mn 0011"), true);
    KeyManager keys = new KeyManager(name -> null, new Registry());
    keys.open(config("wrong"), true);

    keys.open(config("right"), true); // @Modified: the same service object

    assertThat(keys.list()).extracting(k -> k.alias()).containsExactly("acme-mn");
  }

  @Test
  void theKeyServiceIsOfferedOnlyOnceAKeystoreIsOpenAndStaysThroughARejectedChange() {
    new KeyManager(name -> null, new Registry()).open(config("right", "acme-mn 0011"), true);
    Registry registry = new Registry();
    KeyManager keys = new KeyManager(name -> null, registry);

    keys.open(config(""), false); // no password yet: functions needing keys wait
    assertThat(registry.offered).isNull();
    keys.open(config("wrong"), true);
    assertThat(registry.offered).isNull();

    keys.open(config("right"), true);
    assertThat(registry.offered).isSameAs(keys);
    keys.open(config("wrong again"), true); // rejected: the open keystore stays
    assertThat(registry.offered).isSameAs(keys);
    assertThat(registry.offers).isEqualTo(1);
    assertThat(HexFormat.of().formatHex(keys.key("acme-mn").getEncoded())).isEqualTo("0011");
  }

  @Test
  void aMalformedFirstKeyIsReportedByItsPlaceNeverQuoted() {
    KeyManager keys = new KeyManager(name -> null, new Registry());
    keys.open(config("demo", "acme-mn 0011", "00112233445566778899aabbccddeeff"), true);

    assertThatThrownBy(() -> keys.key("acme-mn"))
        .hasMessageContaining("entry 2")
        .hasMessageNotContaining("00112233");
  }

  /** The service registry as the manager sees it. */
  private static final class Registry implements KeyManager.Offer {
    KeyService offered;
    int offers;

    @Override
    public void offer(KeyService keys) {
      if (offered == null) {
        offered = keys;
        offers++;
      }
    }

    @Override
    public void withdraw() {
      offered = null;
    }
  }
}
