package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kink.KinkCodec;
import io.mvpn.sam.kink.KinkFormatException;
import io.mvpn.sam.kink.KinkMessageType;
import io.mvpn.sam.kink.KinkRefusal;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that asks again before its manager's answer arrived: each sending carries its own
 * authenticator, and the answer to any of them is the answer.
 */
class SamClientRetryTest {

  @TempDir static Path dir;

  private static SamRealm realm;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire wire = new VirtualWire(time);

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, 2);
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  @Test
  void theAnswerToTheFirstSendingOfARetriedRequestIsTakenAndTheLaterOneIgnored() {
    SamResponder sam = realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
    sam.knowNode(node(1), SamRealm.address(1));
    // The first retry is due before a round trip to the manager (20 ms) can have ended.
    SamClient a = realm.node(time, wire, 0, 0, new SamClient.Settings(15, 4));
    realm.node(time, wire, 1, 0);
    InstalledSa[] got = new InstalledSa[1];
    a.connect(node(1), SamRealm.readyInto(got));

    time.advance(2 * VirtualWire.ONE_WAY_MILLIS, TimeUnit.MILLISECONDS);

    assertThat(a.counters().requestsSent()).isEqualTo(2);
    assertThat(got[0]).isNotNull();
    assertThat(a.counters().refused().total()).isZero();

    time.advance(1, TimeUnit.SECONDS);

    // Both sendings under one XID (RFC 4430: a retransmission keeps its exchange's XID), so the
    // manager answered the second with the grant it made for the first: one pair, not two.
    List<Long> xids =
        wire.sent().stream()
            .filter(d -> (d.bytes()[0] & 0xFF) == KinkMessageType.SAM_REQUEST.code())
            .map(SamClientRetryTest::xid)
            .toList();
    assertThat(xids).hasSize(2).containsOnly(xids.get(0));
    assertThat(sam.counters().grants()).isEqualTo(1);
    assertThat(sam.counters().retransmitted()).isEqualTo(1);
    // The node was no longer asking when the second copy of the grant came.
    assertThat(a.counters().refused().byReason()).containsOnlyKeys(KinkRefusal.UNKNOWN_XID);
    assertThat(a.counters().granted()).isEqualTo(1);
    assertThat(a.sa(node(1))).isEqualTo(got[0]);
  }

  private static long xid(VirtualWire.Datagram d) {
    try {
      return KinkCodec.decode(d.bytes()).xid();
    } catch (KinkFormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aClosedClientAsksNoMoreAndItsCallerHearsNothingLate() {
    realm.manager(time, wire, realm.sessionKeys, SaPairStore.inMemory());
    SamClient a = realm.node(time, wire, 0, 0, new SamClient.Settings(15, 4));
    realm.node(time, wire, 1, 0);
    String[] heard = {null};
    a.connect(
        node(1),
        new SamClient.Outcome() {
          @Override
          public void ready(InstalledSa sa) {
            heard[0] = "ready";
          }

          @Override
          public void failed(long kinkError, String reason) {
            heard[0] = reason;
          }
        });

    a.close();
    time.advance(1, TimeUnit.SECONDS);

    assertThat(a.counters().requestsSent()).isEqualTo(1);
    assertThat(heard[0]).isNull();
    assertThat(a.sa(node(1))).isNull();
  }
}
