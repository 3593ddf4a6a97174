package io.mvpn.sam.kdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two tenants' realms in one appliance: each KDC answers for its own realm only. */
class TwoRealmsTest {

  @TempDir Path dir;

  @Test
  void twoRealmsRunSideBySideAndOneStoppingLeavesTheOtherAnswering() throws Exception {
    InetSocketAddress acmeAt = MitClient.freeLoopbackPort();
    InetSocketAddress globexAt = MitClient.freeLoopbackPort();
    try (RealmKdc acme =
            RealmKdc.start(KdcSettings.of("ACME.MVPN.TEST", acmeAt, dir.resolve("acme")));
        RealmKdc globex =
            RealmKdc.start(KdcSettings.of("GLOBEX.MVPN.TEST", globexAt, dir.resolve("globex")))) {
      acme.addPrincipal("alice", "acme secret");
      globex.addPrincipal("alice", "globex secret");
      MitClient acmeClient = new MitClient(dir.resolve("mit-acme"), "ACME.MVPN.TEST", acmeAt, true);
      MitClient globexClient =
          new MitClient(dir.resolve("mit-globex"), "GLOBEX.MVPN.TEST", globexAt, true);

      MitClient.Result acmeLogin = acmeClient.kinit("alice@ACME.MVPN.TEST", "acme secret");
      assertThat(acmeLogin.succeeded()).as(acmeLogin.output()).isTrue();
      assertThat(globexClient.kinit("alice@GLOBEX.MVPN.TEST", "globex secret").succeeded())
          .isTrue();
      // The same name in the other realm has the other realm's password, not this one's.
      assertThat(globexClient.kinit("alice@GLOBEX.MVPN.TEST", "acme secret").succeeded()).isFalse();

      acme.close();
      MitClient.Result still = globexClient.kinit("alice@GLOBEX.MVPN.TEST", "globex secret");
      assertThat(still.succeeded()).as(still.output()).isTrue();
    }
  }
}
