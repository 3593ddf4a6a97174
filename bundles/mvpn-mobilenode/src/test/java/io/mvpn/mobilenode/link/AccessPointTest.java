package io.mvpn.mobilenode.link;

import static io.mvpn.mobilenode.link.LinkLoginLab.FA;
import static io.mvpn.mobilenode.link.LinkLoginLab.MASTER_KEY;
import static io.mvpn.mobilenode.link.LinkLoginLab.NAI;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.foreignagent.link.AccessPoint;
import io.mvpn.foreignagent.link.Refusal;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.link.PairwiseKeys;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access point against a station that sends what it likes: forged MICs, replayed counters,
 * messages out of order and garbage are refused and counted, and change nothing; the genuine
 * exchange still completes afterwards.
 */
class AccessPointTest {

  final LinkLoginLab lab = new LinkLoginLab();
  final Vrf cell = lab.mobility.vrf("mn", "cell1");
  final Interface radio = lab.mobility.iface("mn", "cell1");
  final List<byte[]> received = new ArrayList<>();

  AccessPointTest() {
    cell.bindUdp(
        AssociationFrame.PORT, (v, in, udp) -> received.add(ByteBufUtil.getBytes(udp.payload())));
  }

  @AfterEach
  void close() {
    lab.close();
  }

  void send(ByteBuf frame) {
    try {
      ByteBuf datagram =
          UdpDatagram.build(
              cell.alloc(),
              MobilityLab.MN_HOME.toInt(),
              -1,
              AssociationFrame.PORT,
              AssociationFrame.PORT,
              frame,
              64);
      cell.send(datagram, radio, -1);
    } finally {
      frame.release();
    }
    lab.mobility.advance(50, TimeUnit.MILLISECONDS);
  }

  AssociationFrame last() throws MalformedPacketException {
    return AssociationFrame.parse(Unpooled.wrappedBuffer(received.get(received.size() - 1)));
  }

  static byte[] nonce(int fill) {
    byte[] n = new byte[AssociationFrame.NONCE_LENGTH];
    java.util.Arrays.fill(n, (byte) fill);
    return n;
  }

  /** Message 1 for a request of ours. */
  AssociationFrame requestAndFirst() throws MalformedPacketException {
    send(new AssociationFrame(0, 0, 0, nonce(0), NAI).encode(cell.alloc(), null));
    assertThat(received).isNotEmpty();
    AssociationFrame first = last();
    assertThat(first.message()).isEqualTo(1);
    return first;
  }

  /** Message 2 for message 1, and the access point's message 3. */
  AssociationFrame secondAndThird(AssociationFrame first, byte[] snonce, PairwiseKeys keys)
      throws MalformedPacketException {
    send(new AssociationFrame(2, 0, first.replayCounter(), snonce, NAI).encode(cell.alloc(), keys));
    return last();
  }

  PairwiseKeys keys(byte[] master, AssociationFrame first, byte[] snonce) {
    return PairwiseKeys.derive(
        LinkLoginLab.hmacKey(master), null, FA.toInt(), NAI, first.nonce(), snonce);
  }

  @Test
  void aForgedOrReplayedMessageTwoIsRefusedAndTheGenuineOneStillCompletes() throws Exception {
    AssociationFrame first = requestAndFirst();
    byte[] wrong = MASTER_KEY.clone();
    wrong[31] ^= 0x40;
    send(
        new AssociationFrame(2, 0, first.replayCounter(), nonce(7), NAI)
            .encode(cell.alloc(), keys(wrong, first, nonce(7))));
    send(
        new AssociationFrame(2, 0, first.replayCounter() - 1, nonce(7), NAI)
            .encode(cell.alloc(), keys(MASTER_KEY, first, nonce(7))));
    assertThat(lab.accessPoint.refused(Refusal.BAD_MIC)).isEqualTo(1);
    assertThat(lab.accessPoint.refused(Refusal.REPLAYED_COUNTER)).isEqualTo(1);
    assertThat(received).as("no message 3 for either").hasSize(1);

    PairwiseKeys keys = keys(MASTER_KEY, first, nonce(7));
    send(
        new AssociationFrame(2, 0, first.replayCounter(), nonce(7), NAI)
            .encode(cell.alloc(), keys));
    AssociationFrame third = last();
    assertThat(third.message()).isEqualTo(3);
    assertThat(third.replayCounter()).isGreaterThan(first.replayCounter());
    assertThat(third.lifetimeSeconds()).isEqualTo(3600);
    assertThat(AssociationFrame.micVerifies(Unpooled.wrappedBuffer(received.get(1)), keys))
        .as("message 3's MIC under the same KCK")
        .isTrue();
    assertThat(lab.accessPoint.keys()).as("not before message 4").isEmpty();

    ByteBuf fourth =
        new AssociationFrame(4, 0, third.replayCounter(), nonce(0), NAI).encode(cell.alloc(), keys);
    byte[] fourthBytes = ByteBufUtil.getBytes(fourth);
    send(fourth);
    assertThat(lab.accessPoint.established()).isEqualTo(1);
    assertThat(lab.accessPoint.keyOf(NAI).orElseThrow().key()).isEqualTo(keys.linkKey());

    send(Unpooled.wrappedBuffer(fourthBytes)); // replayed message 4
    assertThat(lab.accessPoint.refused(Refusal.UNEXPECTED)).isEqualTo(1);
    assertThat(lab.accessPoint.established()).isEqualTo(1);
  }

  @Test
  void aFloodOfRequestsFromDistinctStationsStaysBoundedAndTheGenuineHandshakeCompletes()
      throws Exception {
    Interface accessSide = lab.mobility.iface("fa1", "a0");
    int flood = AccessPoint.MAX_HANDSHAKES * 3;
    for (int station = 1000; station < 1000 + flood; station++) {
      ByteBuf request = new AssociationFrame(0, 0, 0, nonce(0), NAI).encode(cell.alloc(), null);
      ByteBuf datagram =
          UdpDatagram.build(
              cell.alloc(),
              MobilityLab.MN_HOME.toInt(),
              FA.toInt(),
              AssociationFrame.PORT,
              AssociationFrame.PORT,
              request,
              64);
      request.release();
      accessSide.receive(datagram, station);
    }
    assertThat(lab.accessPoint.handshakesInProgress()).isEqualTo(AccessPoint.MAX_HANDSHAKES);

    AssociationFrame first = requestAndFirst();
    PairwiseKeys keys = keys(MASTER_KEY, first, nonce(3));
    AssociationFrame third = secondAndThird(first, nonce(3), keys);
    send(
        new AssociationFrame(4, 0, third.replayCounter(), nonce(0), NAI)
            .encode(cell.alloc(), keys));
    assertThat(lab.accessPoint.established()).isEqualTo(1);
    assertThat(lab.accessPoint.keyOf(NAI).orElseThrow().key()).isEqualTo(keys.linkKey());

    lab.mobility.advance(6, TimeUnit.SECONDS);
    requestAndFirst();
    assertThat(lab.accessPoint.handshakesInProgress())
        .as("the flood's handshakes are swept once they are too old")
        .isEqualTo(1);
  }

  @Test
  void aForgedMessageFourPublishesNoKey() throws Exception {
    AssociationFrame first = requestAndFirst();
    PairwiseKeys keys = keys(MASTER_KEY, first, nonce(9));
    AssociationFrame third = secondAndThird(first, nonce(9), keys);
    send(
        new AssociationFrame(4, 0, third.replayCounter(), nonce(0), NAI)
            .encode(cell.alloc(), keys(MASTER_KEY, first, nonce(8))));
    send(
        new AssociationFrame(4, 0, first.replayCounter(), nonce(0), NAI)
            .encode(cell.alloc(), keys));
    assertThat(lab.accessPoint.refused(Refusal.BAD_MIC)).isEqualTo(1);
    assertThat(lab.accessPoint.refused(Refusal.REPLAYED_COUNTER)).isEqualTo(1);
    assertThat(lab.accessPoint.keys()).isEmpty();
    assertThat(lab.accessPoint.established()).isZero();
  }

  @Test
  void strangersGarbageAndMessagesOutOfOrderAreCountedAndAnsweredWithNothing() {
    send(new AssociationFrame(0, 0, 0, nonce(0), "nobody@acme.example").encode(cell.alloc(), null));
    send(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    send(
        new AssociationFrame(4, 0, 1, nonce(0), NAI)
            .encode(
                cell.alloc(),
                keys(MASTER_KEY, new AssociationFrame(1, 0, 1, nonce(1), NAI), nonce(2))));
    send(new AssociationFrame(1, 0, 5, nonce(1), NAI).encode(cell.alloc(), null));

    assertThat(lab.accessPoint.refused(Refusal.UNKNOWN_NODE)).isEqualTo(1);
    assertThat(lab.accessPoint.refused(Refusal.MALFORMED)).isEqualTo(1);
    assertThat(lab.accessPoint.refused(Refusal.UNEXPECTED)).isEqualTo(2);
    assertThat(received).isEmpty();
    assertThat(lab.accessPoint.keys()).isEmpty();
  }
}
