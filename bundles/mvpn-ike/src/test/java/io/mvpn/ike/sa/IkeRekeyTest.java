package io.mvpn.ike.sa;

import static io.mvpn.ike.sa.ChildRekeyTest.assertPairWorks;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.Transform;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * RFC 7296 §1.3.2, §2.18: the IKE SA re-keyed by CREATE_CHILD_SA, from either end and from both at
 * once (§2.8.2); the Child SAs go on under the new SA and the old one is deleted.
 */
class IkeRekeyTest {

  private final IkePair pair = new IkePair();
  private IkeSa mn;
  private IkeSa gw;
  private ChildSa mnChild;
  private ChildSa gwChild;

  private void establish() {
    mn = pair.start();
    pair.run(100);
    gw = pair.peerOf(mn);
    mnChild = mn.childSas().get(0);
    gwChild = gw.childSas().get(0);
  }

  private static IkeSa only(IkeEngine engine) {
    assertThat(engine.sas()).hasSize(1);
    return engine.sas().iterator().next();
  }

  /** One SA at each end that is not the old one: same SPIs, matching keys, the Child SAs in it. */
  private void assertReplaced(boolean mnStarted) throws Exception {
    IkeSa newMn = only(pair.initiator);
    IkeSa newGw = only(pair.responder);
    assertThat(newMn).isNotSameAs(mn);
    assertThat(newGw).isNotSameAs(gw);
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(gw.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(pair.ended).contains(mn, gw);
    assertThat(newMn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(newGw.state()).isEqualTo(IkeSaState.ESTABLISHED);
    // New SPIs, the same at both ends; whoever re-keyed is the new SA's initiator.
    assertThat(newMn.spiI()).isEqualTo(newGw.spiI()).isNotIn(mn.spiI(), mn.spiR());
    assertThat(newMn.spiR()).isEqualTo(newGw.spiR()).isNotIn(mn.spiI(), mn.spiR());
    assertThat(newMn.isInitiator()).isEqualTo(mnStarted);
    assertThat(newGw.isInitiator()).isEqualTo(!mnStarted);
    assertThat(pair.responder.sa(newGw.localSpi())).isSameAs(newGw);
    assertThat(newMn.keys().skD()).isEqualTo(newGw.keys().skD()).isNotEqualTo(mn.keys().skD());
    assertThat(newMn.keys().skEi()).isEqualTo(newGw.keys().skEi());
    assertThat(newMn.wiresharkKeyLine())
        .isEqualTo(newGw.wiresharkKeyLine())
        .startsWith(String.format("%016x,%016x,", newMn.spiI(), newMn.spiR()));
    assertThat(newMn.remoteId()).isEqualTo(IkePair.GW_ID);
    assertThat(newGw.remoteId()).isEqualTo(IkePair.MN_ID);
    // The Child SAs moved over unchanged; ESP goes on and the SAD keeps them.
    assertThat(newMn.childSas()).containsExactly(mnChild);
    assertThat(newGw.childSas()).containsExactly(gwChild);
    assertThat(mn.childSas()).isEmpty();
    assertPairWorks(mnChild.outbound(), gwChild.inbound());
    assertPairWorks(gwChild.outbound(), mnChild.inbound());
    assertThat(pair.gwSad.all()).containsExactly(gwChild.inbound());
    // Message IDs start again at 0 on the new SA, and it works: the keys fit.
    assertThat(newMn.nextRequestId()).isZero();
    assertThat(newGw.nextRequestId()).isZero();
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(newMn));
    pair.run(100);
    assertThat(pair.flow()).endsWith("37", "37R");
    assertThat(newMn.nextRequestId()).isEqualTo(1);
    assertThat(newGw.expectedRequestId()).isEqualTo(1);
  }

  @Test
  void theInitiatorRekeysAndDeletesTheOldSa() throws Exception {
    establish();
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    // CREATE_CHILD_SA, then the Delete of the old SA on the old SA.
    assertThat(pair.flow()).endsWith("36", "36R", "37", "37R");
    assertReplaced(true);
  }

  @Test
  void theResponderRekeysAndDeletesTheOldSa() throws Exception {
    establish();
    pair.scheduler.execute(() -> pair.responder.rekeyIkeSa(gw));
    pair.run(100);
    assertThat(pair.flow()).endsWith("36", "36R", "37", "37R");
    assertReplaced(false);
  }

  /**
   * The gateway re-keyed, so the MN is not the new SA's initiator (its I flag), but it still is the
   * one that moves the SA with MOBIKE (RFC 4555): that role survives the re-key.
   */
  @Test
  void theMobileNodeStillMovesTheSaAfterTheGatewayRekeyedIt() {
    establish();
    pair.scheduler.execute(() -> pair.responder.rekeyIkeSa(gw));
    pair.run(100);
    IkeSa newMn = only(pair.initiator);
    IkeSa newGw = only(pair.responder);
    assertThat(newMn.isInitiator()).isFalse();
    assertThat(newMn.isOriginalInitiator()).isTrue();
    assertThat(newGw.isOriginalInitiator()).isFalse();
    assertThat(newMn.peerSupportsMobike()).isTrue();
    pair.engines.put(MobikeTest.MOVED, pair.initiator);
    pair.scheduler.execute(
        () -> assertThat(pair.initiator.updateAddresses(newMn, MobikeTest.MOVED)).isTrue());
    pair.scheduler.execute(
        () -> assertThat(pair.responder.updateAddresses(newGw, IkePair.GW)).isFalse());
    pair.run(100);
    assertThat(newGw.remote()).isEqualTo(MobikeTest.MOVED_NAT_T);
    assertThat(gwChild.outbound().tunnelDestination()).isEqualTo(MobikeTest.MOVED.address());
    assertThat(newMn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void childSasAreRekeyedFromTheNewSkD() throws Exception {
    establish();
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    IkeSa newMn = only(pair.initiator);
    IkeSa newGw = only(pair.responder);
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(newMn, mnChild, Transform.CURVE25519));
    pair.run(100);
    assertThat(pair.flow()).endsWith("36", "36R", "37", "37R");
    ChildSa m = newMn.childSas().get(0);
    ChildSa g = newGw.childSas().get(0);
    assertThat(m).isNotEqualTo(mnChild);
    assertPairWorks(m.outbound(), g.inbound());
    assertPairWorks(g.outbound(), m.inbound());
    assertThat(pair.gwSad.all()).containsExactly(g.inbound());
    // And a second IKE re-key, from the other end this time.
    pair.scheduler.execute(() -> pair.responder.rekeyIkeSa(newGw));
    pair.run(100);
    assertThat(only(pair.initiator).childSas()).containsExactly(m);
    assertThat(only(pair.responder).childSas()).containsExactly(g);
    assertThat(pair.ended).contains(newMn, newGw);
  }

  /**
   * §2.8.2: both ends re-key at once. Each answers the other, the lowest of the four nonces marks
   * the redundant new SA, which its initiator deletes; the other initiator deletes the old one.
   */
  @RepeatedTest(8) // which new SA survives depends on the random nonces: both cases, likely
  void simultaneousRekeysLeaveOneSa() throws Exception {
    establish();
    pair.scheduler.execute(
        () -> {
          pair.initiator.rekeyIkeSa(mn);
          pair.responder.rekeyIkeSa(gw);
        });
    pair.run(200);
    // Two re-keys crossing, then two Deletes: one of the old SA, one of a redundant new SA.
    assertThat(pair.flow().subList(pair.flow().size() - 8, pair.flow().size()))
        .containsExactlyInAnyOrder("36", "36", "36R", "36R", "37", "37", "37R", "37R");
    IkeSa newMn = only(pair.initiator);
    IkeSa newGw = only(pair.responder);
    assertThat(newMn.spiI()).isEqualTo(newGw.spiI());
    assertThat(newMn.spiR()).isEqualTo(newGw.spiR());
    assertThat(newMn.isInitiator()).isNotEqualTo(newGw.isInitiator());
    assertThat(newMn.childSas()).containsExactly(mnChild);
    assertThat(newGw.childSas()).containsExactly(gwChild);
    assertThat(mn.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(gw.state()).isEqualTo(IkeSaState.DESTROYED);
    assertPairWorks(mnChild.outbound(), gwChild.inbound());
    assertThat(pair.gwSad.all()).containsExactly(gwChild.inbound());
    pair.scheduler.execute(() -> pair.responder.checkLiveness(newGw));
    pair.run(100);
    assertThat(pair.flow()).endsWith("37", "37R");
    // Nothing is left to time out later.
    pair.run(60_000);
    assertThat(pair.initiator.sas()).containsExactly(newMn);
    assertThat(pair.responder.sas()).containsExactly(newGw);
  }

  /**
   * §2.8.1: both ends re-key the same Child SA at once. Both are answered; the new pair whose
   * exchange had the lowest nonce is deleted by its initiator, the old pair by the other.
   */
  @RepeatedTest(8)
  void simultaneousChildRekeysLeaveOnePair() throws Exception {
    establish();
    pair.scheduler.execute(
        () -> {
          pair.initiator.rekeyChildSa(mn, mnChild, 0);
          pair.responder.rekeyChildSa(gw, gwChild, Transform.ECP_256);
        });
    pair.run(200);
    assertThat(pair.flow().subList(pair.flow().size() - 8, pair.flow().size()))
        .containsExactlyInAnyOrder("36", "36", "36R", "36R", "37", "37", "37R", "37R");
    assertThat(mn.childSas()).hasSize(1).doesNotContain(mnChild);
    assertThat(gw.childSas()).hasSize(1).doesNotContain(gwChild);
    ChildSa m = mn.childSas().get(0);
    ChildSa g = gw.childSas().get(0);
    assertThat(m.outbound().spi()).isEqualTo(g.inbound().spi());
    assertThat(m.inbound().spi()).isEqualTo(g.outbound().spi());
    assertPairWorks(m.outbound(), g.inbound());
    assertPairWorks(g.outbound(), m.inbound());
    assertThat(pair.gwSad.all()).containsExactly(g.inbound());
  }

  /**
   * The re-key request again (its answer lost, say) gets the answer kept for it (§2.1): no second
   * new SA. The old SA, re-keyed, refuses new Child SAs until its Delete comes.
   */
  @Test
  void aRepeatedRekeyRequestIsAnsweredFromTheCache() throws Exception {
    establish();
    // Keep the old SA at the gateway: its Delete is lost for now.
    pair.lose = d -> d.destination().equals(IkePair.GW) && exchange(d) == IkeHeader.INFORMATIONAL;
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    assertThat(gw.state()).isEqualTo(IkeSaState.REKEYED);
    assertThat(pair.responder.sas()).hasSize(2);
    Datagram request = lastRequest(IkeHeader.CREATE_CHILD_SA);
    byte[] answer = lastFrom(IkePair.GW).payload();
    int sent = pair.sent.size();
    pair.deliver(request);
    pair.run(10);
    assertThat(pair.sent).hasSize(sent + 1);
    assertThat(lastFrom(IkePair.GW).payload()).isEqualTo(answer);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(pair.responder.sas()).hasSize(2);
    // The Delete's retransmission gets through: only the new SA is left.
    pair.lose = d -> false;
    pair.run(5_000);
    assertThat(gw.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(pair.responder.sas()).hasSize(1);
    assertThat(only(pair.responder).childSas()).containsExactly(gwChild);
  }

  /** A Child SA re-key request again: answered from the cache, not a second new Child SA. */
  @Test
  void aRepeatedChildRekeyRequestIsAnsweredFromTheCache() {
    establish();
    pair.lose = d -> d.destination().equals(IkePair.GW) && exchange(d) == IkeHeader.INFORMATIONAL;
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(mn, mnChild, 0));
    pair.run(100);
    assertThat(gw.childSas()).hasSize(2);
    Datagram request = lastRequest(IkeHeader.CREATE_CHILD_SA);
    byte[] answer = lastFrom(IkePair.GW).payload();
    pair.deliver(request);
    pair.run(10);
    assertThat(lastFrom(IkePair.GW).payload()).isEqualTo(answer);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(gw.childSas()).hasSize(2);
    assertThat(pair.gwSad.all()).hasSize(2);
  }

  /** Before IKE_AUTH is through, and once re-keyed, there is nothing to re-key. */
  @Test
  void onlyAnEstablishedSaIsRekeyed() {
    pair.scheduler.execute(
        () -> {
          mn = pair.initiator.initiate(IkePair.GW);
          pair.initiator.rekeyIkeSa(mn);
        });
    pair.run(100);
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R");
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    pair.lose = d -> exchange(d) == IkeHeader.INFORMATIONAL; // the old SA stays REKEYED
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    assertThat(mn.state()).isEqualTo(IkeSaState.DELETING);
    assertThat(pair.flow().stream().filter("36"::equals)).hasSize(1);
  }

  /** A peer that answers the re-key with an error: the old SA goes on as it was. */
  @Test
  void aRefusedRekeyChangesNothing() {
    establish();
    // The gateway waits for the answer to a request of its own (a liveness check, lost): it
    // answers the re-key with TEMPORARY_FAILURE (§2.25).
    pair.lose = d -> d.destination().equals(IkePair.MN) && exchange(d) == IkeHeader.INFORMATIONAL;
    pair.scheduler.execute(() -> pair.responder.checkLiveness(gw));
    pair.run(10);
    pair.scheduler.execute(() -> pair.initiator.rekeyIkeSa(mn));
    pair.run(100);
    assertThat(pair.initiator.sas()).containsExactly(mn);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childSas()).containsExactly(mnChild);
    assertThat(pair.responder.sas()).containsExactly(gw);
  }

  private static int exchange(Datagram d) {
    return d.payload()[18] & 0xFF;
  }

  private Datagram lastRequest(int exchangeType) {
    Datagram found = null;
    for (Datagram d : pair.sent) {
      if (exchange(d) == exchangeType && (d.payload()[19] & IkeHeader.RESPONSE) == 0) {
        found = d;
      }
    }
    return found;
  }

  private Datagram lastFrom(Endpoint from) {
    Datagram found = null;
    for (Datagram d : pair.sent) {
      if (d.source().address().equals(from.address())) {
        found = d;
      }
    }
    return found;
  }
}
