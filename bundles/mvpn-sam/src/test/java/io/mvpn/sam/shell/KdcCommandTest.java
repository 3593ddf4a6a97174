package io.mvpn.sam.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvpn:kdc} as an operator types it: the action first, its options after the name. */
class KdcCommandTest {

  private static final String REALM = "ACME.MVPN.TEST";

  @TempDir Path dir;

  private RealmKdc kdc;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeEach
  void startKdc() throws Exception {
    kdc = RealmKdc.start(KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc")));
  }

  @AfterEach
  void stopKdc() {
    kdc.close();
  }

  private String run(String action, String... words) throws Exception {
    KdcCommand command = new KdcCommand();
    command.action = action;
    command.words = List.of(words);
    command.kdcs = List.of(kdc);
    command.session = Consoles.printingTo(printed);
    printed.reset();
    command.execute();
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aUserAndAServiceWithItsKeytabAreAddedAndListed() throws Exception {
    Path keytab = dir.resolve("ha1.keytab");

    String user = run("add", "alice", "--password", "Correct-Horse-7");
    String service = run("add", "kink/ha1.acme.mvpn.test", "--keytab", keytab.toString());
    String listed = run("principals", REALM);

    assertThat(user).contains("added alice to " + REALM);
    assertThat(service).contains("added kink/ha1.acme.mvpn.test to " + REALM);
    assertThat(Files.size(keytab)).isPositive();
    assertThat(listed)
        .contains("alice@" + REALM)
        .contains("kink/ha1.acme.mvpn.test@" + REALM)
        .contains("krbtgt/" + REALM + "@" + REALM);
  }

  @Test
  void anUnknownOptionOrAMissingValueAddsNothing() throws Exception {
    assertThat(run("add", "bob", "--colour", "blue")).contains("options:");
    assertThat(run("add", "bob", "--password")).contains("options:");
    assertThat(kdc.principals()).noneMatch(p -> p.startsWith("bob@"));
  }

  @Test
  void aRealmTheApplianceDoesNotRunIsSaidSo() throws Exception {
    assertThat(run("add", "carol", "--password", "x", "--realm", "OTHER.TEST"))
        .contains("no such realm");
  }
}
