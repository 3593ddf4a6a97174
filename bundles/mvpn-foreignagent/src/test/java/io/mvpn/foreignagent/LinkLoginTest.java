package io.mvpn.foreignagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.link.LinkKey;
import io.mvpn.api.link.LinkKeyService;
import io.mvpn.packet.mip.ChallengeResponse;
import io.mvpn.packet.mip.GeneralizedAuthentication;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationRequest;
import io.mvpn.packet.mip.ReplyCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * RFC 4721 §3.1 at the foreign agent: the MN-AAA authenticator must cover the NAI it vouches for.
 */
class LinkLoginTest {

  static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
  static final String NAI = "mn5@acme.example";
  static final int STATION = 7;
  static final byte[] LINK_KEY = new byte[32];

  static {
    Arrays.fill(LINK_KEY, (byte) 0x5a);
  }

  final LinkLogin login =
      new LinkLogin(
          new LinkKeyService() {
            final LinkKey key = new LinkKey(NAI, STATION, LINK_KEY, Long.MAX_VALUE);

            @Override
            public Optional<LinkKey> keyOf(String identity) {
              return identity.equals(NAI) ? Optional.of(key) : Optional.empty();
            }

            @Override
            public List<LinkKey> keys() {
              return List.of(key);
            }

            @Override
            public long withdrawn() {
              return 0;
            }
          });

  byte[] advertise() {
    ByteBuf extensions = ALLOC.buffer();
    login.appendChallenge(extensions);
    byte[] challenge = new byte[extensions.getUnsignedByte(1)];
    extensions.getBytes(2, challenge);
    extensions.release();
    return challenge;
  }

  int check(UnaryOperator<RegistrationBuilder> beforeAuthenticator, String naiAfter)
      throws Exception {
    RegistrationBuilder b =
        beforeAuthenticator.apply(
            RegistrationBuilder.request(
                ALLOC,
                0,
                600,
                Ipv4Address.parse("10.1.0.5").toInt(),
                Ipv4Address.parse("198.51.100.10").toInt(),
                Ipv4Address.parse("203.0.113.11").toInt(),
                1L << 32));
    b.authenticateGeneralized(
        GeneralizedAuthentication.SUBTYPE_MN_AAA,
        new MobilitySecurityAssociation(
            GeneralizedAuthentication.SPI_LINK_KEY_SHA256,
            MobilitySecurityAssociation.Algorithm.HMAC_SHA256,
            LINK_KEY));
    if (naiAfter != null) {
      ByteBuf name = ALLOC.buffer().writeBytes(naiAfter.getBytes(StandardCharsets.UTF_8));
      b.extension(ChallengeResponse.EXT_MN_NAI, name);
      name.release();
    }
    ByteBuf request = b.build();
    try {
      return login.check(RegistrationRequest.parse(request), STATION);
    } finally {
      request.release();
    }
  }

  @Test
  void anNaiAfterTheAuthenticatorIsRefusedWith108AndTheChallengeStaysUnused() throws Exception {
    byte[] challenge = advertise();
    int misordered =
        check(
            b -> {
              ByteBuf c = ALLOC.buffer().writeBytes(challenge);
              b.extension(ChallengeResponse.EXT_MN_FA_CHALLENGE, c);
              c.release();
              return b;
            },
            NAI);
    assertThat(misordered).isEqualTo(ReplyCode.FA_MN_AAA_AUTH_FAILED);

    int ordered = check(b -> ChallengeResponse.respond(b, ALLOC, NAI, challenge), null);
    assertThat(ordered).as("the same challenge, the NAI covered").isZero();
    assertThat(login.accepted()).isEqualTo(1);
    assertThat(login.refused(ReplyCode.FA_MN_AAA_AUTH_FAILED)).isEqualTo(1);
  }
}
