package io.mvpn.sam.kdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mvpn's KDC for one tenant realm, asked by MIT Kerberos's own clients (kinit, kvno, klist). */
class RealmKdcMitClientTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final String KINK_SERVICE = "kink/ha1.acme.mvpn.test@" + REALM;

  @TempDir Path dir;

  private RealmKdc kdc;
  private InetSocketAddress listen;

  @AfterEach
  void stopKdc() {
    if (kdc != null) {
      kdc.close();
    }
  }

  private RealmKdc start(InetSocketAddress at) throws Exception {
    listen = at;
    kdc = RealmKdc.start(KdcSettings.of(REALM, at, dir.resolve("kdc")));
    return kdc;
  }

  /** The realm's KDC on a free loopback port with one user, and an MIT client of it. */
  private MitClient startWithUser(String user, String password, boolean tcp) throws Exception {
    start(MitClient.freeLoopbackPort());
    kdc.addPrincipal(user, password);
    return new MitClient(dir.resolve("mit"), REALM, listen, tcp);
  }

  @Test
  void aUserLogsInWithKinitAndGetsAnAes256KinkServiceTicketWithKvno() throws Exception {
    MitClient mit = startWithUser("alice", "correct horse", true);
    kdc.addServicePrincipal("kink/ha1.acme.mvpn.test");

    MitClient.Result login = mit.kinit("alice@" + REALM, "correct horse");
    assertThat(login.succeeded()).as(login.output()).isTrue();
    MitClient.Result service = mit.kvno(KINK_SERVICE);
    assertThat(service.succeeded()).as(service.output()).isTrue();
    assertThat(service.output()).contains(KINK_SERVICE + ": kvno = 1");

    MitClient.Result tickets = mit.klist();
    assertThat(tickets.output())
        .contains("krbtgt/" + REALM + "@" + REALM)
        .contains(KINK_SERVICE)
        .contains("Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96")
        .doesNotContain("des3")
        .doesNotContain("rc4");
  }

  @Test
  void theKdcAnswersMitClientsOverUdpToo() throws Exception {
    MitClient mit = startWithUser("bob", "over udp", false);

    MitClient.Result login = mit.kinit("bob", "over udp");

    assertThat(login.succeeded()).as(login.output()).isTrue();
    assertThat(login.output())
        .contains("UDP request to dgram " + listen.getAddress().getHostAddress());
  }

  @Test
  void aServiceLogsInFromTheKeytabTheKdcExported() throws Exception {
    start(MitClient.freeLoopbackPort());
    kdc.addServicePrincipal("kink/ha1.acme.mvpn.test");
    Path keytab = dir.resolve("ha1.keytab");
    kdc.exportKeytab("kink/ha1.acme.mvpn.test", keytab);
    MitClient mit = new MitClient(dir.resolve("mit"), REALM, listen, true);

    MitClient.Result login = mit.kinitFromKeytab(KINK_SERVICE, keytab);

    assertThat(login.succeeded()).as(login.output()).isTrue();
    assertThat(Files.getPosixFilePermissions(keytab))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aWrongPasswordIsRefusedAsIncorrectAndCachesNoTicket() throws Exception {
    MitClient mit = startWithUser("alice", "correct horse", true);

    MitClient.Result login = mit.kinit("alice", "battery staple");

    assertThat(login.succeeded()).isFalse();
    // The AS-REP sealed in alice's key does not open with a key made from the wrong password:
    // KRB5KRB_AP_ERR_BAD_INTEGRITY, which MIT's kinit reports as an incorrect password.
    assertThat(login.output())
        .doesNotContain("Decrypted AS reply")
        .contains("Password incorrect while getting initial credentials");
    assertThat(mit.klist().succeeded()).isFalse();
  }

  @Test
  void principalsAndTheRealmsTicketKeySurviveARestart() throws Exception {
    MitClient mit = startWithUser("alice", "correct horse", true);
    kdc.addServicePrincipal("kink/ha1.acme.mvpn.test");
    assertThat(mit.kinit("alice", "correct horse").succeeded()).isTrue();
    kdc.close();
    kdc = null;

    start(listen);

    assertThat(kdc.principals()).contains("alice@" + REALM, KINK_SERVICE);
    // The TGT from before the restart still works: krbtgt's key was kept, not made anew.
    MitClient.Result service = mit.kvno(KINK_SERVICE);
    assertThat(service.succeeded()).as(service.output()).isTrue();
    MitClient.Result again = mit.kinit("alice", "correct horse");
    assertThat(again.succeeded()).as(again.output()).isTrue();
  }

  @Test
  void aKdcOffersOnlyAesKeys() {
    InetSocketAddress anywhere = new InetSocketAddress("127.0.0.1", 10088);
    assertThatThrownBy(
            () ->
                new KdcSettings(REALM, anywhere, true, List.of("des3-cbc-sha1"), dir.resolve("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("des3-cbc-sha1");
  }

  @Test
  void aSecondPrincipalOfTheSameNameIsRefused() throws Exception {
    start(MitClient.freeLoopbackPort());
    kdc.addPrincipal("alice", "correct horse");

    assertThatThrownBy(() -> kdc.addPrincipal("alice", "other"))
        .isInstanceOf(KdcException.class)
        .hasMessageContaining("alice@" + REALM);
  }
}
