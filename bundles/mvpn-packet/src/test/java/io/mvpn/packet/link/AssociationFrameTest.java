package io.mvpn.packet.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The association frames: round trip, MIC under the derived key, typed errors for bad bytes. */
class AssociationFrameTest {

  static final byte[] ANONCE = filled(1);
  static final byte[] SNONCE = filled(2);

  static byte[] filled(int b) {
    byte[] n = new byte[AssociationFrame.NONCE_LENGTH];
    Arrays.fill(n, (byte) b);
    return n;
  }

  static PairwiseKeys keys(int masterByte) {
    byte[] master = new byte[32];
    Arrays.fill(master, (byte) masterByte);
    return PairwiseKeys.derive(
        new SecretKeySpec(master, "HmacSHA256"), null, 0xcb00710b, "mn@x", ANONCE, SNONCE);
  }

  @Test
  void messageTwoRoundTripsAndItsMicVerifiesOnlyUnderTheSameKeys() throws Exception {
    AssociationFrame two = new AssociationFrame(2, 0, 7, SNONCE, "mn@x");
    ByteBuf bytes = two.encode(UnpooledByteBufAllocator.DEFAULT, keys(9));
    assertThat(bytes.readableBytes()).isEqualTo(45 + 4 + 32);
    AssociationFrame read = AssociationFrame.parse(bytes);
    assertThat(read.message()).isEqualTo(2);
    assertThat(read.replayCounter()).isEqualTo(7);
    assertThat(read.nonce()).isEqualTo(SNONCE);
    assertThat(read.identity()).isEqualTo("mn@x");
    assertThat(AssociationFrame.micVerifies(bytes, keys(9))).isTrue();
    assertThat(AssociationFrame.micVerifies(bytes, keys(8))).isFalse();
    bytes.setByte(4, 1); // the counter changed in flight
    assertThat(AssociationFrame.micVerifies(bytes, keys(9))).isFalse();
  }

  @Test
  void theTwoHalvesOfThePairwiseKeyDifferAndDependOnBothNonces() {
    byte[] master = new byte[32];
    SecretKeySpec pmk = new SecretKeySpec(master, "HmacSHA256");
    byte[] one = PairwiseKeys.derive(pmk, null, 1, "mn@x", ANONCE, SNONCE).linkKey();
    byte[] other = PairwiseKeys.derive(pmk, null, 1, "mn@x", ANONCE, filled(3)).linkKey();
    assertThat(one).hasSize(32).isNotEqualTo(other);
    assertThat(PairwiseKeys.derive(pmk, null, 1, "mn@x", ANONCE, SNONCE).linkKey()).isEqualTo(one);
  }

  @Test
  void shortWrongVersionWrongLengthAndUndecodableFramesAreTypedErrors() {
    byte[] valid =
        ByteBufUtil.getBytes(
            new AssociationFrame(0, 0, 0, filled(0), "mn@x")
                .encode(UnpooledByteBufAllocator.DEFAULT, null));
    byte[] version = valid.clone();
    version[0] = 2;
    byte[] message = valid.clone();
    message[1] = 9;
    byte[] longer = Arrays.copyOf(valid, valid.length + 1);
    byte[] garbled = new byte[45 + 255];
    garbled[0] = 1;
    garbled[44] = (byte) 255;
    Arrays.fill(garbled, 45, garbled.length, (byte) 0xff); // not UTF-8: longer once decoded
    for (byte[] bad : new byte[][] {new byte[10], version, message, longer, garbled}) {
      assertThatThrownBy(() -> AssociationFrame.parse(Unpooled.wrappedBuffer(bad)))
          .isInstanceOf(MalformedPacketException.class)
          .hasMessageStartingWith("BAD_LINK_FRAME");
    }
  }
}
