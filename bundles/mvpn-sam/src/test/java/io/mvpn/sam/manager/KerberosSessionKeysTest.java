package io.mvpn.sam.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager's TGT is replaced before it runs out, not only when a ticket request fails. */
class KerberosSessionKeysTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final String MANAGER = "kink/sam@" + REALM;
  private static final String PEER = "kink/node01@" + REALM;

  @TempDir static Path dir;

  private static RealmKdc kdc;

  @BeforeAll
  static void startKdc() throws Exception {
    kdc = RealmKdc.start(KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc")));
    kdc.addServicePrincipal(MANAGER);
    kdc.exportKeytab(MANAGER, dir.resolve("sam.keytab"));
    kdc.addServicePrincipal(PEER);
  }

  @AfterAll
  static void stopKdc() {
    kdc.close();
  }

  @Test
  void theTgtIsReplacedAheadOfItsEndAndKeptUntilThen() throws Exception {
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    KerberosSessionKeys keys =
        new KerberosSessionKeys(
            kdc.clientConfigDir().toFile(), MANAGER, dir.resolve("sam.keytab").toFile(), now::get);

    keys.ticket(PEER);
    long end = keys.tgtEndsAtUnixMillis();
    now.set(end - KerberosSessionKeys.RENEW_BEFORE_MILLIS - 1);
    keys.ticket(PEER);
    assertThat(keys.tgtRequests()).isEqualTo(1);

    now.set(end - KerberosSessionKeys.RENEW_BEFORE_MILLIS);
    assertThat(keys.ticket(PEER).getSessionKey()).isNotNull();

    assertThat(keys.tgtRequests()).isEqualTo(2);
    assertThat(keys.tgtEndsAtUnixMillis()).isGreaterThanOrEqualTo(end);
  }
}
