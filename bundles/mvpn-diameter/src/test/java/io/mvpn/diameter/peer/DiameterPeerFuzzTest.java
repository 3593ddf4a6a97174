package io.mvpn.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.diameter.message.Avp;
import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.CommandGrammar;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of what a node does with the octets an open peer sends: node b
 * (b.test.local) has a.test.local open after CER/CEA on the {@link MemoryNetwork}, serves NASREQ,
 * and has a request of its own outstanding at a. The input is the TCP stream from a, cut into
 * frames by their Length field as the transport's frame decoder cuts it; each frame is delivered
 * and the node checked before the next:
 *
 * <ul>
 *   <li>nothing escapes the node (a task's failure would surface from the virtual clock);
 *   <li>a frame that does not decode, or breaks its command's grammar, is counted malformed once
 *       and answered with the error's Result-Code when its header is a request's; the connection is
 *       closed when framing is lost (no header, 5015);
 *   <li>a well-formed request gets exactly one answer, with its identifiers and command; a
 *       well-formed answer gets none;
 *   <li>whatever b sends decodes and passes the grammar;
 *   <li>the peer table stays a.test.local alone, opened once, open, closing or closed.
 * </ul>
 */
class DiameterPeerFuzzTest {

  /** Largest frame the TCP transport's decoder accepts (DiameterTcp.MAX_MESSAGE). */
  private static final int MAX_FRAME = 1 << 20;

  private static final RequestHandler NASREQ_SERVER =
      request -> new RequestHandler.Answer(ResultCode.SUCCESS, List.of());

  /**
   * The Hop-by-Hop Identifier of b's own outstanding request: the lab's random numbers are seeded,
   * so it is the same in every run and an answer in the corpus can match it.
   */
  static int outstandingHopByHop(TestNodes lab) {
    for (int i = lab.net.wire.size() - 1; i >= 0; i--) {
      DiameterMessage m = lab.net.wire.get(i);
      if (m.isRequest() && m.applicationId() == TestNodes.NASREQ) {
        return m.hopByHop();
      }
    }
    throw new AssertionError("b sent no request");
  }

  /** The lab of the class comment: {a, b}, a no longer hearing what b sends. */
  static DiameterNode[] openPair(TestNodes lab) {
    DiameterNode[] nodes = lab.connected("b.test.local", "test.local", NASREQ_SERVER);
    DiameterNode a = nodes[0];
    DiameterNode b = nodes[1];
    assertThat(b.peer("a.test.local").state()).isEqualTo(PeerState.R_OPEN);
    // b's request stays outstanding: a hears nothing from b from now on.
    lab.net.deafen(a, true);
    b.send(
        DiameterMessage.request(
            CommandCode.AA,
            TestNodes.NASREQ,
            true,
            List.of(
                Avp.utf8(AvpCode.SESSION_ID, "b.test.local;1;1"),
                Avp.utf8(AvpCode.ORIGIN_HOST, "b.test.local"),
                Avp.utf8(AvpCode.ORIGIN_REALM, "test.local"),
                Avp.utf8(AvpCode.DESTINATION_REALM, "test.local"))),
        answer -> {});
    lab.time.runPending();
    return nodes;
  }

  @FuzzTest(maxDuration = "30m")
  void framesFromAnOpenPeerAreAnsweredOrDroppedAndCounted(byte[] input) {
    TestNodes lab = new TestNodes();
    DiameterNode[] nodes = openPair(lab);
    DiameterNode b = nodes[1];
    MemoryNetwork.End fromA = (MemoryNetwork.End) nodes[0].peer("b.test.local").connection();
    MemoryNetwork.End atB = fromA.other;
    Peer a = b.peer("a.test.local");

    int at = 0;
    while (at + 4 <= input.length && !atB.closed) {
      int length =
          ((input[at + 1] & 0xFF) << 16) | ((input[at + 2] & 0xFF) << 8) | (input[at + 3] & 0xFF);
      if (length < 4 || length > MAX_FRAME) {
        return; // the frame decoder's own error: the transport closes (TcpConnection)
      }
      if (at + length > input.length) {
        return; // the rest of the frame never comes
      }
      byte[] frame = Arrays.copyOfRange(input, at, at + length);
      at += length;
      deliverAndCheck(lab, b, a, fromA, atB, frame);
    }
  }

  private static void deliverAndCheck(
      TestNodes lab,
      DiameterNode b,
      Peer a,
      MemoryNetwork.End fromA,
      MemoryNetwork.End atB,
      byte[] frame) {
    long malformedBefore = b.stats().malformed();
    int wireBefore = lab.net.wire.size();

    fromA.sendRaw(frame);
    lab.time.advance(MemoryNetwork.LATENCY_MS, TimeUnit.MILLISECONDS);

    List<DiameterMessage> sent =
        new ArrayList<>(lab.net.wire.subList(wireBefore, lab.net.wire.size()));
    for (DiameterMessage m : sent) {
      assertThat(m.isRequest()).as("b only answers: %s", m).isFalse();
      try {
        DiameterMessage back = DiameterMessage.decode(Unpooled.wrappedBuffer(m.toBytes()));
        CommandGrammar.check(back);
      } catch (MalformedDiameterException e) {
        throw new AssertionError("b sent what does not read: " + m + " for " + hex(frame), e);
      }
    }
    long malformed = b.stats().malformed() - malformedBefore;

    DiameterMessage m;
    MalformedDiameterException refused = null;
    try {
      m = DiameterMessage.decode(Unpooled.wrappedBuffer(frame));
    } catch (MalformedDiameterException e) {
      refused = e;
      m = e.header();
    }
    if (refused == null) {
      try {
        CommandGrammar.check(m);
      } catch (MalformedDiameterException e) {
        refused = e; // the message is read: its own header is what the answer copies
      }
    }
    if (refused != null) {
      assertThat(malformed).as("counted once: %s", hex(frame)).isEqualTo(1);
      if (m != null && m.isRequest()) {
        assertThat(sent).as("answered: %s", hex(frame)).hasSize(1);
        answers(sent.get(0), m);
        try {
          assertThat(sent.get(0).resultCode()).isEqualTo(refused.resultCode());
        } catch (MalformedDiameterException e) {
          throw new AssertionError(e);
        }
      } else {
        assertThat(sent).as("nothing to answer: %s", hex(frame)).isEmpty();
      }
      if (m == null || refused.resultCode() == ResultCode.INVALID_MESSAGE_LENGTH) {
        assertThat(atB.closed).as("framing lost: %s", hex(frame)).isTrue();
      }
    } else if (m.isRequest()) {
      assertThat(sent).as("one answer: %s", hex(frame)).hasSize(1);
      answers(sent.get(0), m);
      assertThat(malformed).isLessThanOrEqualTo(1);
    } else {
      assertThat(sent).as("answers are not answered: %s", hex(frame)).isEmpty();
      assertThat(malformed).isZero();
    }

    assertThat(b.peers()).containsExactly(a);
    assertThat(a.state()).isIn(PeerState.R_OPEN, PeerState.CLOSING, PeerState.CLOSED);
    assertThat(a.connection() == null).isEqualTo(a.state() == PeerState.CLOSED);
    assertThat(b.stats().opened()).isEqualTo(1);
  }

  private static void answers(DiameterMessage answer, DiameterMessage request) {
    assertThat(answer.hopByHop()).isEqualTo(request.hopByHop());
    assertThat(answer.endToEnd()).isEqualTo(request.endToEnd());
    assertThat(answer.commandCode()).isEqualTo(request.commandCode());
    assertThat(answer.applicationId()).isEqualTo(request.applicationId());
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
