package io.mvpn.packet.mip;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Verification compares the received authenticator in place, several bytes a read: every bit of it
 * counts, at every position, for both algorithms' lengths and in heap and direct buffers alike.
 */
class AuthenticatorComparisonTest {

  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  @Test
  void aRequestVerifiesAndAnyFlippedBitOfItsAuthenticatorFails() throws Exception {
    for (Algorithm algorithm : Algorithm.values()) {
      for (var alloc :
          new io.netty.buffer.ByteBufAllocator[] {
            UnpooledByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT
          }) {
        MobilitySecurityAssociation sa = new MobilitySecurityAssociation(1000, algorithm, KEY);
        ByteBuf request =
            RegistrationBuilder.request(
                    alloc, 0x22, 300, 0x0A010005, 0xC633640A, 0xCB007133, 0x0123456789ABCDEFL)
                .authenticate(MipConstants.EXT_MN_HA_AUTH, sa)
                .build();
        try {
          RegistrationRequest parsed = RegistrationRequest.parse(request);
          MipExtension ext = parsed.find(MipConstants.EXT_MN_HA_AUTH);
          assertThat(ext.authenticatorLength()).isEqualTo(algorithm.authenticatorLength());
          assertThat(sa.verify(parsed, ext)).as(algorithm + " untouched").isTrue();
          int at = ext.authenticatorOffset();
          for (int i = 0; i < ext.authenticatorLength(); i++) {
            for (int bit = 0; bit < 8; bit++) {
              byte original = request.getByte(at + i);
              request.setByte(at + i, original ^ (1 << bit));
              assertThat(sa.verify(parsed, ext))
                  .as("%s, byte %d, bit %d flipped", algorithm, i, bit)
                  .isFalse();
              request.setByte(at + i, original);
            }
          }
          assertThat(sa.verify(parsed, ext)).as(algorithm + " restored").isTrue();
        } finally {
          request.release();
        }
      }
    }
  }
}
