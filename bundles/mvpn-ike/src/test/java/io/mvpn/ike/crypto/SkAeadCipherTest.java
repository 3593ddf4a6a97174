package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec and the key schedule together: two ends agree on group 19, derive their IKE SA keys,
 * and an IKE_AUTH-shaped message sealed by the initiator opens at the responder and nowhere else.
 */
class SkAeadCipherTest {

  @Test
  void aMessageSealedByTheInitiatorOpensAtTheResponderOnly() throws Exception {
    SecureRandom random = new SecureRandom();
    DiffieHellman i = DiffieHellman.create(19, random);
    DiffieHellman r = DiffieHellman.create(19, random);
    byte[] ni = new byte[32];
    byte[] nr = new byte[32];
    random.nextBytes(ni);
    random.nextBytes(nr);
    byte[] spiI = {1, 2, 3, 4, 5, 6, 7, 8};
    byte[] spiR = {9, 10, 11, 12, 13, 14, 15, 16};
    IkeSaKeys atI =
        IkeSaKeys.derive(
            Prf.HMAC_SHA2_256, 256, i.sharedSecret(r.publicValue()), ni, nr, spiI, spiR);
    IkeSaKeys atR =
        IkeSaKeys.derive(
            Prf.HMAC_SHA2_256, 256, r.sharedSecret(i.publicValue()), ni, nr, spiI, spiR);

    List<IkePayload> inner =
        List.of(
            new IdentificationPayload(
                true,
                IdentificationPayload.ID_FQDN,
                Octets.of("mn1.example.net".getBytes(StandardCharsets.US_ASCII))),
            NotifyPayload.of(NotifyPayload.MOBIKE_SUPPORTED));
    IkeMessage request =
        new IkeMessage(
            IkeHeader.of(
                0x0102030405060708L,
                0x090a0b0c0d0e0f10L,
                IkeHeader.IKE_AUTH,
                IkeHeader.INITIATOR,
                1),
            inner);
    ByteBuf wire =
        request.encodeWithSk(UnpooledByteBufAllocator.DEFAULT, SkAeadCipher.of(atI, true));
    try {
      IkeMessage received = IkeMessage.parse(wire.duplicate());
      assertThat(received.openSk(SkAeadCipher.of(atR, false))).isEqualTo(inner);
      // The initiator cannot open its own message with the keys it receives with.
      assertThatThrownBy(() -> received.openSk(SkAeadCipher.of(atI, true)))
          .isInstanceOf(GeneralSecurityException.class);
      // One flipped bit anywhere in header or body: dropped.
      wire.setByte(20, wire.getByte(20) ^ 1); // inside the message ID
      IkeMessage tampered = IkeMessage.parse(wire.duplicate());
      assertThatThrownBy(() -> tampered.openSk(SkAeadCipher.of(atR, false)))
          .isInstanceOf(GeneralSecurityException.class);
    } finally {
      wire.release();
    }
  }
}
