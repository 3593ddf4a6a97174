package io.mvpn.diameter.peer;

import static io.mvpn.diameter.peer.TestNodes.NASREQ;
import static io.mvpn.diameter.peer.TestNodes.identity;
import static io.mvpn.diameter.peer.TestNodes.passivePeer;
import static io.mvpn.diameter.peer.TestNodes.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests between nodes in virtual time: answers, duplicates, failover, relaying. */
class RequestRoutingTest {

  private final TestNodes lab = new TestNodes();
  private final List<DiameterMessage> answers = new ArrayList<>();
  private int served;

  private RequestHandler.Answer routes(DiameterMessage request) {
    served++;
    return new RequestHandler.Answer(
        ResultCode.SUCCESS, List.of(Avp.utf8(AvpCode.FRAMED_ROUTE, "10.1.0.0/16 0.0.0.0 1")));
  }

  static DiameterMessage aaRequest(String realm, String session) {
    return DiameterMessage.request(
        CommandCode.AA,
        NASREQ,
        true,
        List.of(
            Avp.utf8(AvpCode.SESSION_ID, session),
            Avp.unsigned32(AvpCode.AUTH_APPLICATION_ID, NASREQ),
            Avp.utf8(AvpCode.ORIGIN_HOST, "a.test.local"),
            Avp.utf8(AvpCode.ORIGIN_REALM, "test.local"),
            Avp.utf8(AvpCode.DESTINATION_REALM, realm),
            Avp.unsigned32(AvpCode.AUTH_REQUEST_TYPE, 3),
            Avp.utf8(AvpCode.USER_NAME, "mn1@acme")));
  }

  @Test
  void aRequestIsAnsweredByThePeerServingItsRealmAndMatchedByHopByHop() throws Exception {
    DiameterNode[] nodes = lab.connected("msm.home.local", "home.local", this::routes);
    DiameterNode a = nodes[0];
    DiameterNode msm = nodes[1];

    a.send(aaRequest("home.local", "a.test.local;1;1"), answers::add);
    lab.runFor(1);

    assertThat(answers).hasSize(1);
    DiameterMessage answer = answers.get(0);
    assertThat(answer.resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(answer.utf8(AvpCode.SESSION_ID)).isEqualTo("a.test.local;1;1");
    assertThat(answer.utf8(AvpCode.ORIGIN_HOST)).isEqualTo("msm.home.local");
    assertThat(answer.utf8(AvpCode.FRAMED_ROUTE)).isEqualTo("10.1.0.0/16 0.0.0.0 1");
    assertThat(answer.isProxiable()).isTrue();
    assertThat(a.stats().answersReceived()).isEqualTo(1);
  }

  @Test
  void anAnswerWithAnUnknownHopByHopIsDroppedAndCounted() {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    DiameterNode a = nodes[0];
    DiameterNode b = nodes[1];

    DiameterMessage stray =
        DiameterMessage.answer(
            aaRequest("test.local", "x;1;2").withIdentifiers(0x1234, 0x5678),
            ResultCode.SUCCESS,
            List.of(
                Avp.utf8(AvpCode.ORIGIN_HOST, "b.test.local"),
                Avp.utf8(AvpCode.ORIGIN_REALM, "test.local")));
    b.peer("a.test.local").connection().send(stray);
    lab.runFor(1);

    assertThat(a.stats().unmatchedAnswers()).isEqualTo(1);
    assertThat(a.peer("b.test.local").available()).isTrue();
  }

  @Test
  void aRetransmittedDuplicateGetsTheCachedAnswerAndIsServedOnce() throws Exception {
    DiameterNode[] nodes = lab.connected("msm.home.local", "home.local", null);
    DiameterNode a = nodes[0];
    DiameterNode msm = nodes[1];
    msm.register(NASREQ, this::routes);

    DiameterMessage request = aaRequest("home.local", "a.test.local;1;3").withIdentifiers(77, 99);
    Connection toMsm = a.peer("msm.home.local").connection();
    toMsm.send(request);
    toMsm.send(request.retransmitted().withIdentifiers(78, 99));
    lab.runFor(1);

    assertThat(served).isEqualTo(1);
    assertThat(msm.stats().duplicates()).isEqualTo(1);
    assertThat(msm.stats().answersSent()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aRequestToAPeerThatFallsSilentIsRetransmittedWithTheTBitToAnotherPeer() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode one = lab.node(2, "one.home.local", "home.local");
    DiameterNode two = lab.node(3, "two.home.local", "home.local");
    one.register(NASREQ, this::routes);
    two.register(NASREQ, this::routes);
    a.register(NASREQ, this::routes);
    a.addPeer(peer("one.home.local", "home.local", 2));
    a.addPeer(peer("two.home.local", "home.local", 3));
    one.addPeer(passivePeer("a.test.local", "test.local"));
    two.addPeer(passivePeer("a.test.local", "test.local"));
    a.start();
    lab.runFor(1);
    lab.net.deafen(one, true);

    a.send(aaRequest("home.local", "a.test.local;1;4"), answers::add);
    lab.runFor(11); // the request timeout

    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).utf8(AvpCode.ORIGIN_HOST)).isEqualTo("two.home.local");
    assertThat(a.stats().retransmitted()).isEqualTo(1);
    DiameterMessage resent =
        lab.net.wire.stream().filter(m -> m.isRequest() && m.isRetransmit()).findFirst().get();
    assertThat(resent.commandCode()).isEqualTo(CommandCode.AA);
  }

  @Test
  void aRequestNoPeerCanTakeIsAnsweredLocallyWith3002() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    a.send(aaRequest("nowhere.local", "a.test.local;1;5"), answers::add);

    assertThat(answers.get(0).resultCode()).isEqualTo(ResultCode.UNABLE_TO_DELIVER);
    assertThat(answers.get(0).isError()).isTrue();
  }

  @Test
  void aRelayForwardsToTheHomeRealmWithRouteRecordAndReturnsTheAnswer() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode relay =
        lab.node(
            2,
            "relay.core.local",
            "core.local",
            NodeSettings.of(identity("relay.core.local", "core.local", 2)).withRelay(true));
    DiameterNode msm = lab.node(3, "msm.home.local", "home.local");
    msm.register(NASREQ, this::routes);
    a.register(NASREQ, this::routes);
    a.addPeer(peer("relay.core.local", "core.local", 2));
    relay.addPeer(passivePeer("a.test.local", "test.local"));
    relay.addPeer(peer("msm.home.local", "home.local", 3));
    msm.addPeer(passivePeer("relay.core.local", "core.local"));
    a.start();
    relay.start();
    lab.runFor(1);

    a.send(aaRequest("home.local", "a.test.local;1;6"), answers::add);
    lab.runFor(1);

    assertThat(answers.get(0).resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(answers.get(0).utf8(AvpCode.ORIGIN_HOST)).isEqualTo("msm.home.local");
    assertThat(relay.stats().relayed()).isEqualTo(1);
    DiameterMessage forwarded =
        lab.net.wire.stream()
            .filter(m -> m.isRequest() && m.find(AvpCode.ROUTE_RECORD).isPresent())
            .findFirst()
            .get();
    assertThat(forwarded.utf8(AvpCode.ROUTE_RECORD)).isEqualTo("a.test.local");
  }

  @Test
  void aRequestThatAlreadyPassedThisRelayIsRefusedWith3005() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode relay =
        lab.node(
            2,
            "relay.core.local",
            "core.local",
            NodeSettings.of(identity("relay.core.local", "core.local", 2)).withRelay(true));
    a.register(NASREQ, this::routes);
    a.addPeer(peer("relay.core.local", "core.local", 2));
    relay.addPeer(passivePeer("a.test.local", "test.local"));
    a.start();
    lab.runFor(1);

    a.send(
        aaRequest("home.local", "a.test.local;1;7")
            .with(Avp.utf8(AvpCode.ROUTE_RECORD, "relay.core.local")),
        answers::add);
    lab.runFor(1);

    assertThat(answers.get(0).resultCode()).isEqualTo(ResultCode.LOOP_DETECTED);
    assertThat(relay.stats().protocolErrors()).isEqualTo(1);
  }

  @Test
  void aRequestWithAnUnknownMandatoryAvpIsRefusedWith5001AndFailedAvp() throws Exception {
    DiameterNode[] nodes = lab.connected("msm.home.local", "home.local", this::routes);
    DiameterNode a = nodes[0];
    DiameterNode msm = nodes[1];

    Avp unknown = Avp.mandatory(60_000, new byte[] {1, 2, 3});
    a.send(aaRequest("home.local", "a.test.local;1;8").with(unknown), answers::add);
    lab.runFor(1);

    DiameterMessage answer = answers.get(0);
    assertThat(answer.resultCode()).isEqualTo(ResultCode.AVP_UNSUPPORTED);
    assertThat(answer.find(AvpCode.FAILED_AVP).get().asGrouped()).containsExactly(unknown);
    assertThat(served).isZero();
  }
}
