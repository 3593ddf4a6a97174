package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.MalformedPacketException.Reason;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BindingMessageTest {

  static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final int HOME = Ipv4Address.parse("10.1.0.5").toInt();
  static final int CARE_OF = Ipv4Address.parse("203.0.113.61").toInt();
  static final int CN = Ipv4Address.parse("10.1.0.101").toInt();
  static final long ID = 0xEAF1_2345_8000_0000L;

  static MobilitySecurityAssociation key(String secret) {
    return new MobilitySecurityAssociation(
        0x300, Algorithm.HMAC_SHA256, secret.getBytes(StandardCharsets.US_ASCII));
  }

  static final MobilitySecurityAssociation KEY = key("mobile node - correspondent key");

  @Test
  void aBindingUpdateReadsBackEveryFieldAndVerifiesWithItsKeyOnly() throws Exception {
    ByteBuf bu =
        BindingUpdate.build(
            ALLOC,
            BindingUpdate.FLAG_ACKNOWLEDGE | BindingUpdate.FLAG_IDENTIFICATION,
            300,
            HOME,
            CARE_OF,
            ID,
            KEY);
    assertThat(bu.readableBytes()).isEqualTo(24 + 8 + 32);
    assertThat(ByteBufUtil.hexDump(bu, 0, 24))
        .isEqualTo("ff1603c0012c00000a010005cb00713deaf1234580000000");
    assertThat(ByteBufUtil.hexDump(bu, 24, 8)).isEqualTo("24fa002400000300");

    BindingUpdate read = (BindingUpdate) BindingMessage.parse(bu);
    assertThat(read.hasFlag(BindingUpdate.FLAG_ACKNOWLEDGE)).isTrue();
    assertThat(read.hasFlag(BindingUpdate.FLAG_GRE)).isFalse();
    assertThat(read.lifetime()).isEqualTo(300);
    assertThat(read.homeAddress()).isEqualTo(HOME);
    assertThat(read.careOfAddress()).isEqualTo(CARE_OF);
    assertThat(read.identification()).isEqualTo(ID);
    assertThat(read.isRemoval()).isFalse();
    assertThat(read.spi()).isEqualTo(0x300);
    assertThat(read.verify(KEY)).isTrue();
    assertThat(read.verify(key("another key, same SPI"))).isFalse();
  }

  @Test
  void aFlippedBitAnywhereBeforeTheAuthenticatorFailsVerification() throws Exception {
    ByteBuf bu = BindingUpdate.build(ALLOC, 0x40, 300, HOME, CARE_OF, ID, KEY);
    for (int i = 0; i < 32; i++) {
      ByteBuf copy = bu.copy();
      copy.setByte(i, copy.getByte(i) ^ 0x01);
      BindingMessage read;
      try {
        read = BindingMessage.parse(copy);
      } catch (MalformedPacketException e) {
        continue; // a changed length or subtype no longer parses: refused as well
      }
      assertThat(read.verify(KEY)).as("byte %d flipped", i).isFalse();
    }
  }

  @Test
  void theOtherThreeMessagesRoundTrip() throws Exception {
    BindingAcknowledge ack =
        (BindingAcknowledge)
            BindingMessage.parse(
                BindingAcknowledge.build(
                    ALLOC, BindingAcknowledge.IDENTIFICATION_MISMATCH, 0, HOME, ID, KEY));
    assertThat(ack.status()).isEqualTo(133);
    assertThat(ack.isAccepted()).isFalse();
    assertThat(ack.identification()).isEqualTo(ID);
    assertThat(ack.verify(KEY)).isTrue();

    BindingRequest request =
        (BindingRequest) BindingMessage.parse(BindingRequest.build(ALLOC, HOME, ID + 1, KEY));
    assertThat(request.homeAddress()).isEqualTo(HOME);
    assertThat(request.identification()).isEqualTo(ID + 1);
    assertThat(request.verify(KEY)).isTrue();

    BindingWarning warning =
        (BindingWarning) BindingMessage.parse(BindingWarning.build(ALLOC, HOME, CN, null));
    assertThat(warning.target()).isEqualTo(CN);
    assertThat(warning.isAuthenticated()).isFalse();
    assertThat(warning.verify(KEY)).isFalse();
    assertThat(warning.length()).isEqualTo(16);
  }

  @Test
  void brokenMessagesFailWithATypedReason() {
    assertRefused("ff", Reason.BAD_MIP_MESSAGE);
    assertRefused("01160300", Reason.BAD_MIP_MESSAGE); // a registration request's type
    assertRefused("ff0e0900000000000a010005cb00713d", Reason.BAD_MIP_MESSAGE); // subtype 9
    assertRefused("ff0e0300000000000a010005cb00713d", Reason.BAD_MIP_MESSAGE); // update of 16
    assertRefused("ff0e0100000000000a010005cb00713d24fa0010", Reason.BAD_MIP_EXTENSION);
    assertRefused("ff0e0100000000000a010005cb00713d24fa000200", Reason.BAD_MIP_EXTENSION);
    assertRefused("ff0e0100000000000a010005cb00713d2001", Reason.BAD_MIP_EXTENSION);
    assertRefused("ff0e0100000000000a010005cb00713d0200", Reason.BAD_MIP_EXTENSION);
  }

  @Test
  void skippableExtensionsArePassedOver() throws Exception {
    ByteBuf warning =
        Unpooled.wrappedBuffer(
            ByteBufUtil.decodeHexDump("ff0e0100000000000a010005cb00713d8302abcd"));
    assertThat(BindingMessage.parse(warning)).isInstanceOf(BindingWarning.class);
    assertThat(BindingMessage.isBindingMessage(warning)).isTrue();
  }

  private static void assertRefused(String hex, Reason reason) {
    ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    assertThatThrownBy(() -> BindingMessage.parse(buf))
        .isInstanceOfSatisfying(
            MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
