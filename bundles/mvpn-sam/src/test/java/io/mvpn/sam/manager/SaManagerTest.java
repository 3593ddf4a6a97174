package io.mvpn.sam.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.KerberosClock;
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
  // Virtual time starts at the real time, so the KDC's tickets are valid on the managers' clock.
  private static final long WALL_CLOCK_AT_START = System.currentTimeMillis();

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
    return manager(time, capacity, SaPairStore.inMemory());
  }

  private static SaManager manager(VirtualTimeScheduler time, int capacity, SaPairStore store) {
    return new SaManager(
        new KerberosClock(time, WALL_CLOCK_AT_START),
        sessionKeys,
        store,
        SaManager.Settings.of(Duration.ofHours(8), capacity, REALM),
        new SecureRandom());
  }

  @Test
  void aThousandPairsAreKeyedFromOneTicketPerPeerAndAskedAgainGetNewKeysWithoutTheKdc()
      throws Exception {
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
    long peers = pairs.stream().map(p -> p[1]).distinct().count();
    assertThat(sam.counters().kdcExchanges()).isEqualTo(peers);
    assertThat(sam.counters().ticketsReused()).isEqualTo(1_000 - peers);
    // Cached (a ticket held) or cold (the KDC asked first): together every pair keyed.
    assertThat(sam.counters().keyedFromHeldTicket()).isEqualTo(1_000 - peers);
    time.advance(1, TimeUnit.HOURS);

    for (int i = 0; i < pairs.size(); i++) {
      // Asked again (a node that lost its SA): a new pair from the ticket held, never the old keys.
      Grant second = sam.request(pairs.get(i)[0], pairs.get(i)[1]);
      assertThat(second.pair().outboundOf(pairs.get(i)[0]).spi())
          .isNotEqualTo(first.get(i).pair().outboundOf(pairs.get(i)[0]).spi());
      assertThat(second.pair().firstToSecond().encryptionKey())
          .isNotEqualTo(first.get(i).pair().firstToSecond().encryptionKey());
      assertThat(sam.held(pairs.get(i)[0], pairs.get(i)[1])).isSameAs(second.pair());
    }
    assertThat(sam.counters().kdcExchanges()).isEqualTo(peers);
    assertThat(sam.counters().keyed()).isEqualTo(2_000);
    assertThat(sam.counters().keyedFromHeldTicket()).isEqualTo(2_000 - peers);
  }

  @Test
  void anExpiredPairIsKeyedAgainFromANewSessionKey() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    SaManager sam = manager(time, 10);
    Grant before = sam.request(node(1), node(2));

    time.advance(8, TimeUnit.HOURS);
    Grant after = sam.request(node(1), node(2));

    assertThat(after.pair().firstToSecond().spi())
        .isNotEqualTo(before.pair().firstToSecond().spi());
    assertThat(after.pair().firstToSecond().encryptionKey())
        .isNotEqualTo(before.pair().firstToSecond().encryptionKey());
    assertThat(sam.counters().expired()).isEqualTo(1);
    assertThat(sam.counters().keyed()).isEqualTo(2);
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
    assertThat(sam.held(node(3), node(4))).isNull();
  }

  @Test
  void aRevokedPairIsNeverHandedOutAgain() throws Exception {
    SaManager sam = manager(new VirtualTimeScheduler(), 10);
    Grant granted = sam.request(node(7), node(8));

    assertThat(sam.revoke(node(8), node(7))).isTrue();
    Grant next = sam.request(node(7), node(8));

    assertThat(next.pair().firstToSecond().spi())
        .isNotEqualTo(granted.pair().firstToSecond().spi());
    assertThat(sam.counters().revoked()).isEqualTo(1);
  }

  @Test
  void aPeerTheKdcDoesNotKnowIsAClearErrorAtOnceAndNothingIsStored() throws Exception {
    SaManager sam = manager(new VirtualTimeScheduler(), 10);

    assertThatThrownBy(() -> sam.request(node(1), "stranger"))
        .isInstanceOf(SaUnavailableException.class)
        .hasMessageContaining("knows no kink/stranger@" + REALM)
        .matches(e -> ((SaUnavailableException) e).peerUnknown());
    assertThat(sam.counters().kdcFailures()).isEqualTo(1);
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
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    SaManager sam =
        new SaManager(
            new KerberosClock(time, WALL_CLOCK_AT_START),
            keys,
            SaPairStore.inMemory(),
            SaManager.Settings.of(Duration.ofHours(1), 10, REALM),
            new SecureRandom());

    assertThatThrownBy(() -> sam.request(node(1), node(2)))
        .isInstanceOf(SaUnavailableException.class)
        .hasMessageContaining("after 3 attempts")
        .matches(e -> !((SaUnavailableException) e).peerUnknown());
    assertThat(sam.counters().kdcExchanges()).isEqualTo(3);
    assertThat(sam.counters().kdcFailures()).isEqualTo(3);
    assertThat(sam.pairs()).isEmpty();

    // Asked again at once, the manager leaves the KDC alone until its backoff has run out; the
    // wait doubles with each failure.
    assertThatThrownBy(() -> sam.request(node(1), node(2))).hasMessageContaining("failed lately");
    assertThat(sam.counters().kdcExchanges()).isEqualTo(3);
    assertThat(sam.counters().kdcHeldOff()).isEqualTo(1);
    time.advance(1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> sam.request(node(1), node(2))).hasMessageContaining("after 3");
    assertThat(sam.counters().kdcExchanges()).isEqualTo(6);
    time.advance(1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> sam.request(node(1), node(2))).hasMessageContaining("failed lately");
    time.advance(1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> sam.request(node(1), node(2))).hasMessageContaining("after 3");
    assertThat(sam.counters().kdcExchanges()).isEqualTo(9);
    assertThat(sam.pairs()).isEmpty();
  }

  @Test
  void aRestartedManagerHoldsThePairsItsStoreKeptButHandsNoneOutAgain() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    Path kept = dir.resolve("restart-store");
    SaManager before = manager(time, 10, new FileSaPairStore(kept));
    Grant granted = before.request(node(1), node(2));
    before.request(node(3), node(4));
    before.revoke(node(3), node(4));

    SaManager after = manager(time, 10, new FileSaPairStore(kept));
    assertThat(after.pairs()).containsExactly(granted.pair());
    Grant again = after.request(node(2), node(1));

    assertThat(again.pair().firstToSecond().spi())
        .isNotEqualTo(granted.pair().firstToSecond().spi());
    assertThat(again.pair().firstToSecond().encryptionKey())
        .isNotEqualTo(granted.pair().firstToSecond().encryptionKey());
    assertThat(after.pairs()).containsExactly(again.pair());
    assertThat(after.counters().kdcExchanges()).isEqualTo(1); // no ticket survives a restart
    assertThat(java.nio.file.Files.getPosixFilePermissions(kept))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);

    time.advance(9, TimeUnit.HOURS);
    SaManager later = manager(time, 10, new FileSaPairStore(kept));
    assertThat(later.pairs()).isEmpty();
    assertThat(later.counters().expired()).isEqualTo(1);
    assertThat(new FileSaPairStore(kept).pairs()).isEmpty();
  }

  @Test
  void bothDirectionsAreDerivedFromTheSessionKeyAsKinkDoes() throws Exception {
    var key = sessionKeys.ticket("kink/" + node(9) + "@" + REALM).getSessionKey();
    byte[] ni = new byte[16];
    byte[] nr = new byte[16];
    nr[0] = 1;

    byte[] one = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1000, ni, nr, 36);
    byte[] again = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1000, ni, nr, 36);
    byte[] otherSpi = KinkKeymat.derive(key, KinkKeymat.PROTO_IPSEC_ESP, 0x1001, ni, nr, 36);

    assertThat(one).hasSize(36).isEqualTo(again).isNotEqualTo(otherSpi);
  }

  /** A store in memory whose writes and removals fail while {@code failing} is set. */
  private static final class FailingStore implements SaPairStore {
    final SaPairStore held = SaPairStore.inMemory();
    boolean failing;

    @Override
    public void put(SecurityAssociationPair pair) {
      check();
      held.put(pair);
    }

    @Override
    public void remove(SecurityAssociationPair pair) {
      check();
      held.remove(pair);
    }

    @Override
    public List<SecurityAssociationPair> pairs() {
      return held.pairs();
    }

    private void check() {
      if (failing) {
        throw new java.io.UncheckedIOException(new java.io.IOException("disk full"));
      }
    }
  }

  @Test
  void aPairTheStoreRefusesIsNeitherHandedOutNorHeldAndAFailedRemovalKeepsBothInStep()
      throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    FailingStore store = new FailingStore();
    SaManager sam = manager(time, 10, store);
    Grant kept = sam.request(node(1), node(2));
    store.failing = true;

    assertThatThrownBy(() -> sam.request(node(3), node(4)))
        .isInstanceOfSatisfying(
            SaUnavailableException.class, e -> assertThat(e.storeFailed()).isTrue());
    assertThat(sam.pairs()).containsExactly(kept.pair());

    assertThat(sam.revoke(node(1), node(2))).isFalse();
    assertThat(sam.flush()).isZero();
    assertThat(sam.pairs()).containsExactly(kept.pair());
    assertThat(store.pairs()).containsExactly(kept.pair());
    assertThat(sam.counters().storeFailures()).isEqualTo(3);

    store.failing = false;
    assertThat(sam.revoke(node(1), node(2))).isTrue();
    assertThat(sam.pairs()).isEmpty();
    assertThat(store.pairs()).isEmpty();
  }

  @Test
  void nodesWaitingForOneKdcExchangeAreAllColdAndAPairTheStoreRefusesReusedNoTicket()
      throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    FailingStore store = new FailingStore();
    SaManager sam = manager(time, 10, store);
    List<Runnable> kdcCalls = new ArrayList<>();
    List<Grant> granted = new ArrayList<>();
    List<SaUnavailableException> refused = new ArrayList<>();
    SaManager.Done done = collecting(granted, refused);
    for (int n = 1; n <= 3; n++) {
      sam.request(node(n), node(9), time, kdcCalls::add, done);
    }
    assertThat(kdcCalls).hasSize(1);
    kdcCalls.forEach(Runnable::run);
    time.runUntilIdle();

    // Three pairs from one exchange: every one waited for the KDC, none came from a ticket held.
    assertThat(refused).isEmpty();
    assertThat(granted).hasSize(3);
    assertThat(sam.counters().kdcExchanges()).isEqualTo(1);
    assertThat(sam.counters().keyedFromHeldTicket()).isZero();
    assertThat(sam.counters().ticketsReused()).isZero();

    // The ticket is held now; a pair keyed from it that the store refuses reused nothing.
    store.failing = true;
    assertThatThrownBy(() -> sam.request(node(4), node(9)))
        .isInstanceOf(SaUnavailableException.class);
    assertThat(sam.counters().ticketsReused()).isZero();
    store.failing = false;
    sam.request(node(4), node(9));
    assertThat(sam.counters().ticketsReused()).isEqualTo(1);
    assertThat(sam.counters().keyedFromHeldTicket()).isEqualTo(1);
  }

  @Test
  void nodesWaitingForOneKdcExchangeAreBoundedAndTheRestAreToldItIsBusy() throws Exception {
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    SaManager sam = manager(time, 10);
    List<Runnable> kdcCalls = new ArrayList<>();
    List<Grant> granted = new ArrayList<>();
    List<SaUnavailableException> refused = new ArrayList<>();
    SaManager.Done done = collecting(granted, refused);
    int bound = SaManager.WAITERS_PER_PEER;
    for (int n = 0; n < bound + 5; n++) {
      sam.request(node(1 + n % 8), node(9), time, kdcCalls::add, done);
    }

    assertThat(refused).hasSize(5);
    assertThat(refused.get(0).peerUnknown()).isFalse();
    assertThat(sam.counters().kdcBusy()).isEqualTo(5);
    assertThat(kdcCalls).hasSize(1);
    kdcCalls.forEach(Runnable::run);
    time.runUntilIdle();
    assertThat(granted).hasSize(bound);
  }

  /** Where a grant asked for without blocking goes: into one list or the other. */
  private static SaManager.Done collecting(
      List<Grant> granted, List<SaUnavailableException> refused) {
    return new SaManager.Done() {
      @Override
      public void granted(Grant grant) {
        granted.add(grant);
      }

      @Override
      public void unavailable(SaUnavailableException e) {
        refused.add(e);
      }
    };
  }
}
