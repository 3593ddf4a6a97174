package io.mvpn.sam.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.manager.SaManager.Grant;
import io.mvpn.sam.manager.SaManager.SaUnavailableException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A security association manager keyed by a real KDC (mvpn's, over TCP on loopback) and timed by
 * the virtual-time scheduler: the claims' reuse of stored SAs, expiry, eviction and a KDC that is
 * gone.
 */
class SaManagerTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final String MANAGER = "kink/sam1.acme.mvpn.test@" + REALM;
  private static final int NODES = 50;

  @TempDir static Path dir;

  private static RealmKdc kdc;
  private static KerberosSessionKeys sessionKeys;

  @BeforeAll
  static void startKdc() throws Exception {
    kdc = RealmKdc.start(KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc")));
    kdc.addServicePrincipal(MANAGER);
    for (int n = 0; n < NODES; n++) {
      kdc.addServicePrincipal("kink/" + node(n));
    }
    Path keytab = dir.resolve("sam1.keytab");
    kdc.exportKeytab(MANAGER, keytab);
    sessionKeys = new KerberosSessionKeys(dir.resolve("kdc").toFile(), MANAGER, keytab.toFile());
  }

  @AfterAll
  static void stopKdc() {
    kdc.close();
  }

  private static String node(int n) {
    return String.format("node%02d", n);
  }

  private static SaManager manager(VirtualTimeScheduler time, int capacity) {
    return new SaManager(
        time,
        sessionKeys,
        SaManager.Settings.of(Duration.ofHours(8), capacity, REALM),
        new SecureRandom());
  }

  @Test
  void aThousandPairsAreKeyedOnceAndTheirSecondSessionsTakeNoKeyExchange() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    SaManager sam = manager(time, 2_000);
    List<String[]> pairs = new ArrayList<>();
    for (int a = 0; a < NODES && pairs.size() < 1_000; a++) {
      for (int b = a + 1; b < NODES && pairs.size() < 1_000; b++) {
        pairs.add(new String[] {node(a), node(b)});
      }
    }
    List<Grant> first = new ArrayList<>();
    for (String[] p : pairs) {
      first.add(sam.request(p[0], p[1]));
    }
    assertThat(first).noneMatch(Grant::fromCache);
    assertThat(sam.counters().kdcExchanges()).isEqualTo(1_000);
    time.advance(1, TimeUnit.HOURS);

    for (int i = 0; i < pairs.size(); i++) {
      // The second session, asked for by the other end: the same pair, directions swapped.
      Grant second = sam.request(pairs.get(i)[1], pairs.get(i)[0]);
      assertThat(second.fromCache()).isTrue();
      assertThat(second.pair()).isSameAs(first.get(i).pair());
      assertThat(second.pair().outboundOf(pairs.get(i)[1]).spi())
          .isEqualTo(first.get(i).pair().inboundOf(pairs.get(i)[0]).spi());
    }
    assertThat(sam.counters().kdcExchanges()).isEqualTo(1_000);
    assertThat(sam.counters().fromCache()).isEqualTo(1_000);
    assertThat(sam.counters().keyed()).isEqualTo(1_000);
  }

  @Test
  void anExpiredPairIsKeyedAgainFromANewSessionKey() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    SaManager sam = manager(time, 10);
    Grant before = sam.request(node(1), node(2));

    time.advance(8, TimeUnit.HOURS);
    Grant after = sam.request(node(1), node(2));

    assertThat(after.fromCache()).isFalse();
    assertThat(after.pair().firstToSecond().spi())
        .isNotEqualTo(before.pair().firstToSecond().spi());
    assertThat(after.pair().firstToSecond().encryptionKey())
        .isNotEqualTo(before.pair().firstToSecond().encryptionKey());
    assertThat(sam.counters().expired()).isEqualTo(1);
    assertThat(sam.counters().kdcExchanges()).isEqualTo(2);
  }

  @Test
  void theStoreIsBoundedAndEvictsThePairGrantedLeastRecently() throws Exception {
    SaManager sam = manager(new VirtualTimeScheduler(), 2);
    sam.request(node(1), node(2));
    sam.request(node(3), node(4));
    sam.request(node(2), node(1));

    sam.request(node(5), node(6));

    assertThat(sam.counters().evicted()).isEqualTo(1);
    assertThat(sam.pairs())
        .extracting(SecurityAssociationPair::first)
        .containsExactly(node(1), node(5));
    assertThat(sam.request(node(1), node(2)).fromCache()).isTrue();
    assertThat(sam.request(node(3), node(4)).fromCache()).isFalse();
  }

  @Test
  void aRevokedPairIsNeverHandedOutAgain() throws Exception {
    SaManager sam = manager(new VirtualTimeScheduler(), 10);
    Grant granted = sam.request(node(7), node(8));

    assertThat(sam.revoke(node(8), node(7))).isTrue();
    Grant next = sam.request(node(7), node(8));

    assertThat(next.fromCache()).isFalse();
    assertThat(next.pair().firstToSecond().spi())
        .isNotEqualTo(granted.pair().firstToSecond().spi());
    assertThat(sam.counters().revoked()).isEqualTo(1);
  }

  @Test
  void aPeerTheKdcDoesNotKnowIsAClearErrorAfterBoundedAttemptsAndNothingIsStored()
      throws Exception {
    SaManager sam = manager(new VirtualTimeScheduler(), 10);

    assertThatThrownBy(() -> sam.request(node(1), "stranger"))
        .isInstanceOf(SaUnavailableException.class)
        .hasMessageContaining("kink/stranger@" + REALM)
        .hasMessageContaining("after 3 attempts");
    assertThat(sam.counters().kdcFailures()).isEqualTo(3);
    assertThat(sam.pairs()).isEmpty();
  }

  @Test
  void anUnreachableKdcIsAClearErrorAfterBoundedAttempts() throws Exception {
    // A realm whose KDC's port answers nothing: the manager's client is refused at once.
    Path gone = dir.resolve("gone");
    java.nio.file.Files.createDirectories(gone);
    int closed = MitClient.freeLoopbackPort().getPort();
    java.nio.file.Files.writeString(
        gone.resolve("krb5.conf"),
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + REALM,
            "  kdc_realm = " + REALM,
            "  udp_preference_limit = 1",
            "  kdc_tcp_port = " + closed,
            "[realms]",
            "  " + REALM + " = {",
            "    kdc = 127.0.0.1:" + closed,
            "  }",
            ""));
    KerberosSessionKeys keys =
        new KerberosSessionKeys(gone.toFile(), MANAGER, dir.resolve("sam1.keytab").toFile());
    SaManager sam =
        new SaManager(
            new VirtualTimeScheduler(),
            keys,
            SaManager.Settings.of(Duration.ofHours(1), 10, REALM),
            new SecureRandom());

    assertThatThrownBy(() -> sam.request(node(1), node(2)))
        .isInstanceOf(SaUnavailableException.class)
        .hasMessageContaining("after 3 attempts");
    assertThat(sam.counters().kdcExchanges()).isEqualTo(3);
    assertThat(sam.counters().kdcFailures()).isEqualTo(3);
    assertThat(sam.pairs()).isEmpty();
  }

  @Test
  void bothDirectionsAreDerivedFromTheSessionKeyAsKinkDoes() throws Exception {
    var key = sessionKeys.sessionKey("kink/" + node(9) + "@" + REALM);
    byte[] ni = new byte[16];
    byte[] nr = new byte[16];
    nr[0] = 1;

    byte[] one = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1000, ni, nr, 36);
    byte[] again = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1000, ni, nr, 36);
    byte[] otherSpi = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1001, ni, nr, 36);

    assertThat(one).hasSize(36).isEqualTo(again).isNotEqualTo(otherSpi);
  }
}
