package io.mvpn.store.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.keys.KeystoreException;
import io.mvpn.api.keys.StoredKey;
import io.mvpn.api.keys.UnknownKeyException;
import io.mvpn.api.keys.WrongKeystorePasswordException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12KeyFileTest {

  private static final char[] PASSWORD = "correct horse".toCharArray();
  private static final byte[] MN_HA = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("etc/mvpn-keys.p12");
  }

  @Test
  void aMissingKeystoreIsCreatedOwnerOnlyWithItsFirstKeys() throws Exception {
    Pkcs12KeyFile keys = Pkcs12KeyFile.open(file(), PASSWORD, Map.of("acme-mn", MN_HA));

    assertThat(file()).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
    assertThat(keys.key("acme-mn").getEncoded()).isEqualTo(MN_HA);
    assertThat(keys.list()).containsExactly(new StoredKey("acme-mn", "HmacSHA256", 128));
  }

  @Test
  void firstKeysAreIgnoredOnceTheKeystoreExists() {
    Pkcs12KeyFile.open(file(), PASSWORD, Map.of()).add("acme-mn", new byte[] {1, 2, 3, 4});

    Pkcs12KeyFile reopened = Pkcs12KeyFile.open(file(), PASSWORD, Map.of("acme-mn", MN_HA));

    assertThat(reopened.key("acme-mn").getEncoded()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void addedGeneratedAndRemovedKeysPersistIntoANewInstance() {
    Pkcs12KeyFile keys = Pkcs12KeyFile.open(file(), PASSWORD, Map.of());
    keys.add("acme-mn", MN_HA);
    StoredKey random = keys.generate("ike1-psk", 256);
    keys.add("old", new byte[8]);
    assertThat(keys.remove("old")).isTrue();
    assertThat(keys.remove("old")).isFalse();

    Pkcs12KeyFile reopened = Pkcs12KeyFile.open(file(), PASSWORD, Map.of());

    assertThat(random.bits()).isEqualTo(256);
    assertThat(reopened.list())
        .extracting(StoredKey::alias, StoredKey::bits)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acme-mn", 128),
            org.assertj.core.groups.Tuple.tuple("ike1-psk", 256));
    assertThat(reopened.key("acme-mn").getEncoded()).isEqualTo(MN_HA);
    assertThat(reopened.key("ike1-psk").getEncoded())
        .isEqualTo(keys.key("ike1-psk").getEncoded())
        .isNotEqualTo(new byte[32]);
  }

  @Test
  void aKeyAddedUnderATakenAliasReplacesTheOldOne() {
    Pkcs12KeyFile keys = Pkcs12KeyFile.open(file(), PASSWORD, Map.of());
    keys.add("acme-mn", new byte[16]);
    keys.add("acme-mn", MN_HA);

    assertThat(Pkcs12KeyFile.open(file(), PASSWORD, Map.of()).key("acme-mn").getEncoded())
        .isEqualTo(MN_HA);
  }

  @Test
  void anUnknownAliasIsATypedErrorNamingIt() {
    Pkcs12KeyFile keys = Pkcs12KeyFile.open(file(), PASSWORD, Map.of());

    assertThatThrownBy(() -> keys.key("nobody"))
        .isInstanceOf(UnknownKeyException.class)
        .hasMessageContaining("'nobody'");
  }

  @Test
  void aWrongPasswordIsATypedErrorAndLeavesTheFileAlone() throws Exception {
    Pkcs12KeyFile.open(file(), PASSWORD, Map.of("acme-mn", MN_HA));
    byte[] before = Files.readAllBytes(file());

    assertThatThrownBy(() -> Pkcs12KeyFile.open(file(), "wrong".toCharArray(), Map.of()))
        .isInstanceOf(WrongKeystorePasswordException.class)
        .hasMessageContaining(file().toString());
    assertThat(Files.readAllBytes(file())).isEqualTo(before);
  }

  @Test
  void noPasswordIsRefusedBeforeAnyFileIsWritten() {
    assertThatThrownBy(() -> Pkcs12KeyFile.open(file(), new char[0], Map.of()))
        .isInstanceOf(KeystoreException.class)
        .hasMessageContaining("password");
    assertThat(file()).doesNotExist();
  }

  @Test
  void aliasesACfgFileCannotWriteAreRefused() {
    Pkcs12KeyFile keys = Pkcs12KeyFile.open(file(), PASSWORD, Map.of());

    assertThatThrownBy(() -> keys.add("two words", MN_HA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.add("a,b", MN_HA)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.generate("odd", 12)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFileIsARealPkcs12KeystoreTheJdkReadsWithThePassword() throws Exception {
    Pkcs12KeyFile.open(file(), PASSWORD, Map.of("acme-mn", MN_HA));

    java.security.KeyStore jdk = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file())) {
      jdk.load(in, PASSWORD);
    }
    assertThat(jdk.getKey("acme-mn", PASSWORD).getEncoded()).isEqualTo(MN_HA);
  }
}
