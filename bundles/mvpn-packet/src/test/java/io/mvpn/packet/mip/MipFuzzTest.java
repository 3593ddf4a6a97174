package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of Mobile IPv4 registration messages (RFC 5944) and their extensions, RFC
 * 3519 tunnel requests, replies and data, as the home agent, foreign agent and mobile node read
 * them: parse, walk every extension, check every authenticator with a real key, relay a copy up to
 * an authentication extension. Only {@link MalformedPacketException} may escape, and nothing the
 * fuzzer writes may pass for a message signed with a key it does not know.
 */
class MipFuzzTest {

  /** A key the corpus's signed seeds were made with; the fuzzer learns its authenticators. */
  static final MobilitySecurityAssociation SEED_KEY =
      new MobilitySecurityAssociation(
          0x100,
          Algorithm.HMAC_SHA256,
          "mn-ha key of the seed corpus".getBytes(StandardCharsets.US_ASCII));

  /** A key no input has ever been signed with. */
  private static final List<MobilitySecurityAssociation> UNKNOWN_KEYS =
      List.of(
          new MobilitySecurityAssociation(
              0x100,
              Algorithm.HMAC_SHA256,
              "a key never used to sign".getBytes(StandardCharsets.US_ASCII)),
          new MobilitySecurityAssociation(
              0x100,
              Algorithm.HMAC_MD5,
              "a key never used to sign".getBytes(StandardCharsets.US_ASCII)));

  private static final Set<Integer> KNOWN =
      Set.of(
          MipConstants.EXT_MN_HA_AUTH,
          MipConstants.EXT_MN_FA_AUTH,
          MipConstants.EXT_FA_HA_AUTH,
          MipConstants.EXT_UDP_TUNNEL_REQUEST,
          MipConstants.EXT_UDP_TUNNEL_REPLY);

  @FuzzTest(maxDuration = "30m")
  void registrationMessagesParseOrFailTyped(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    if (UdpTunnel.isData(buf)) {
      assertThat(UdpTunnel.dataPayload(buf).readableBytes()).isEqualTo(data.length - 4);
    }
    try {
      read(RegistrationRequest.parse(buf));
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isNotNull();
    }
    try {
      read(RegistrationReply.parse(buf));
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isNotNull();
    }
    assertThat(buf.readerIndex()).as("parsing does not consume").isZero();
  }

  private static void read(MipMessage message) {
    message.toString();
    message.firstUnknownNonSkippable(KNOWN);
    for (MipExtension ext : message.extensions()) {
      assertThat(ext.end()).isLessThanOrEqualTo(message.offset() + message.length());
      ext.data();
      if (ext.isAuthentication()) {
        ext.spi();
        for (MobilitySecurityAssociation unknown : UNKNOWN_KEYS) {
          assertThat(unknown.verify(message, ext)).as("forged authenticator").isFalse();
        }
        SEED_KEY.verify(message, ext);
        // A foreign agent relays everything up to the MN-HA authenticator (RFC 5944 §3.7.2).
        ByteBuf copy =
            RegistrationBuilder.copyOf(
                    UnpooledByteBufAllocator.DEFAULT, message, ext.end() - message.offset())
                .build();
        copy.release();
      }
      // Read as the home agent reads them: only after the length checks it makes first.
      if (ext.type() == MipConstants.EXT_UDP_TUNNEL_REQUEST
          && UdpTunnel.requestReservedClear(ext)) {
        UdpTunnel.requestFlags(ext);
        UdpTunnel.requestEncapsulation(ext);
      }
      if (ext.type() == MipConstants.EXT_UDP_TUNNEL_REPLY && ext.dataLength() >= 6) {
        UdpTunnel.replyCode(ext);
        UdpTunnel.replyKeepalive(ext);
      }
    }
    message.find(MipConstants.EXT_MN_HA_AUTH);
  }
}
