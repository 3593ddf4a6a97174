package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 4721's request extensions: NAI 131, challenge 132 and MN-AAA 36/1 with its 16-bit length. */
class ChallengeResponseTest {

  static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final byte[] CHALLENGE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final MobilitySecurityAssociation MN_HA =
      new MobilitySecurityAssociation(
          1000, MobilitySecurityAssociation.Algorithm.HMAC_MD5, new byte[16]);
  static final MobilitySecurityAssociation LINK =
      new MobilitySecurityAssociation(
          GeneralizedAuthentication.SPI_LINK_KEY_SHA256,
          MobilitySecurityAssociation.Algorithm.HMAC_SHA256,
          HexFormat.of()
              .parseHex("0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000"));

  static ByteBuf request() {
    RegistrationBuilder b =
        RegistrationBuilder.request(ALLOC, 0x02, 300, 0x0a010005, 0xc633640a, 0xcb00710b, 42L)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, MN_HA);
    ChallengeResponse.respond(b, ALLOC, "mn5@acme.example", CHALLENGE);
    return b.authenticateGeneralized(GeneralizedAuthentication.SUBTYPE_MN_AAA, LINK).build();
  }

  @Test
  void aChallengedRequestCarriesNaiChallengeAndAnMnAaaAuthenticatorThatVerifies() throws Exception {
    RegistrationRequest r = RegistrationRequest.parse(request());
    assertThat(r.extensions()).extracting(MipExtension::type).containsExactly(32, 131, 132, 36);
    MipExtension aaa = GeneralizedAuthentication.find(r, GeneralizedAuthentication.SUBTYPE_MN_AAA);
    assertThat(aaa.headerLength()).isEqualTo(4);
    assertThat(aaa.dataLength()).isEqualTo(4 + 32);
    assertThat(aaa.buffer().getUnsignedShort(aaa.offset() + 2)).as("16-bit length").isEqualTo(36);
    assertThat(aaa.spi() & 0xFFFFFFFFL).isEqualTo(GeneralizedAuthentication.SPI_LINK_KEY_SHA256);
    assertThat(aaa.end()).isEqualTo(r.length());
    assertThat(LINK.verify(r, aaa)).isTrue();
    assertThat(ChallengeResponse.nai(r)).isEqualTo("mn5@acme.example");
    assertThat(ChallengeResponse.challenge(r)).isEqualTo(CHALLENGE);
  }

  @Test
  void aChangedChallengeNoLongerVerifies() throws Exception {
    ByteBuf bytes = request();
    RegistrationRequest r = RegistrationRequest.parse(bytes);
    int at = r.find(ChallengeResponse.EXT_MN_FA_CHALLENGE).dataOffset();
    bytes.setByte(at, bytes.getByte(at) ^ 1);
    MipExtension aaa = GeneralizedAuthentication.find(r, GeneralizedAuthentication.SUBTYPE_MN_AAA);
    assertThat(LINK.verify(r, aaa)).isFalse();
  }

  @Test
  void aGeneralizedExtensionCutOrLongerThanTheMessageIsMalformed() {
    ByteBuf whole = request();
    ByteBuf cut = whole.slice(0, whole.readableBytes() - 37); // type, subtype and half the length
    assertThatThrownBy(() -> RegistrationRequest.parse(cut))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("BAD_MIP_EXTENSION");
    ByteBuf longer = Unpooled.copiedBuffer(whole);
    longer.setShort(longer.readableBytes() - 38, 37); // one byte more than there is
    assertThatThrownBy(() -> RegistrationRequest.parse(longer))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessageContaining("BAD_MIP_EXTENSION");
  }
}
