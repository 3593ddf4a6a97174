package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ESP with AES-CBC and HMAC-SHA2 (RFC 3602, RFC 4868) and with ChaCha20-Poly1305 (RFC 7634). */
class EspTransformTest {

  static final Ipv4Address MN = EspSecurityAssociationTest.MN;
  static final Ipv4Address GATEWAY = EspSecurityAssociationTest.GATEWAY;
  static final byte[] AES = fill(32, 0x11);
  static final byte[] CHACHA = fill(36, 0x22);

  static byte[] fill(int length, int value) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (value + i);
    }
    return b;
  }

  static EspSecurityAssociation[] pair(Supplier<EspTransform> transform, boolean esn) {
    return new EspSecurityAssociation[] {
      new EspSecurityAssociation(0x2002, Direction.OUTBOUND, MN, GATEWAY, transform.get(), esn, 0),
      new EspSecurityAssociation(0x2002, Direction.INBOUND, null, GATEWAY, transform.get(), esn, 64)
    };
  }

  static Supplier<EspTransform> cbc(EspTransform.Integrity integrity) {
    return () -> EspTransform.aesCbc(AES, integrity, fill(integrity.keyLength(), 0x33));
  }

  static ByteBuf wrap(EspSecurityAssociation out, int size) throws Exception {
    ByteBuf inner = EspSecurityAssociationTest.innerDatagram(size);
    try {
      return out.encapsulate(EspSecurityAssociationTest.ALLOC, Ipv4Packet.parse(inner), 64);
    } finally {
      inner.release();
    }
  }

  static ByteBuf unwrap(EspSecurityAssociation in, ByteBuf packet) throws Exception {
    return in.decapsulate(EspSecurityAssociationTest.ALLOC, Ipv4Packet.parse(packet.duplicate()));
  }

  /** The inbound SA opens the packet to an inner datagram of that length; both released. */
  static void assertOpensTo(EspSecurityAssociation in, ByteBuf packet, int innerLength)
      throws Exception {
    ByteBuf inner = unwrap(in, packet);
    assertThat(inner.readableBytes()).isEqualTo(innerLength);
    inner.release();
    packet.release();
  }

  @ParameterizedTest
  @EnumSource(EspTransform.Integrity.class)
  void aesCbcRoundTripsInWholeBlocksWithTheTruncatedIcv(EspTransform.Integrity integrity)
      throws Exception {
    for (boolean esn : new boolean[] {false, true}) {
      EspSecurityAssociation[] sas = pair(cbc(integrity), esn);
      for (int size : new int[] {0, 1, 13, 14, 64, 1400}) {
        ByteBuf packet = wrap(sas[0], size);
        int espLength = packet.readableBytes() - 20;
        // SPI, sequence, 16-byte IV, whole blocks, ICV of half the hash (RFC 4868 §2.3).
        assertThat((espLength - 8 - 16 - integrity.icvLength()) % 16).isZero();
        assertThat(espLength).isEqualTo(sas[0].espLength(28 + size));
        assertOpensTo(sas[1], packet, 28 + size);
      }
    }
  }

  @Test
  void theAesCbcIcvIsHmacSha256OverHeaderIvAndCiphertextCutTo16Bytes() throws Exception {
    byte[] integrityKey = fill(32, 0x33);
    EspSecurityAssociation out = pair(cbc(EspTransform.Integrity.HMAC_SHA2_256_128), false)[0];
    ByteBuf packet = wrap(out, 40);
    byte[] esp = ByteBufUtil.getBytes(packet, 20, packet.readableBytes() - 20);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(integrityKey, "HmacSHA256"));
    mac.update(esp, 0, esp.length - 16);
    assertThat(Arrays.copyOfRange(esp, esp.length - 16, esp.length))
        .isEqualTo(Arrays.copyOf(mac.doFinal(), 16));
    // The payload decrypts with plain AES-CBC under the IV that follows SPI and sequence.
    Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
    cbc.init(Cipher.DECRYPT_MODE, new SecretKeySpec(AES, "AES"), new IvParameterSpec(esp, 8, 16));
    byte[] plain = cbc.doFinal(esp, 24, esp.length - 24 - 16);
    assertThat(plain[plain.length - 1]).isEqualTo((byte) EspSecurityAssociation.NEXT_IPV4);
    packet.release();
  }

  @Test
  void chaChaUsesTheSequenceAsIvAndSaltIvAsNonceWithSpiAndSequenceAsAad() throws Exception {
    EspSecurityAssociation[] sas = pair(() -> EspTransform.chaCha20Poly1305(CHACHA), false);
    ByteBuf packet = wrap(sas[0], 40);
    byte[] esp = ByteBufUtil.getBytes(packet, 20, packet.readableBytes() - 20);

    assertThat(Arrays.copyOfRange(esp, 8, 16)).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
    Cipher chacha = Cipher.getInstance("ChaCha20-Poly1305");
    byte[] nonce = new byte[12];
    System.arraycopy(CHACHA, 32, nonce, 0, 4);
    System.arraycopy(esp, 8, nonce, 4, 8);
    chacha.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(Arrays.copyOf(CHACHA, 32), "ChaCha20"),
        new IvParameterSpec(nonce));
    chacha.updateAAD(esp, 0, 8);
    byte[] plain = chacha.doFinal(esp, 16, esp.length - 16);
    assertThat(plain.length % 4).isZero();
    assertThat(plain[plain.length - 1]).isEqualTo((byte) EspSecurityAssociation.NEXT_IPV4);
    ByteBuf inner = unwrap(sas[1], packet);
    assertThat(inner.readableBytes()).isEqualTo(68);
    inner.release();
    packet.release();
  }

  @Test
  void chaChaWithExtendedSequenceNumbersRoundTrips() throws Exception {
    EspSecurityAssociation[] sas = pair(() -> EspTransform.chaCha20Poly1305(CHACHA), true);
    for (int size : new int[] {0, 3, 1400}) {
      assertOpensTo(sas[1], wrap(sas[0], size), 28 + size);
    }
  }

  @Test
  void aTamperedPacketIsCountedAndLeavesTheWindowWhereItWas() throws Exception {
    for (Supplier<EspTransform> t :
        java.util.List.of(
            cbc(EspTransform.Integrity.HMAC_SHA2_512_256),
            () -> EspTransform.chaCha20Poly1305(CHACHA))) {
      EspSecurityAssociation[] sas = pair(t, false);
      ByteBuf packet = wrap(sas[0], 100);
      for (int at : new int[] {24, 40, packet.readableBytes() - 1}) {
        ByteBuf forged = Unpooled.copiedBuffer(packet);
        forged.setByte(at, forged.getByte(at) ^ 0x01);
        EspException e = catchThrowableOfType(() -> unwrap(sas[1], forged), EspException.class);
        assertThat(e.reason()).isEqualTo(EspException.Reason.ICV);
      }
      assertThat(sas[1].refused(EspException.Reason.ICV)).isEqualTo(3);
      assertThat(sas[1].sequence()).isZero();

      // The genuine packet still gets in after forgeries of its sequence number and nonce.
      unwrap(sas[1], packet).release();
      EspException replay = catchThrowableOfType(() -> unwrap(sas[1], packet), EspException.class);
      assertThat(replay.reason()).isEqualTo(EspException.Reason.REPLAY);
      assertThat(sas[1].refused(EspException.Reason.REPLAY)).isEqualTo(1);
      assertThat(sas[1].sequence()).isEqualTo(1);
      packet.release();
    }
  }

  @Test
  void anAesCbcPayloadThatIsNoWholeBlocksIsRefusedAsTruncated() throws Exception {
    EspSecurityAssociation[] sas = pair(cbc(EspTransform.Integrity.HMAC_SHA2_256_128), false);
    ByteBuf packet = wrap(sas[0], 100);
    byte[] esp = ByteBufUtil.getBytes(packet, 20, packet.readableBytes() - 21);

    EspException e =
        catchThrowableOfType(
            () ->
                sas[1].open(
                    EspSecurityAssociationTest.ALLOC, Unpooled.wrappedBuffer(esp), 0, esp.length),
            EspException.class);

    assertThat(e.reason()).isEqualTo(EspException.Reason.TRUNCATED);
    packet.release();
  }
}
