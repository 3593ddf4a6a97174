package io.mvpn.fabric.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.keys.KeyService;
import io.mvpn.api.testing.MapKeyService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What {@code mvpn:keys} does to a keystore, and that its list never shows a key. */
class KeysCommandTest {

  private final KeyService keys = new MapKeyService();

  private final List<String> prompts = new ArrayList<>();
  private String typed;

  private String run(String action, String alias, String... trailing) {
    KeysCommand command = new KeysCommand();
    command.action = action;
    command.alias = alias;
    command.trailing = List.of(trailing);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    command.run(
        keys,
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        prompt -> {
          prompts.add(prompt);
          return typed;
        });
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void keysAddedByHexAndAtRandomAreListedByAliasAndLengthAndRemoved() {
    assertThat(run("add", "acme-mn", "--hex", "00112233445566778899aabbccddeeff"))
        .contains("stored acme-mn (128 bits)", "keystore:acme-mn");
    assertThat(run("add", "ike1-psk", "--random", "256")).contains("stored ike1-psk (256 bits)");

    String list = run("list", null);
    assertThat(list).contains("acme-mn", "ike1-psk", "HmacSHA256", "128", "256");

    assertThat(run("remove", "acme-mn")).contains("removed acme-mn");
    assertThat(run("remove", "acme-mn")).contains("no key acme-mn");
    assertThat(run("list", null)).doesNotContain("acme-mn");
  }

  @Test
  void noListOutputContainsTheBytesOfAnyKey() {
    run("add", "acme-mn", "--hex", "00112233445566778899aabbccddeeff");
    run("add", "gw1-siu", "--random", "256");
    run("add", "ike1-psk", "--random", "128");

    String list = run("list", null).toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
    for (var stored : keys.list()) {
      byte[] key = keys.key(stored.alias()).getEncoded();
      // Any 4 consecutive bytes of a key, in hex, would be a leak.
      for (int i = 0; i + 4 <= key.length; i++) {
        String window = HexFormat.of().formatHex(key, i, i + 4);
        assertThat(list).doesNotContain(window);
      }
    }
  }

  @Test
  void anAddWithoutExactlyOneSourceOfKeyPrintsUsageAndStoresNothing() {
    assertThat(run("add", "acme-mn")).isEqualTo(KeysCommand.USAGE + "\n");
    assertThat(run("add", "acme-mn", "--hex", "0011", "--random", "128")).startsWith("usage:");
    assertThat(run("add", "acme-mn", "--hexx", "0011")).startsWith("usage:");
    assertThat(run("add", "acme-mn", "--hex", "xyz")).startsWith("mvpn:keys add:");
    assertThat(run("lsit", null)).contains("no action 'lsit'", KeysCommand.USAGE);
    assertThat(keys.list()).isEmpty();
  }

  @Test
  void aKeyTypedAtThePromptIsStoredWithoutEverBeingOnTheCommandLine() {
    typed = "00112233445566778899aabbccddeeff";
    assertThat(run("add", "acme-mn", "--hex", "-"))
        .contains("stored acme-mn (128 bits)")
        .doesNotContain("warning");
    typed = "ffeeddcc";
    assertThat(run("add", "globex-mn", "--hex")).contains("stored globex-mn (32 bits)");

    assertThat(prompts).containsExactly("key for acme-mn (hex): ", "key for globex-mn (hex): ");
    assertThat(HexFormat.of().formatHex(keys.key("acme-mn").getEncoded()))
        .isEqualTo("00112233445566778899aabbccddeeff");
    typed = "";
    assertThat(run("add", "empty", "--hex", "-")).contains("nothing stored");
    assertThat(keys.list()).hasSize(2);
  }

  @Test
  void aKeyWrittenOnTheCommandLineIsStoredWithAWarningAboutTheHistory() {
    assertThat(run("add", "acme-mn", "--hex", "0011"))
        .contains("stored acme-mn (16 bits)", KeysCommand.HISTORY_WARNING);
    assertThat(prompts).isEmpty();
  }
}
