package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kink.ApInitiator;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.kink.KinkCodec;
import io.mvpn.sam.kink.KinkExchange;
import io.mvpn.sam.kink.KinkKey;
import io.mvpn.sam.kink.KinkMessageType;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.mvpn.sam.manager.SecurityAssociationPair;
import io.mvpn.sam.scenario.VirtualWire.Datagram;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose SAM_GRANT was lost asks again under the same XID: it gets the grant sent before,
 * byte for byte, and the manager makes no second pair. The same XID with another request is
 * refused, another node's XID is its own, and past the window replay protection still holds.
 */
class SamRetransmittedRequestTest {

  @TempDir static Path dir;

  private static SamRealm realm;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire wire = new VirtualWire(time);

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, 4);
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  private SamResponder manager() {
    SamResponder sam = managerKnowingNoNode();
    for (int n = 0; n < 4; n++) {
      sam.knowNode(node(n), SamRealm.address(n));
    }
    return sam;
  }

  /** A manager that pushes no pair to a peer (it knows no node's address): grants only. */
  private SamResponder managerKnowingNoNode() {
    return realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
  }

  @Test
  void aLostGrantIsAnsweredAgainWithTheSameBytesAndNoSecondPair() {
    SamResponder sam = manager();
    SamClient a = realm.node(time, wire, 0, 0);
    SamClient b = realm.node(time, wire, 1, 0);
    boolean[] dropped = {false};
    wire.dropWhen(
        d -> {
          if (!dropped[0] && type(d) == KinkMessageType.SAM_GRANT) {
            dropped[0] = true;
            return true;
          }
          return false;
        });
    InstalledSa[] got = new InstalledSa[1];
    a.connect(node(1), SamRealm.readyInto(got));

    time.advance(5, TimeUnit.SECONDS);

    List<Datagram> requests = all(KinkMessageType.SAM_REQUEST);
    List<Datagram> grants = all(KinkMessageType.SAM_GRANT);
    assertThat(requests).hasSize(2);
    assertThat(xid(requests.get(1))).isEqualTo(xid(requests.get(0)));
    assertThat(grants).hasSize(2);
    assertThat(grants.get(1).bytes()).isEqualTo(grants.get(0).bytes());
    assertThat(sam.counters().grants()).isEqualTo(1);
    assertThat(sam.counters().requests()).isEqualTo(1);
    assertThat(sam.counters().retransmitted()).isEqualTo(1);
    assertThat(sam.counters().installsSent()).isEqualTo(1);
    assertThat(sam.manager().counters().keyed()).isEqualTo(1);
    // Node, peer and manager hold one pair: what A sends on is what B receives on.
    SecurityAssociationPair held = sam.manager().held(node(0), node(1));
    assertThat(got[0].outbound()).isEqualTo(held.outboundOf(node(0)));
    assertThat(got[0].inbound()).isEqualTo(held.inboundOf(node(0)));
    assertThat(b.sa(node(0)).inbound()).isEqualTo(got[0].outbound());
    assertThat(a.counters().refused().total()).isZero();
    assertThat(sam.counters().refused().total()).isZero();
  }

  @Test
  void aResentRequestWhoseGrantIsUnderWayJoinsItAndIsAnsweredOnce() {
    List<Runnable> kdcCalls = new ArrayList<>();
    SamResponder sam =
        realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory(), kdcCalls::add);
    SamClient a = realm.node(time, wire, 0, 0);
    InstalledSa[] got = new InstalledSa[1];
    a.connect(node(2), SamRealm.readyInto(got));

    // The KDC has not answered by the time the node asks again.
    time.advance(1_500, TimeUnit.MILLISECONDS);
    assertThat(all(KinkMessageType.SAM_REQUEST)).hasSize(2);
    kdcCalls.remove(0).run();
    time.advance(100, TimeUnit.MILLISECONDS);

    assertThat(got[0]).isNotNull();
    assertThat(all(KinkMessageType.SAM_GRANT)).hasSize(1);
    assertThat(sam.counters().grants()).isEqualTo(1);
    assertThat(sam.counters().retransmitted()).isEqualTo(1);
    assertThat(kdcCalls).isEmpty();
  }

  @Test
  void theSameXidWithAnotherRequestIsRefusedAndChangesNothing() {
    SamResponder sam = manager();
    long xid = xid(node0AsksFor1());
    List<SecurityAssociationPair> pairs = sam.manager().pairs();

    Datagram reused = request(0, xid, node(2));
    wire.deliver(reused);
    time.advance(100, TimeUnit.MILLISECONDS);

    assertThat(sam.counters().refused().of(KinkRefusal.XID_REUSED)).isEqualTo(1);
    assertThat(sam.counters().grants()).isEqualTo(1);
    assertThat(sam.manager().pairs()).isEqualTo(pairs);
    assertThat(all(KinkMessageType.SAM_GRANT)).hasSize(1);
    assertThat(sam.repliesHeld()).isEqualTo(1);

    // Refused before its authenticator was remembered: once the first grant's entry is gone, the
    // very same datagram is no replay but a new request, and gets a pair of its own.
    time.advance(SamResponder.Settings.DEFAULT.replyWindowMillis(), TimeUnit.MILLISECONDS);
    assertThat(sam.repliesHeld()).isZero();
    wire.deliver(reused);
    time.advance(100, TimeUnit.MILLISECONDS);
    assertThat(sam.counters().refused().of(KinkRefusal.REPLAY)).isZero();
    assertThat(sam.counters().grants()).isEqualTo(2);
    assertThat(sam.manager().held(node(0), node(2))).isNotNull();
  }

  @Test
  void aNodeWithItsBoundOfGrantsUnderWayIsToldTheKdcIsBusyAndHeldToItsBound() {
    List<Runnable> kdcCalls = new ArrayList<>();
    SamResponder sam =
        realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory(), kdcCalls::add);
    int perNode = SamResponder.Settings.DEFAULT.repliesPerNode();
    for (int xid = 0; xid < perNode + 20; xid++) {
      wire.deliver(request(0, xid, node(2)));
      time.advance(1, TimeUnit.MILLISECONDS);
    }

    // While the KDC is asked, each new XID would hold another entry: past the bound, an error.
    assertThat(sam.repliesHeld()).isEqualTo(perNode);
    assertThat(sam.counters().busy()).isEqualTo(20);
    assertThat(sam.counters().errors()).isEqualTo(20);
    assertThat(all(KinkMessageType.SAM_GRANT)).hasSize(20);
    assertThat(sam.repliesEvicted()).isZero();
    assertThat(kdcCalls).hasSize(1);
    kdcCalls.remove(0).run();
    time.advance(100, TimeUnit.MILLISECONDS);
    assertThat(sam.counters().grants()).isEqualTo(perNode);
    assertThat(sam.repliesHeld()).isEqualTo(perNode);
  }

  @Test
  void anotherNodesRequestUnderTheSameXidIsItsOwnAndGetsNothingOfTheFirst() throws Exception {
    SamResponder sam = manager();
    Datagram aRequest = node0AsksFor1();
    Datagram aGrant = all(KinkMessageType.SAM_GRANT).get(0);

    // Node 3 asks under A's XID, for the same peer: a new request of its own.
    wire.deliver(request(3, xid(aRequest), node(1)));
    time.advance(100, TimeUnit.MILLISECONDS);

    List<Datagram> grants = all(KinkMessageType.SAM_GRANT);
    assertThat(grants).hasSize(2);
    assertThat(grants.get(1).to()).isEqualTo(SamRealm.address(3));
    assertThat(grants.get(1).bytes()).isNotEqualTo(aGrant.bytes());
    assertThat(sam.counters().retransmitted()).isZero();
    assertThat(sam.counters().grants()).isEqualTo(2);
    assertThat(sam.manager().held(node(3), node(1))).isNotNull();
    // Its grant is sealed under node 3's session key: A's key does not open it.
    KinkExchange.Answer opened =
        KinkExchange.acceptAnswer(
            grants.get(1).bytes(),
            KinkCodec.decode(grants.get(1).bytes()),
            realm.nodeTickets.get(3).getSessionKey(),
            lastSent);
    KinkPayload.SamSa half = (KinkPayload.SamSa) opened.sealed().get(0);
    assertThat(half.outbound())
        .isNotEqualTo(sam.manager().held(node(0), node(1)).outboundOf(node(0)));
    assertThat(KinkCodec.verify(grants.get(1).bytes(), key(0))).isFalse();
  }

  @Test
  void pastTheWindowACopiedRequestIsStillAReplayAndAFreshOneIsANewRequest() {
    SamResponder sam = manager();
    Datagram first = node0AsksFor1();

    time.advance(SamResponder.Settings.DEFAULT.replyWindowMillis() + 1, TimeUnit.MILLISECONDS);
    assertThat(sam.repliesHeld()).isZero();
    // The very datagram again: its authenticator is remembered for the skew, then too old.
    wire.deliver(first);
    time.advance(6, TimeUnit.MINUTES);
    wire.deliver(first);

    assertThat(sam.counters().refused().of(KinkRefusal.REPLAY)).isEqualTo(1);
    assertThat(sam.counters().refused().of(KinkRefusal.CLOCK_SKEW)).isEqualTo(1);
    assertThat(sam.counters().grants()).isEqualTo(1);
    assertThat(sam.counters().retransmitted()).isZero();

    // The same XID with a fresh authenticator, long after: a new command, a new pair.
    SecurityAssociationPair before = sam.manager().held(node(0), node(1));
    wire.deliver(request(0, xid(first), node(1)));
    time.advance(100, TimeUnit.MILLISECONDS);
    assertThat(sam.counters().grants()).isEqualTo(2);
    assertThat(sam.manager().held(node(0), node(1)).outboundOf(node(0)))
        .isNotEqualTo(before.outboundOf(node(0)));
  }

  @Test
  void aResentRequestWhosePairWasRevokedMeanwhileGetsANewOne() {
    SamResponder sam = manager();
    long xid = xid(node0AsksFor1());
    sam.manager().revoke(node(0), node(1));

    wire.deliver(request(0, xid, node(1)));
    time.advance(100, TimeUnit.MILLISECONDS);

    assertThat(sam.counters().grants()).isEqualTo(2);
    assertThat(sam.counters().retransmitted()).isZero();
    assertThat(sam.manager().held(node(0), node(1))).isNotNull();
  }

  @Test
  void fourHundredXidsOfOneNodeKeepItsRepliesWithinTheirBound() {
    // Ten thousand against the cache itself: RequestRepliesTest. Each request here is a Kerberos
    // exchange and a key derivation, so somewhat more than the bound show it on the wire.
    SamResponder sam = managerKnowingNoNode();
    int perNode = SamResponder.Settings.DEFAULT.repliesPerNode();
    for (int xid = 0; xid < 400; xid++) {
      wire.deliver(request(0, xid, node(1 + xid % 2)));
      // Each authenticator its own millisecond; 0.4 s in all, inside the window.
      time.advance(1, TimeUnit.MILLISECONDS);
      assertThat(sam.repliesHeld()).isLessThanOrEqualTo(perNode);
    }

    assertThat(sam.counters().grants()).isEqualTo(400);
    assertThat(sam.repliesHeld()).isEqualTo(perNode);
    assertThat(sam.repliesEvicted()).isEqualTo(400 - perNode);
    // The newest are kept: the last XID sent again is answered from them, the first is not.
    wire.deliver(request(0, 399, node(2)));
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(sam.counters().retransmitted()).isEqualTo(1);
    assertThat(sam.counters().grants()).isEqualTo(400);
    wire.deliver(request(0, 0, node(1)));
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(sam.counters().grants()).isEqualTo(401);
  }

  private ApInitiator.Sent lastSent;

  /** Node 0 asks for an SA with node 1 and gets it; its SAM_REQUEST as it went. */
  private Datagram node0AsksFor1() {
    realm.node(time, wire, 0, 0).connect(node(1), SamRealm.readyInto(new InstalledSa[1]));
    time.advance(100, TimeUnit.MILLISECONDS);
    return all(KinkMessageType.SAM_REQUEST).get(0);
  }

  /** A SAM_REQUEST of node {@code n} under {@code xid} for {@code peer}, fresh authenticator. */
  private Datagram request(int n, long xid, String peer) {
    KerberosClock clock = new KerberosClock(time, SamRealm.WALL_CLOCK_AT_START);
    lastSent = ApInitiator.apReq(realm.nodeTickets.get(n), SamRealm.principal(node(n)), clock);
    byte[] bytes =
        KinkExchange.command(
            KinkMessageType.SAM_REQUEST,
            xid,
            0,
            lastSent,
            realm.nodeTickets.get(n),
            List.of(new KinkPayload.SamPeer(peer)));
    return new Datagram(SamRealm.address(n), SamRealm.MANAGER_ADDRESS, bytes);
  }

  private static KinkKey key(int n) {
    return new KinkKey(realm.nodeTickets.get(n).getSessionKey());
  }

  private List<Datagram> all(KinkMessageType type) {
    return wire.sent().stream().filter(d -> type(d) == type).toList();
  }

  private static KinkMessageType type(Datagram d) {
    return KinkMessageType.of(d.bytes()[0] & 0xFF);
  }

  private static long xid(Datagram d) {
    try {
      return KinkCodec.decode(d.bytes()).xid();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
