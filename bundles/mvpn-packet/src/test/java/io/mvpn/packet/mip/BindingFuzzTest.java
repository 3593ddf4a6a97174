package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of route optimisation's binding messages as a correspondent and a mobile
 * node read them: parse, read every field, verify with a real key. Only {@link
 * MalformedPacketException} may escape, and nothing the fuzzer writes may pass for a message signed
 * with a key it never saw.
 */
class BindingFuzzTest {

  /** The key the corpus's signed seeds were made with. */
  static final MobilitySecurityAssociation SEED_KEY =
      new MobilitySecurityAssociation(
          0x300,
          Algorithm.HMAC_SHA256,
          "mn-cn key of the seed corpus".getBytes(StandardCharsets.US_ASCII));

  private static final MobilitySecurityAssociation UNKNOWN_KEY =
      new MobilitySecurityAssociation(
          0x300,
          Algorithm.HMAC_SHA256,
          "a key never used to sign".getBytes(StandardCharsets.US_ASCII));

  @FuzzTest(maxDuration = "30m")
  void bindingMessagesParseOrFailTyped(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      BindingMessage message = BindingMessage.parse(buf);
      message.toString();
      message.homeAddress();
      message.spi();
      assertThat(UNKNOWN_KEY.spi() == message.spi() && message.verify(UNKNOWN_KEY))
          .as("forged authenticator")
          .isFalse();
      message.verify(SEED_KEY);
      if (message instanceof BindingUpdate update) {
        update.isRemoval();
        update.careOfAddress();
      }
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isNotNull();
    }
    assertThat(buf.readerIndex()).as("parsing does not consume").isZero();
  }
}
