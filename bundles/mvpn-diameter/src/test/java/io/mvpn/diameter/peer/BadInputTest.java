package io.mvpn.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Malformed messages on an open connection: answered with the RFC's code, counted, survived. */
class BadInputTest {

  private final TestNodes lab = new TestNodes();

  private DiameterMessage lastAnswer() {
    for (int i = lab.net.wire.size() - 1; i >= 0; i--) {
      if (!lab.net.wire.get(i).isRequest()) {
        return lab.net.wire.get(i);
      }
    }
    throw new AssertionError("no answer on the wire");
  }

  /** a.test.local's CER without the AVP {@code code}. */
  private static DiameterMessage cerWithout(int code, int hopByHop) {
    return DiameterMessage.request(
            CommandCode.CAPABILITIES_EXCHANGE,
            0,
            false,
            TestNodes.identity("a.test.local", "test.local", 1).avps().stream()
                .filter(v -> v.code() != code)
                .toList())
        .withIdentifiers(hopByHop, hopByHop);
  }

  private static byte[] watchdogRequest(int hopByHop) {
    return DiameterMessage.request(
            CommandCode.DEVICE_WATCHDOG,
            0,
            false,
            List.of(
                Avp.utf8(AvpCode.ORIGIN_HOST, "a.test.local"),
                Avp.utf8(AvpCode.ORIGIN_REALM, "test.local")))
        .withIdentifiers(hopByHop, 5)
        .toBytes();
  }

  @Test
  void anAvpOverrunIsAnsweredWith5014AndFailedAvpAndTheConnectionStaysOpen() throws Exception {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    MemoryNetwork.End toB = (MemoryNetwork.End) nodes[0].peer("b.test.local").connection();
    byte[] bad = watchdogRequest(0x4242);
    bad[0x1B] = 0x70; // Origin-Host claims 112 octets

    toB.sendRaw(bad);
    lab.runFor(1);

    DiameterMessage answer = lastAnswer();
    assertThat(answer.hopByHop()).isEqualTo(0x4242);
    assertThat(answer.resultCode()).isEqualTo(ResultCode.INVALID_AVP_LENGTH);
    assertThat(answer.isError()).isFalse();
    assertThat(answer.find(AvpCode.FAILED_AVP).get().asGrouped().get(0).code())
        .isEqualTo(AvpCode.ORIGIN_HOST);
    assertThat(nodes[1].stats().malformed()).isEqualTo(1);
    assertThat(nodes[1].peer("a.test.local").state()).isEqualTo(PeerState.R_OPEN);
  }

  @Test
  void theErrorBitOnARequestIsAnsweredWith3008AsAProtocolError() throws Exception {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    MemoryNetwork.End toB = (MemoryNetwork.End) nodes[0].peer("b.test.local").connection();
    byte[] bad = watchdogRequest(0x77);
    bad[4] = (byte) 0xA0;

    toB.sendRaw(bad);
    lab.runFor(1);

    DiameterMessage answer = lastAnswer();
    assertThat(answer.resultCode()).isEqualTo(ResultCode.INVALID_HDR_BITS);
    assertThat(answer.isError()).isTrue();
    assertThat(nodes[1].stats().protocolErrors()).isEqualTo(1);
  }

  @Test
  void aMessageShorterThanItsHeaderClosesTheConnectionForFramingIsLost() {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    MemoryNetwork.End toB = (MemoryNetwork.End) nodes[0].peer("b.test.local").connection();

    toB.sendRaw(new byte[] {1, 0, 0, 12, (byte) 0x80, 0, 1, 24, 0, 0, 0, 0});
    lab.runFor(1);

    assertThat(nodes[1].stats().malformed()).isEqualTo(1);
    assertThat(nodes[1].peer("a.test.local").state()).isEqualTo(PeerState.CLOSED);
  }

  @Test
  void aCapabilitiesRequestWithoutProductNameIsRefusedWith5005() throws Exception {
    DiameterNode a = lab.node(1, "a.test.local", "test.local");
    DiameterNode b = lab.node(2, "b.test.local", "test.local");
    b.addPeer(TestNodes.passivePeer("a.test.local", "test.local"));
    Connection c = lab.net.transportFor(a).connect(TestNodes.address(2), a);
    lab.runFor(1);
    DiameterMessage cer = cerWithout(AvpCode.PRODUCT_NAME, 1);
    c.send(cer);
    lab.runFor(1);

    DiameterMessage cea = lastAnswer();
    assertThat(cea.resultCode()).isEqualTo(ResultCode.MISSING_AVP);
    assertThat(((MemoryNetwork.End) c).closed).isTrue();
    assertThat(b.peer("a.test.local").state()).isEqualTo(PeerState.CLOSED);
  }

  @Test
  void aCertificateForAnotherNameIsRefusedWith3010EvenForAConfiguredPeer() throws Exception {
    lab.net.certificateNames = java.util.Set.of("impostor.test.local");
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);

    assertThat(nodes[1].stats().uncertifiedPeers()).isEqualTo(1);
    assertThat(lastAnswer().resultCode()).isEqualTo(ResultCode.UNKNOWN_PEER);
    assertThat(nodes[0].peer("b.test.local").state()).isEqualTo(PeerState.CLOSED);

    lab.net.certificateNames = java.util.Set.of("a.test.local");
    lab.runFor(31);
    assertThat(nodes[0].peer("b.test.local").state()).isEqualTo(PeerState.I_OPEN);
  }

  @Test
  void aCerThatBreaksItsGrammarOnAnOpenConnectionGetsACeaWithTheCapabilities() throws Exception {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", null);
    MemoryNetwork.End toB = (MemoryNetwork.End) nodes[0].peer("b.test.local").connection();
    byte[] cer = cerWithout(AvpCode.HOST_IP_ADDRESS, 0x106).toBytes();

    toB.sendRaw(cer);
    lab.runFor(1);

    DiameterMessage cea = lastAnswer();
    assertThat(cea.resultCode()).isEqualTo(ResultCode.MISSING_AVP);
    io.mvpn.diameter.message.CommandGrammar.check(cea);
    assertThat(nodes[0].stats().malformed()).isZero();
  }
}
