package io.mvpn.packet.siu;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the Security Information Update (seed 001) as a security gateway reads
 * it: parse, check the authenticator with a real key, then read the embedded registration reply.
 * Only {@link MalformedPacketException} may escape; no input passes for one signed with a key the
 * fuzzer does not know.
 */
class SiuFuzzTest {

  /** The key the corpus's signed seeds were made with. */
  static final MobilitySecurityAssociation SEED_KEY =
      new MobilitySecurityAssociation(
          0x200,
          Algorithm.HMAC_SHA256,
          "ha-sgw key of the seed corpus".getBytes(StandardCharsets.US_ASCII));

  private static final MobilitySecurityAssociation UNKNOWN_KEY =
      new MobilitySecurityAssociation(
          0x200,
          Algorithm.HMAC_SHA256,
          "a key never used to sign".getBytes(StandardCharsets.US_ASCII));

  @FuzzTest(maxDuration = "30m")
  void securityInformationUpdatesParseOrFailTyped(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    SecurityInformationUpdate siu;
    try {
      siu = SecurityInformationUpdate.parse(buf);
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isEqualTo(MalformedPacketException.Reason.BAD_SIU);
      return;
    }
    assertThat(siu.verify(UNKNOWN_KEY)).as("forged authenticator").isFalse();
    siu.verify(SEED_KEY);
    siu.toString();
    siu.homeAddress();
    siu.oldCareOf();
    siu.newCareOf();
    siu.replyPort();
    siu.identification();
    assertThat(siu.reply().readableBytes()).isLessThanOrEqualTo(data.length);
    try {
      RegistrationReply.parse(siu.reply()).toString();
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }
}
