package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeMessage;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of IKEv2 as the engines receive it: the message and payload parsers, and
 * SK decryption and integrity under a real, established IKE SA (ECP-256, AES-256, SHA2-256, keys
 * from a real exchange). The first input byte picks how the rest arrives: as it is, from a stranger
 * (IKE_SA_INIT and every parser); with the established SA's SPIs written over its header, to the
 * gateway (as a request with the next message ID, or as is) or to the mobile node (as a response).
 * Nothing may escape an engine, and no such input may change the established SAs, their Child SAs
 * or the gateway's ESP SAD: the fuzzer does not know the keys.
 */
class IkeEngineFuzzTest {

  private static final Endpoint STRANGER = Endpoint.of("203.0.113.99", 500);
  private static IkePair pair;
  private static IkeSa mn;

  @FuzzTest(maxDuration = "30m")
  void messagesThatDoNotAuthenticateChangeNoEstablishedSa(byte[] data) {
    if (pair == null || mn.state() != IkeSaState.ESTABLISHED || pair.peerOf(mn) == null) {
      pair = new IkePair();
      mn = pair.start();
      pair.run(100);
      assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    }
    if (data.length == 0) {
      return;
    }
    IkeSa gw = pair.peerOf(mn);
    byte[] message = Arrays.copyOfRange(data, 1, data.length);
    Datagram datagram =
        switch (data[0] & 3) {
          case 0 -> new Datagram(STRANGER, IkePair.GW, message);
          case 1 -> new Datagram(IkePair.MN, IkePair.GW, withSpis(message, gw, -1));
          case 2 ->
              new Datagram(IkePair.MN, IkePair.GW, withSpis(message, gw, gw.expectedRequestId()));
          default ->
              new Datagram(IkePair.GW, IkePair.MN, withSpis(message, mn, mn.nextRequestId() - 1));
        };
    pair.scheduler.runPending();
    String before = snapshot(gw);
    pair.deliver(datagram);
    pair.scheduler.runPending();
    assertThat(snapshot(gw)).as("established SAs after %s", datagram).isEqualTo(before);
    // Let answers cross and half-open SAs age, outside the window the assertion looks at.
    pair.run(5);
    pair.sent.clear();
    parsesOrFailsTyped(message);
  }

  /** The message parser on its own: only its typed error may escape. */
  private static void parsesOrFailsTyped(byte[] message) {
    try {
      IkeMessage.parse(Unpooled.wrappedBuffer(message)).toString();
    } catch (IkeFormatException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  /**
   * The input with the SA's SPIs in its header (when it is long enough to have one) and, when
   * {@code messageId} is not negative, that message ID.
   */
  private static byte[] withSpis(byte[] message, IkeSa sa, long messageId) {
    if (message.length < 28) {
      return message;
    }
    byte[] out = message.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    b.putLong(0, sa.spiI()).putLong(8, sa.spiR());
    if (messageId >= 0) {
      b.putInt(20, (int) messageId);
    }
    return out;
  }

  /** What the fuzzer may not change: both ends of the established SA and the gateway's SAD. */
  private static String snapshot(IkeSa gw) {
    return describe(mn)
        + "\n"
        + describe(gw)
        + "\n"
        + pair.gwSad.all().stream()
            .map(sa -> Integer.toHexString(sa.spi()) + ":" + sa.sequence() + ":" + sa.packets())
            .toList();
  }

  private static String describe(IkeSa sa) {
    return sa.spiI()
        + "/"
        + sa.spiR()
        + " "
        + sa.state()
        + " next "
        + sa.nextRequestId()
        + " expected "
        + sa.expectedRequestId()
        + " "
        + sa.remote()
        + " "
        + sa.childSas()
        + " keys "
        + System.identityHashCode(sa.keys());
  }
}
