package io.mvpn.ike.sa;

import static io.mvpn.ike.sa.ChildRekeyTest.assertPairWorks;
import static io.mvpn.ike.sa.IkePair.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.message.Transform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7296 §1.3.1: an additional Child SA by CREATE_CHILD_SA without N(REKEY_SA), narrowed by the
 * responder (§2.9), or refused with nothing installed.
 */
class AdditionalChildSaTest {

  private IkePair pair = new IkePair();
  private IkeSa mn;
  private IkeSa gw;

  private void establish() {
    mn = pair.start();
    pair.run(100);
    gw = pair.peerOf(mn);
  }

  private void create(List<TrafficSelector> local, List<TrafficSelector> remote, int pfsGroup) {
    pair.scheduler.execute(() -> pair.initiator.createChildSa(mn, local, remote, pfsGroup));
    pair.run(100);
  }

  private void assertCreated(int pfsGroup) throws Exception {
    establish();
    ChildSa first = mn.childSas().get(0);
    // Asks for more than the gateway allows on both sides: it narrows to 10.1.0.0/24 behind
    // the MN and 10.2.7.0/24 behind itself.
    create(
        List.of(range("10.1.0.0", "10.1.255.255")),
        List.of(range("10.2.7.0", "10.3.0.255")),
        pfsGroup);
    assertThat(pair.flow()).endsWith("36", "36R");
    assertThat(mn.childSas()).hasSize(2).startsWith(first);
    assertThat(gw.childSas()).hasSize(2);
    ChildSa m = mn.childSas().get(1);
    ChildSa g = gw.childSas().get(1);
    assertThat(m.localSelectors()).containsExactly(range("10.1.0.0", "10.1.0.255"));
    assertThat(m.remoteSelectors()).containsExactly(range("10.2.7.0", "10.2.255.255"));
    assertThat(g.localSelectors()).isEqualTo(m.remoteSelectors());
    assertThat(g.remoteSelectors()).isEqualTo(m.localSelectors());
    assertThat(m.outbound().spi()).isEqualTo(g.inbound().spi());
    assertThat(m.inbound().spi()).isEqualTo(g.outbound().spi());
    assertPairWorks(m.outbound(), g.inbound());
    assertPairWorks(g.outbound(), m.inbound());
    assertThat(pair.gwSad.all())
        .containsExactlyInAnyOrder(gw.childSas().get(0).inbound(), g.inbound());
    assertThat(mn.childFailure()).isZero();
    // Either can be deleted alone; the other stays.
    pair.scheduler.execute(() -> pair.initiator.deleteChildSa(mn, m));
    pair.run(100);
    assertThat(mn.childSas()).containsExactly(first);
    assertThat(gw.childSas()).hasSize(1).doesNotContain(g);
    assertThat(pair.gwSad.all()).containsExactly(gw.childSas().get(0).inbound());
  }

  @Test
  void withoutPfs() throws Exception {
    assertCreated(0);
  }

  @Test
  void withPfs() throws Exception {
    assertCreated(Transform.ECP_256);
  }

  /** The gateway can ask too: it is the exchange's initiator, not the IKE SA's. */
  @Test
  void theResponderOfTheIkeSaAsksForOne() throws Exception {
    establish();
    pair.scheduler.execute(
        () ->
            pair.responder.createChildSa(
                gw,
                List.of(range("10.2.3.0", "10.2.3.255")),
                List.of(range("10.1.0.7", "10.1.0.7")),
                0));
    pair.run(100);
    assertThat(pair.flow()).endsWith("36", "36R");
    ChildSa g = gw.childSas().get(1);
    ChildSa m = mn.childSas().get(1);
    assertThat(m.localSelectors()).containsExactly(range("10.1.0.7", "10.1.0.7"));
    assertThat(m.remoteSelectors()).containsExactly(range("10.2.3.0", "10.2.3.255"));
    assertPairWorks(m.outbound(), g.inbound());
    assertPairWorks(g.outbound(), m.inbound());
    assertThat(pair.gwSad.all()).hasSize(2).contains(g.inbound());
  }

  /** Selectors outside the gateway's policy: TS_UNACCEPTABLE, nothing installed. */
  @Test
  void selectorsOutsideThePolicyAreRefused() {
    establish();
    create(
        List.of(range("10.1.0.0", "10.1.255.255")), List.of(range("10.9.0.0", "10.9.255.255")), 0);
    assertThat(pair.flow()).endsWith("36", "36R");
    assertThat(mn.childFailure()).isEqualTo(NotifyPayload.TS_UNACCEPTABLE);
    assertRefused();
  }

  /** No ESP transforms in common: NO_PROPOSAL_CHOSEN, nothing installed. */
  @Test
  void transformsInNothingCommonAreRefused() {
    PeerConfig gw256 = IkePair.gwConfig();
    PeerConfig mn128 = IkePair.mnConfig();
    pair =
        new IkePair(
            new PeerConfig(
                mn128.localId(),
                mn128.remoteId(),
                mn128.authenticator(),
                mn128.localSelectors(),
                mn128.remoteSelectors(),
                mn128.ike(),
                ProposalPolicy.esp(List.of(128), List.of(Transform.ESN_NO)),
                true),
            new PeerConfig(
                gw256.localId(),
                gw256.remoteId(),
                gw256.authenticator(),
                gw256.localSelectors(),
                gw256.remoteSelectors(),
                gw256.ike(),
                ProposalPolicy.esp(List.of(256), List.of(Transform.ESN_NO)),
                true),
            EngineSettings.defaults());
    establish();
    // IKE_AUTH's Child SA was refused already; the IKE SA is up without it.
    assertThat(mn.childFailure()).isEqualTo(NotifyPayload.NO_PROPOSAL_CHOSEN);
    mn.childFailed(0);
    create(List.of(range("10.1.0.0", "10.1.0.255")), List.of(range("10.2.0.0", "10.2.0.255")), 0);
    assertThat(pair.flow()).endsWith("36", "36R");
    assertThat(mn.childFailure()).isEqualTo(NotifyPayload.NO_PROPOSAL_CHOSEN);
    assertThat(mn.childSas()).isEmpty();
    assertThat(gw.childSas()).isEmpty();
    assertThat(pair.gwSad.all()).isEmpty();
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  private void assertRefused() {
    assertThat(mn.childSas()).hasSize(1);
    assertThat(gw.childSas()).hasSize(1);
    assertThat(pair.gwSad.all()).hasSize(1);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(gw.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }
}
