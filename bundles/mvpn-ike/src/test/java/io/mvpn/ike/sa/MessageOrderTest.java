package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replayed, stale and out-of-window messages on an established IKE SA (RFC 7296 §2.1, §2.3): a
 * replayed request is answered from the cache and not run again, a stale response and a request
 * ahead of the window are dropped and counted, and none of them changes the SA, which goes on
 * working.
 */
class MessageOrderTest {

  static final int AUTH_REQUEST = 2;
  static final int AUTH_RESPONSE = 3;

  @Test
  void replayedStaleAndOutOfWindowMessagesChangeNothing() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    assertThat(pair.flow()).containsExactly("34", "34R", "35", "35R");
    List<ChildSa> gwChildren = gw.childSas();
    Datagram authRequest = pair.sent.get(AUTH_REQUEST);
    Datagram authResponse = pair.sent.get(AUTH_RESPONSE);

    // The IKE_AUTH request replayed: the cached answer goes out again, nothing runs twice.
    pair.deliver(authRequest);
    pair.run(10);
    assertThat(pair.responder.counters().duplicatesAnswered()).isEqualTo(1);
    assertThat(pair.sent.get(pair.sent.size() - 1).payload()).isEqualTo(authResponse.payload());
    assertThat(gw.childSas()).isEqualTo(gwChildren).hasSize(1);
    assertThat(pair.gwSad.all()).hasSize(1);
    assertThat(gw.expectedRequestId()).isEqualTo(2);

    // The IKE_AUTH response replayed to the initiator, whose window has moved on: dropped.
    long stale = pair.initiator.counters().unexpectedMessageId();
    pair.deliver(authResponse);
    pair.run(10);
    assertThat(pair.initiator.counters().unexpectedMessageId()).isEqualTo(stale + 1);
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);

    // A request ahead of the window (message ID 7 while 2 is expected): dropped unopened; one
    // rewritten to the expected ID fails the ICV, since the header is authenticated.
    int sentBefore = pair.sent.size();
    pair.deliver(withMessageId(authRequest, 7));
    pair.run(10);
    assertThat(pair.responder.counters().unexpectedMessageId()).isEqualTo(1);
    pair.deliver(withMessageId(authRequest, 2));
    pair.run(10);
    assertThat(pair.responder.counters().undecryptable()).isEqualTo(1);
    assertThat(pair.sent).hasSize(sentBefore);
    assertThat(gw.expectedRequestId()).isEqualTo(2);
    assertThat(gw.childSas()).isEqualTo(gwChildren);

    // The SA still works: a liveness check is answered, with message ID 2.
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(10);
    assertThat(pair.flow().subList(sentBefore, pair.sent.size())).containsExactly("37", "37R");
    assertThat(gw.expectedRequestId()).isEqualTo(3);
    assertThat(pair.ended).isEmpty();
  }

  /** The same datagram with another message ID in its IKE header (octets 20-23). */
  static Datagram withMessageId(Datagram d, int messageId) {
    byte[] p = d.payload().clone();
    ByteBuffer.wrap(p).putInt(20, messageId);
    return new Datagram(d.source(), d.destination(), p);
  }
}
