package io.mvpn.diameter.peer;

import static io.mvpn.diameter.peer.TestNodes.NASREQ;
import static io.mvpn.diameter.peer.TestNodes.passivePeer;
import static io.mvpn.diameter.peer.TestNodes.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6733 §5.6 and RFC 3539 scenarios in virtual time. */
class PeerStateMachineTest {

  private final TestNodes lab = new TestNodes();

  @Test
  void aConfiguredPeerOpensWithCerAndCea() {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    DiameterNode a = nodes[0];
    DiameterNode b = nodes[1];

    assertThat(a.peer("b.test.local").state()).isEqualTo(PeerState.I_OPEN);
    assertThat(b.peer("a.test.local").state()).isEqualTo(PeerState.R_OPEN);
    assertThat(a.peer("b.test.local").watchdogState()).isEqualTo(WatchdogState.OKAY);
    assertThat(a.peer("b.test.local").remoteCapabilities().productName()).isEqualTo("mvpn");
    DiameterMessage cer = lab.net.wire.get(0);
    assertThat(cer.commandCode()).isEqualTo(CommandCode.CAPABILITIES_EXCHANGE);
    assertThat(cer.isRequest()).isTrue();
  }

  @Test
  void anUnknownPeerIsRefusedWith3010() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode b = lab.node(2, "b.test.local", "test.local");
    a.addPeer(peer("b.test.local", "test.local", 2));
    a.start();
    lab.runFor(1);

    assertThat(a.peer("b.test.local").state()).isEqualTo(PeerState.CLOSED);
    assertThat(b.stats().unknownPeers()).isEqualTo(1);
    DiameterMessage cea = lab.net.wire.get(1);
    assertThat(cea.resultCode()).isEqualTo(ResultCode.UNKNOWN_PEER);
    assertThat(cea.isError()).isTrue();
    assertThat(a.stats().refusedByPeer()).isEqualTo(1);
  }

  @Test
  void simultaneousConnectionsAreSettledByElectionAndTheHigherHostKeepsItsResponderSide() {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode b = lab.node(2, "b.test.local", "test.local");
    a.addPeer(peer("b.test.local", "test.local", 2));
    b.addPeer(peer("a.test.local", "test.local", 1));
    a.start();
    b.start();
    lab.runFor(1);

    // "b..." succeeds "a..." as octets: b wins, answers a's CER, and a keeps its initiator side.
    assertThat(b.peer("a.test.local").state()).isEqualTo(PeerState.R_OPEN);
    assertThat(a.peer("b.test.local").state()).isEqualTo(PeerState.I_OPEN);
    // b, the winner, elected on a's CER; a may never see b's CER, its connection closed first.
    assertThat(b.stats().elections()).isEqualTo(1);
    assertThat(a.stats().opened()).isEqualTo(1);
    assertThat(b.stats().opened()).isEqualTo(1);
    lab.runFor(120);
    assertThat(a.peer("b.test.local").available()).isTrue();
    assertThat(b.peer("a.test.local").available()).isTrue();
  }

  @Test
  void anIdlePeerIsProbedWithWatchdogRequestsAndStaysOkay() {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode b = lab.node(2, "b.test.local", "test.local");
    a.addPeer(peer("b.test.local", "test.local", 2));
    b.addPeer(passivePeer("a.test.local", "test.local"));
    a.start();
    lab.runFor(300);

    long dwrs =
        lab.net.wire.stream()
            .filter(m -> m.commandCode() == CommandCode.DEVICE_WATCHDOG && m.isRequest())
            .count();
    // A DWR and its DWA reset both sides' timers, so one side probes every 30 s ± 2 s.
    assertThat(dwrs).isBetween(9L, 11L);
    assertThat(a.peer("b.test.local").watchdogState()).isEqualTo(WatchdogState.OKAY);
    assertThat(b.peer("a.test.local").watchdogState()).isEqualTo(WatchdogState.OKAY);
  }

  @Test
  void aSilentPeerIsFailedOverAfterTwoWatchdogIntervalsThenClosedAndReopenedWithFailback() {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    DiameterNode a = nodes[0];
    DiameterNode b = nodes[1];
    Peer toB = a.peer("b.test.local");
    lab.net.deafen(b, true);

    lab.runFor(28); // before the first DWR can be due (Tw - jitter)
    assertThat(toB.watchdogState()).isEqualTo(WatchdogState.OKAY);
    lab.runFor(36); // the DWR went out and another Tw passed unanswered
    assertThat(toB.watchdogState()).isEqualTo(WatchdogState.SUSPECT);
    assertThat(toB.available()).isFalse();
    assertThat(a.stats().failovers()).isEqualTo(1);
    lab.runFor(34); // a third Tw: DOWN, the connection closed
    assertThat(toB.state()).isEqualTo(PeerState.CLOSED);
    assertThat(toB.watchdogState()).isEqualTo(WatchdogState.DOWN);

    lab.net.deafen(b, false);
    lab.runFor(31); // Tc later: reconnected, REOPEN until three DWAs
    assertThat(toB.state()).isEqualTo(PeerState.I_OPEN);
    assertThat(toB.watchdogState()).isEqualTo(WatchdogState.REOPEN);
    assertThat(toB.available()).isFalse();
    lab.runFor(100);
    assertThat(toB.watchdogState()).isEqualTo(WatchdogState.OKAY);
    assertThat(toB.available()).isTrue();
    assertThat(a.stats().failbacks()).isEqualTo(1);
  }

  @Test
  void disconnectPeerClosesBothSidesAndOnlyARebootingPeerIsCalledBack() throws Exception {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    DiameterNode a = nodes[0];
    DiameterNode b = nodes[1];
    Peer toB = a.peer("b.test.local");
    Peer toA = b.peer("a.test.local");

    b.stop(DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU);
    lab.runFor(1);
    DiameterMessage dpr = last(CommandCode.DISCONNECT_PEER, true);
    assertThat(dpr.unsigned32(AvpCode.DISCONNECT_CAUSE)).isEqualTo(2);
    assertThat(last(CommandCode.DISCONNECT_PEER, false).resultCode()).isEqualTo(ResultCode.SUCCESS);
    assertThat(toA.state()).isEqualTo(PeerState.CLOSED);
    assertThat(toB.state()).isEqualTo(PeerState.CLOSED);
    assertThat(toB.lastDisconnectCause()).isEqualTo(DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU);
    lab.runFor(120);
    assertThat(toB.state()).isEqualTo(PeerState.CLOSED);

    // The other way round: a rebooting peer is called again after Tc.
    toB.start();
    lab.runFor(1);
    assertThat(toB.state()).isEqualTo(PeerState.I_OPEN);
    b.stop(DisconnectCause.REBOOTING);
    lab.runFor(1);
    assertThat(toB.state()).isEqualTo(PeerState.CLOSED);
    b.peer("a.test.local"); // b accepts again once a calls
    lab.runFor(31);
    // b stopped its side for good: it refuses nothing, a's new CER finds b's peer CLOSED and opens.
    assertThat(toB.state()).isEqualTo(PeerState.I_OPEN);
  }

  @Test
  void aPeerWithoutACommonApplicationIsRefusedWith5010() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode b = lab.node(2, "b.test.local", "test.local");
    a.register(NASREQ, r -> new RequestHandler.Answer(ResultCode.SUCCESS, List.of()));
    b.register(3, r -> new RequestHandler.Answer(ResultCode.SUCCESS, List.of()));
    a.addPeer(peer("b.test.local", "test.local", 2));
    b.addPeer(passivePeer("a.test.local", "test.local"));
    a.start();
    lab.runFor(1);

    assertThat(last(CommandCode.CAPABILITIES_EXCHANGE, false).resultCode())
        .isEqualTo(ResultCode.NO_COMMON_APPLICATION);
    assertThat(a.peer("b.test.local").state()).isEqualTo(PeerState.CLOSED);
  }

  private DiameterMessage last(int command, boolean request) {
    for (int i = lab.net.wire.size() - 1; i >= 0; i--) {
      DiameterMessage m = lab.net.wire.get(i);
      if (m.commandCode() == command && m.isRequest() == request) {
        return m;
      }
    }
    throw new AssertionError("no " + CommandCode.abbreviation(command, request) + " on the wire");
  }
}
