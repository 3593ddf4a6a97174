package io.mvpn.diameter.peer;

import static io.mvpn.diameter.peer.RequestRoutingTest.aaRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.store.InMemoryCounterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each node counts the application messages it exchanges, by peer, command and Result-Code. */
class PeerTrafficTest {

  private final TestNodes lab = new TestNodes();

  @Test
  void requestsAndAnswersAreCountedByPeerDirectionCommandAndResultOnBothSides() {
    DiameterNode[] nodes =
        lab.connected(
            "msm.home.local",
            "home.local",
            request ->
                new RequestHandler.Answer(
                    request.utf8(AvpCode.SESSION_ID).endsWith(";2")
                        ? ResultCode.AUTHENTICATION_REJECTED
                        : ResultCode.SUCCESS,
                    List.of()));
    DiameterNode a = nodes[0];
    DiameterNode msm = nodes[1];
    List<DiameterMessage> answers = new ArrayList<>();

    a.send(aaRequest("home.local", "a.test.local;1;1"), answers::add);
    a.send(aaRequest("home.local", "a.test.local;1;2"), answers::add);
    a.send(aaRequest("home.local", "a.test.local;1;3"), answers::add);
    lab.runFor(1);

    assertThat(answers).hasSize(3);
    int aa = CommandCode.AA;
    assertThat(a.traffic())
        .containsExactlyInAnyOrder(
            new PeerTraffic("msm.home.local", "home.local", true, true, aa, -1, 3),
            new PeerTraffic(
                "msm.home.local", "home.local", false, false, aa, ResultCode.SUCCESS, 2),
            new PeerTraffic(
                "msm.home.local",
                "home.local",
                false,
                false,
                aa,
                ResultCode.AUTHENTICATION_REJECTED,
                1));
    assertThat(msm.traffic())
        .containsExactlyInAnyOrder(
            new PeerTraffic("a.test.local", "test.local", false, true, aa, -1, 3),
            new PeerTraffic("a.test.local", "test.local", true, false, aa, ResultCode.SUCCESS, 2),
            new PeerTraffic(
                "a.test.local",
                "test.local",
                true,
                false,
                aa,
                ResultCode.AUTHENTICATION_REJECTED,
                1));
    // The totals the node already kept agree with the breakdown.
    assertThat(a.traffic().stream().filter(t -> t.sent()).mapToLong(PeerTraffic::count).sum())
        .isEqualTo(a.stats().requestsSent());
    assertThat(msm.traffic().stream().filter(t -> t.sent()).mapToLong(PeerTraffic::count).sum())
        .isEqualTo(msm.stats().answersSent());
  }

  @Test
  void madeUpCommandAndResultCodesShareOneSeriesAndAreAllCounted() {
    DiameterNode[] nodes =
        lab.connected(
            "msm.home.local",
            "home.local",
            // An application answering with a Result-Code of its own making each time.
            request ->
                new RequestHandler.Answer(7000 + (request.commandCode() & 0xFFF), List.of()));
    DiameterNode a = nodes[0];
    DiameterNode msm = nodes[1];
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      DiameterMessage bogus = aaRequest("home.local", "a.test.local;1;" + i);
      a.send(
          DiameterMessage.request(0x100000 + i, TestNodes.NASREQ, true, bogus.avps()),
          answer -> {});
    }
    lab.runFor(1);

    int other = PeerTraffic.OTHER;
    assertThat(msm.traffic())
        .containsExactlyInAnyOrder(
            new PeerTraffic("a.test.local", "test.local", false, true, other, -1, n),
            new PeerTraffic("a.test.local", "test.local", true, false, other, other, n));
    assertThat(a.traffic())
        .containsExactlyInAnyOrder(
            new PeerTraffic("msm.home.local", "home.local", true, true, other, -1, n),
            new PeerTraffic("msm.home.local", "home.local", false, false, other, other, n));
  }

  @Test
  void aNodeThatFollowsAnotherOverTheSameCounterStoreGoesOnFromItsCounts() {
    lab.counters = new InMemoryCounterStore();
    DiameterNode[] nodes =
        lab.connected(
            "msm.home.local",
            "home.local",
            request -> new RequestHandler.Answer(ResultCode.SUCCESS, List.of()));
    DiameterNode a = nodes[0];
    a.send(aaRequest("home.local", "a.test.local;1;1"), answer -> {});
    a.send(aaRequest("home.local", "a.test.local;1;2"), answer -> {});
    lab.runFor(1);
    a.stop(DisconnectCause.REBOOTING);
    lab.runFor(1);

    // a.test.local again, as a new node after an update: it shows the old node's counts at once.
    DiameterNode again = lab.node(3, "a.test.local", "test.local");
    int aa = CommandCode.AA;
    assertThat(again.stats().requestsSent()).isEqualTo(2);
    assertThat(again.stats().opened()).isEqualTo(a.stats().opened()).isPositive();
    assertThat(again.traffic())
        .contains(new PeerTraffic("msm.home.local", "home.local", true, true, aa, -1, 2));

    again.register(TestNodes.NASREQ, request -> null);
    again.addPeer(TestNodes.peer("msm.home.local", "home.local", 2));
    again.start();
    lab.runFor(1);
    again.send(aaRequest("home.local", "a.test.local;2;1"), answer -> {});
    lab.runFor(1);

    assertThat(again.stats().requestsSent()).isEqualTo(3);
    assertThat(again.traffic())
        .contains(
            new PeerTraffic("msm.home.local", "home.local", true, true, aa, -1, 3),
            new PeerTraffic(
                "msm.home.local", "home.local", false, false, aa, ResultCode.SUCCESS, 3));
    // The peer's counts are its own: node msm.home.local never shared a counter with a.test.local.
    assertThat(nodes[1].traffic())
        .contains(
            new PeerTraffic("a.test.local", "test.local", true, false, aa, ResultCode.SUCCESS, 3));
    assertThat(nodes[1].stats().requestsSent()).isZero();
  }
}
