package io.mvpn.packet.siu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecurityInformationUpdateTest {

  static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address OLD = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address NEW = Ipv4Address.parse("203.0.113.62");
  static final MobilitySecurityAssociation KEY =
      new MobilitySecurityAssociation(
          4000, Algorithm.HMAC_SHA256, HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));

  static ByteBuf reply() {
    return RegistrationBuilder.reply(
            ALLOC, ReplyCode.ACCEPTED, 300, HOME.toInt(), HA.toInt(), 0xE1234567_00000001L)
        .build();
  }

  static ByteBuf update(MobilitySecurityAssociation key) {
    ByteBuf reply = reply();
    try {
      return SecurityInformationUpdate.build(
          ALLOC, 40000, 0xE1234567_00000002L, HOME, HA, OLD, NEW, reply, key);
    } finally {
      reply.release();
    }
  }

  @Test
  void roundTripsEveryFieldAndTheReply() throws Exception {
    ByteBuf msg = update(KEY);
    try {
      assertThat(msg.readableBytes()).isEqualTo(32 + 20 + 6 + 32);
      SecurityInformationUpdate siu = SecurityInformationUpdate.parse(msg);
      assertThat(siu.replyPort()).isEqualTo(40000);
      assertThat(siu.identification()).isEqualTo(0xE1234567_00000002L);
      assertThat(siu.homeAddress()).isEqualTo(HOME);
      assertThat(siu.homeAgent()).isEqualTo(HA);
      assertThat(siu.oldCareOf()).isEqualTo(OLD);
      assertThat(siu.newCareOf()).isEqualTo(NEW);
      assertThat(siu.spi()).isEqualTo(4000);
      assertThat(siu.verify(KEY)).isTrue();
      RegistrationReply r = RegistrationReply.parse(siu.reply());
      assertThat(r.code()).isEqualTo(ReplyCode.ACCEPTED);
      assertThat(r.identification()).isEqualTo(0xE1234567_00000001L);
    } finally {
      msg.release();
    }
  }

  @Test
  void aWrongKeyOrAnyFlippedBitFailsVerification() throws Exception {
    ByteBuf msg = update(KEY);
    try {
      MobilitySecurityAssociation other =
          new MobilitySecurityAssociation(4000, Algorithm.HMAC_SHA256, new byte[16]);
      assertThat(SecurityInformationUpdate.parse(msg).verify(other)).isFalse();
      MobilitySecurityAssociation otherSpi =
          new MobilitySecurityAssociation(
              4001,
              Algorithm.HMAC_SHA256,
              HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));
      assertThat(SecurityInformationUpdate.parse(msg).verify(otherSpi)).isFalse();
      for (int i = 0; i < msg.readableBytes(); i += 7) {
        ByteBuf copy = msg.copy();
        copy.setByte(i, copy.getByte(i) ^ 0x10);
        try {
          SecurityInformationUpdate siu = SecurityInformationUpdate.parse(copy);
          assertThat(siu.verify(KEY)).as("bit flipped at " + i).isFalse();
        } catch (MalformedPacketException e) {
          assertThat(e.reason()).isEqualTo(MalformedPacketException.Reason.BAD_SIU);
        } finally {
          copy.release();
        }
      }
    } finally {
      msg.release();
    }
  }

  @Test
  void truncationsAndBadLengthsAreTypedErrors() {
    ByteBuf msg = update(KEY);
    try {
      for (int cut = 0; cut < msg.readableBytes(); cut++) {
        ByteBuf head = msg.slice(0, cut);
        MalformedPacketException e =
            catchThrowableOfType(
                () -> SecurityInformationUpdate.parse(head), MalformedPacketException.class);
        assertThat(e).as("cut at " + cut).isNotNull();
        assertThat(e.reason()).isEqualTo(MalformedPacketException.Reason.BAD_SIU);
      }
      ByteBuf bad = msg.copy();
      bad.setShort(28, 0xFFFF);
      assertThat(
              catchThrowableOfType(
                  () -> SecurityInformationUpdate.parse(bad), MalformedPacketException.class))
          .hasMessageContaining("no room");
      bad.release();
    } finally {
      msg.release();
    }
  }

  @Test
  void matchesTheDocumentedFixture() throws Exception {
    ByteBuf msg = update(KEY);
    try {
      // The fixed part, byte for byte as docs/protocols.md lays it out.
      assertThat(ByteBufUtil.hexDump(msg, 0, 32))
          .isEqualTo(
              "01019c40"
                  + "e123456700000002"
                  + "0a010005"
                  + "c633640a"
                  + "cb00713d"
                  + "cb00713e"
                  + "0014"
                  + "0000");
      assertThat((int) msg.getUnsignedByte(52)).isEqualTo(1);
      assertThat((int) msg.getUnsignedByte(53)).isEqualTo(36);
    } finally {
      msg.release();
    }
  }
}
