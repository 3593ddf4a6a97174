package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kink.KinkCodec;
import io.mvpn.sam.kink.KinkKey;
import io.mvpn.sam.kink.KinkMessage;
import io.mvpn.sam.kink.KinkMessageType;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.FileSaPairStore;
import io.mvpn.sam.manager.KerberosSessionKeys;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.mvpn.sam.manager.SecurityAssociationPair;
import io.mvpn.sam.scenario.VirtualWire.Datagram;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes and their security association manager speaking KINK over a virtual-time wire, keyed by
 * mvpn's KDC on loopback: a thousand pairs keyed with one round trip each and reused with none,
 * expiry, forged and replayed messages refused with nothing changed, a KDC that does not answer,
 * and a manager restarted over its store.
 */
class SamOverKinkScenarioTest {

  private static final int NODES = 46;

  @TempDir static Path dir;

  private static SamRealm realm;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire wire = new VirtualWire(time);

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, NODES);
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  /** What {@link SamClient#connect} reported. */
  private static final class Outcome implements SamClient.Outcome {
    InstalledSa sa;
    long error = -1;
    String reason;

    @Override
    public void ready(InstalledSa sa) {
      this.sa = sa;
    }

    @Override
    public void failed(long kinkError, String why) {
      this.error = kinkError;
      this.reason = why;
    }
  }

  private SamResponder manager(SaPairStore store) {
    SamResponder sam = realm.manager(time, wire, realm.sessionKeys, store);
    for (int n = 0; n < NODES; n++) {
      sam.knowNode(node(n), SamRealm.address(n));
    }
    return sam;
  }

  private List<SamClient> nodes() {
    List<SamClient> nodes = new ArrayList<>();
    for (int n = 0; n < NODES; n++) {
      nodes.add(realm.node(time, wire, n, 0));
    }
    return nodes;
  }

  private Outcome connect(SamClient from, int peer) {
    Outcome outcome = new Outcome();
    from.connect(node(peer), outcome);
    time.advance(200, TimeUnit.MILLISECONDS);
    return outcome;
  }

  @Test
  void aThousandPairsTakeOneRoundTripEachAndTheirSecondSessionsNoKeyExchangeMessageAtAll() {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    List<int[]> pairs = new ArrayList<>();
    for (int a = 0; a < NODES && pairs.size() < 1_000; a++) {
      for (int b = a + 1; b < NODES && pairs.size() < 1_000; b++) {
        pairs.add(new int[] {a, b});
      }
    }
    Set<Integer> peers = new HashSet<>();
    for (int[] p : pairs) {
      Outcome first = connect(nodes.get(p[0]), p[1]);
      assertThat(first.sa).as("%s with %s", node(p[0]), node(p[1])).isNotNull();
      // The peer holds the other half: what one sends on, the other receives on.
      InstalledSa other = nodes.get(p[1]).sa(node(p[0]));
      assertThat(other.inbound()).isEqualTo(first.sa.outbound());
      assertThat(other.outbound()).isEqualTo(first.sa.inbound());
      peers.add(p[1]);
    }
    // Per pair: SAM_REQUEST, SAM_GRANT (the node's one round trip), SAM_INSTALL and its REPLY.
    assertThat(wire.count()).isEqualTo(4 * 1_000);
    assertThat(nodes.stream().mapToLong(n -> n.counters().requestsSent()).sum()).isEqualTo(1_000);
    assertThat(sam.counters().installsAcknowledged()).isEqualTo(1_000);
    // The manager asked the KDC once per peer; every further pair with that peer used the ticket.
    assertThat(sam.manager().counters().kdcExchanges()).isEqualTo(peers.size());
    assertThat(sam.manager().counters().ticketsReused()).isEqualTo(1_000 - peers.size());

    time.advance(1, TimeUnit.HOURS);
    int sentBefore = wire.count();
    for (int[] p : pairs) {
      Outcome again = new Outcome();
      nodes.get(p[0]).connect(node(p[1]), again);
      Outcome reverse = new Outcome();
      nodes.get(p[1]).connect(node(p[0]), reverse);
      // Ready before any time passes: the SA leaves with the first datagram.
      assertThat(again.sa).isNotNull();
      assertThat(reverse.sa.outbound()).isEqualTo(again.sa.inbound());
    }
    assertThat(wire.count()).isEqualTo(sentBefore);
    assertThat(nodes.stream().mapToLong(n -> n.counters().fromSad()).sum()).isEqualTo(2_000);
    assertThat(sam.counters().requests()).isEqualTo(1_000);
  }

  @Test
  void anExpiredSaIsKeyedAgainWithOneRoundTripAndNewKeysOnBothNodes() {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    InstalledSa before = connect(nodes.get(0), 1).sa;

    time.advance(8, TimeUnit.HOURS);
    assertThat(nodes.get(0).sa(node(1))).isNull();
    InstalledSa after = connect(nodes.get(0), 1).sa;

    assertThat(after.outbound().spi()).isNotEqualTo(before.outbound().spi());
    assertThat(after.outbound().encryptionKey()).isNotEqualTo(before.outbound().encryptionKey());
    assertThat(nodes.get(1).sa(node(0)).inbound()).isEqualTo(after.outbound());
    assertThat(nodes.get(0).counters().requestsSent()).isEqualTo(2);
    assertThat(sam.manager().counters().expired()).isEqualTo(1);
  }

  @Test
  void anExpiredPairLeavesTheManagerWithinAMinuteWithoutBeingAskedFor() {
    SamResponder sam = manager(SaPairStore.inMemory());
    connect(nodes().get(17), 18);

    time.advance(8, TimeUnit.HOURS);
    time.advance(1, TimeUnit.MINUTES);

    assertThat(sam.manager().pairs()).isEmpty();
    assertThat(sam.manager().counters().expired()).isEqualTo(1);
  }

  @Test
  void aLostInstallIsSentAgainWithAFreshAuthenticatorUntilThePeerAnswers() {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    boolean[] dropped = {false};
    wire.dropWhen(
        d -> {
          if (!dropped[0] && type(d) == KinkMessageType.SAM_INSTALL) {
            dropped[0] = true;
            return true;
          }
          return false;
        });

    connect(nodes.get(2), 3);
    time.advance(2, TimeUnit.SECONDS);

    assertThat(nodes.get(3).sa(node(2))).isNotNull();
    assertThat(sam.counters().installRetransmits()).isEqualTo(1);
    assertThat(sam.counters().installsAcknowledged()).isEqualTo(1);
    assertThat(nodes.get(3).counters().refused().total()).isZero();
    assertThat(sam.installsPending()).isZero();
  }

  @Test
  void anInstallOfARevokedPairIsNotSentAgainOverTheNewerPair() {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    wire.dropWhen(d -> type(d) == KinkMessageType.SAM_INSTALL);
    connect(nodes.get(13), 14);
    sam.manager().revoke(node(13), node(14));
    wire.dropWhen(d -> false);

    // The node that never got its half asks itself: a newer pair, whose half it now holds.
    InstalledSa newer = connect(nodes.get(14), 13).sa;
    time.advance(30, TimeUnit.SECONDS);

    assertThat(nodes.get(14).sa(node(13))).isEqualTo(newer);
    assertThat(nodes.get(14).counters().installed()).isZero();
    assertThat(sam.installsPending()).isZero();
  }

  @Test
  void aPeerNameThatIsNoNodeNameIsRefusedBeforeTheKdcIsAsked() {
    SamResponder sam = manager(SaPairStore.inMemory());
    SamClient asking = realm.node(time, wire, 15, 0);

    for (String peer : List.of("node16/admin", "node16@OTHER.REALM", "x".repeat(64))) {
      Outcome outcome = new Outcome();
      asking.connect(peer, outcome);
      time.advance(20, TimeUnit.SECONDS);
      assertThat(outcome.sa).as(peer).isNull();
    }

    assertThat(sam.counters().refused().of(KinkRefusal.UNEXPECTED)).isEqualTo(3 * 4);
    assertThat(sam.manager().counters().kdcExchanges()).isZero();
    assertThat(sam.manager().pairs()).isEmpty();
  }

  @Test
  void forgedMessagesAreRefusedCountedAndChangeNothing() throws Exception {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    connect(nodes.get(0), 1);
    Datagram request = first(KinkMessageType.SAM_REQUEST);
    Datagram install = first(KinkMessageType.SAM_INSTALL);
    List<SecurityAssociationPair> pairs = sam.manager().pairs();
    InstalledSa held = nodes.get(1).sa(node(0));

    // A request whose checksum was made under a key that is not the ticket's session key.
    byte[] fresh = freshRequest(nodes.get(4), 5);
    KinkMessage decoded = KinkCodec.decode(fresh);
    KinkKey wrongKey =
        new KinkKey(new EncryptionKey(EncryptionType.AES256_CTS_HMAC_SHA1_96, new byte[32]));
    wire.deliver(
        new Datagram(
            SamRealm.address(4), SamRealm.MANAGER_ADDRESS, KinkCodec.encode(decoded, wrongKey)));
    // A new request and the captured install with one octet of their sealed part changed (the
    // captured request itself would be refused as a replay before its checksum is looked at).
    Datagram another =
        new Datagram(SamRealm.address(6), SamRealm.MANAGER_ADDRESS, freshRequest(nodes.get(6), 7));
    wire.deliver(flipped(another, another.bytes().length - 20));
    wire.deliver(flipped(install, install.bytes().length - 20));
    // A request whose ticket was tampered with.
    wire.deliver(flipped(request, 60));
    // A grant changed on its way to the node that asked: refused; the genuine one still counts.
    wire.dropWhen(d -> type(d) == KinkMessageType.SAM_GRANT);
    Outcome asked = connect(nodes.get(8), 9);
    wire.dropWhen(d -> false);
    Datagram grant = last(KinkMessageType.SAM_GRANT);
    wire.deliver(flipped(grant, grant.bytes().length - 20));
    assertThat(asked.sa).isNull();
    assertThat(nodes.get(8).sad()).isEmpty();
    wire.deliver(grant);
    assertThat(asked.sa).isNotNull();

    assertThat(sam.counters().refused().of(KinkRefusal.BAD_CHECKSUM)).isEqualTo(2);
    assertThat(
            sam.counters().refused().of(KinkRefusal.BAD_TICKET)
                + sam.counters().refused().of(KinkRefusal.BAD_AP_REQ))
        .isEqualTo(1);
    // The changed install still carries an authenticator node01 has seen: refused before its sum.
    assertThat(nodes.get(1).counters().refused().of(KinkRefusal.REPLAY)).isEqualTo(1);
    assertThat(nodes.get(8).counters().refused().of(KinkRefusal.BAD_CHECKSUM)).isEqualTo(1);
    assertThat(sam.counters().requests()).isEqualTo(2);
    assertThat(sam.manager().pairs()).hasSize(2).containsAll(pairs);
    assertThat(sam.addressOf(node(4))).isEqualTo(SamRealm.address(4));
    assertThat(nodes.get(1).sad()).containsOnlyKeys(node(0));
    assertThat(nodes.get(1).sa(node(0))).isEqualTo(held);
    assertThat(nodes.get(4).sad()).isEmpty();
    assertThat(nodes.get(6).sad()).isEmpty();
  }

  @Test
  void replayedMessagesAreRefusedCountedAndChangeNothing() {
    SamResponder sam = manager(SaPairStore.inMemory());
    List<SamClient> nodes = nodes();
    connect(nodes.get(0), 1);
    List<SecurityAssociationPair> pairs = sam.manager().pairs();
    InstalledSa atNode0 = nodes.get(0).sa(node(1));
    InstalledSa atNode1 = nodes.get(1).sa(node(0));
    long grantsBefore = sam.counters().grants();

    for (Datagram d : wire.sent()) {
      wire.deliver(d);
    }
    // Past the skew, the old authenticators are refused for their time before any cache is asked.
    time.advance(6, TimeUnit.MINUTES);
    wire.deliver(first(KinkMessageType.SAM_REQUEST));

    assertThat(sam.counters().refused().of(KinkRefusal.REPLAY)).isEqualTo(1);
    assertThat(sam.counters().refused().of(KinkRefusal.UNKNOWN_XID)).isEqualTo(1);
    assertThat(sam.counters().refused().of(KinkRefusal.CLOCK_SKEW)).isEqualTo(1);
    assertThat(nodes.get(1).counters().refused().of(KinkRefusal.REPLAY)).isEqualTo(1);
    assertThat(nodes.get(0).counters().refused().of(KinkRefusal.UNKNOWN_XID)).isEqualTo(1);
    assertThat(sam.counters().grants()).isEqualTo(grantsBefore);
    assertThat(sam.manager().pairs()).isEqualTo(pairs);
    assertThat(nodes.get(0).sa(node(1))).isEqualTo(atNode0);
    assertThat(nodes.get(1).sa(node(0))).isEqualTo(atNode1);
  }

  @Test
  void aNodeWhoseClockIsTenMinutesOffIsRefusedAndToldNothing() {
    SamResponder sam = manager(SaPairStore.inMemory());
    SamClient skewed = realm.node(time, wire, 7, TimeUnit.MINUTES.toMillis(10));
    Outcome outcome = new Outcome();

    skewed.connect(node(8), outcome);
    time.advance(1, TimeUnit.MINUTES);

    assertThat(outcome.error).isZero();
    assertThat(outcome.reason).contains("after 4 requests");
    assertThat(sam.counters().refused().of(KinkRefusal.CLOCK_SKEW)).isEqualTo(4);
    assertThat(sam.manager().pairs()).isEmpty();
  }

  @Test
  void anUnreachableKdcIsAClearErrorToTheNodeAfterBoundedRetriesWithBackoff() throws Exception {
    KerberosSessionKeys unreachable = silentKdc("gone", MitClient.freeLoopbackPort().getPort());
    SamResponder sam = realm.manager(time, wire, unreachable, SaPairStore.inMemory());
    SamClient node = realm.node(time, wire, 9, 0);
    Outcome outcome = new Outcome();
    List<Long> requestedAt = new ArrayList<>();
    wire.dropWhen(
        d -> {
          if (type(d) == KinkMessageType.SAM_REQUEST) {
            requestedAt.add(time.nanoTime());
          }
          return false;
        });

    node.connect(node(10), outcome);
    time.advance(30, TimeUnit.SECONDS);

    assertThat(outcome.error).isEqualTo(KinkPayload.Error.SAM_KDC_UNREACHABLE);
    assertThat(outcome.reason).contains("after 4 requests").contains("KDC is unreachable");
    assertThat(node.counters().requestsSent()).isEqualTo(4);
    List<Long> waits = new ArrayList<>();
    for (int i = 1; i < requestedAt.size(); i++) {
      waits.add(TimeUnit.NANOSECONDS.toMillis(requestedAt.get(i) - requestedAt.get(i - 1)));
    }
    // Each wait starts when the error arrives, one 20 ms round trip after the request left.
    assertThat(waits).containsExactly(1_020L, 2_020L, 4_020L);
    assertThat(sam.counters().errors()).isEqualTo(4);
    assertThat(sam.manager().counters().kdcExchanges()).isBetween(3L, 12L);
    assertThat(sam.manager().pairs()).isEmpty();
    assertThat(node.sad()).isEmpty();
  }

  @Test
  void coldRequestsForOnePeerWaitOnOneKdcExchangeWhileTheLoopRunsOn() throws Exception {
    SaPairStore store = SaPairStore.inMemory();
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      VirtualWire next = new VirtualWire(time);
      List<Runnable> kdcCalls = new ArrayList<>();
      SamResponder sam =
          realm.manager(
              time, next, silentKdc("silent", silent.getLocalPort()), store, kdcCalls::add);
      SamClient cold = realm.node(time, next, 22, 0);
      SamClient alsoCold = realm.node(time, next, 24, 0);
      Outcome waiting = new Outcome();
      Outcome alsoWaiting = new Outcome();

      cold.connect(node(23), waiting);
      alsoCold.connect(node(23), alsoWaiting);
      time.advance(200, TimeUnit.MILLISECONDS);

      // The KDC has not answered: both cold nodes wait on one ask, the manager's loop runs on.
      assertThat(waiting.sa).isNull();
      assertThat(alsoWaiting.sa).isNull();
      assertThat(kdcCalls).hasSize(1);
      assertThat(sam.manager().kdcRequestsOutstanding()).isEqualTo(1);

      // Once the KDC's exchange ends (here: refused at once), both hear of it on the loop.
      silent.close();
      kdcCalls.remove(0).run();
      time.advance(200, TimeUnit.MILLISECONDS);
      assertThat(sam.manager().kdcRequestsOutstanding()).isZero();
      assertThat(sam.counters().errors()).isEqualTo(2);
    }
  }

  @Test
  void aRestartedNodeNeverGetsTheKeysItSentOnBeforeEvenFromARestartedManager() throws Exception {
    Path store = dir.resolve("restart");
    manager(new FileSaPairStore(store));
    InstalledSa before = connect(nodes().get(11), 12).sa;

    VirtualWire next = new VirtualWire(time);
    SamResponder restarted =
        realm.manager(time, next, realm.sessionKeys, new FileSaPairStore(store));
    SamClient node = realm.node(time, next, 11, 0);
    Outcome outcome = new Outcome();
    node.connect(node(12), outcome);
    time.advance(200, TimeUnit.MILLISECONDS);

    // Sequence numbers start again at 1 on the restarted node: only new keys keep nonces unique.
    assertThat(outcome.sa.outbound().encryptionKey())
        .isNotEqualTo(before.outbound().encryptionKey());
    assertThat(outcome.sa.outbound().spi()).isNotEqualTo(before.outbound().spi());
    assertThat(outcome.sa.inbound().encryptionKey()).isNotEqualTo(before.inbound().encryptionKey());
    assertThat(restarted.manager().counters().kdcExchanges()).isEqualTo(1);
    assertThat(restarted.manager().pairs()).hasSize(1);
  }

  /** The manager's Kerberos client pointed at a KDC on {@code port} of loopback. */
  private static KerberosSessionKeys silentKdc(String name, int port) throws Exception {
    Path conf = dir.resolve(name);
    Files.createDirectories(conf);
    Files.writeString(
        conf.resolve("krb5.conf"),
        String.join(
            "\n",
            "[libdefaults]",
            "  default_realm = " + SamRealm.REALM,
            "  udp_preference_limit = 1",
            "[realms]",
            "  " + SamRealm.REALM + " = {",
            "    kdc = 127.0.0.1:" + port,
            "  }",
            ""));
    return new KerberosSessionKeys(
        conf.toFile(), SamRealm.MANAGER, dir.resolve("sam.keytab").toFile());
  }

  private byte[] freshRequest(SamClient from, int peer) {
    int sent = wire.count();
    wire.dropWhen(d -> true);
    from.connect(node(peer), new Outcome());
    wire.dropWhen(d -> false);
    return wire.sent().get(sent).bytes();
  }

  private Datagram first(KinkMessageType type) {
    return wire.sent().stream().filter(d -> type(d) == type).findFirst().orElseThrow();
  }

  private Datagram last(KinkMessageType type) {
    List<Datagram> sent = wire.sent();
    for (int i = sent.size() - 1; i >= 0; i--) {
      if (type(sent.get(i)) == type) {
        return sent.get(i);
      }
    }
    throw new AssertionError("no " + type + " sent");
  }

  private static KinkMessageType type(Datagram d) {
    return KinkMessageType.of(d.bytes()[0] & 0xFF);
  }

  private static Datagram flipped(Datagram d, int at) {
    byte[] bytes = d.bytes().clone();
    bytes[at] ^= 0x01;
    return new Datagram(d.from(), d.to(), bytes);
  }
}
