package io.mvpn.ike.message;

import static io.mvpn.ike.message.IkeTestMessages.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@code HDR, SK{...}}: framing, lengths and the AAD of RFC 5282 §5.1, sealed and opened. */
class EncryptedMessageTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final HexFormat HEX = HexFormat.of();

  private static IkeMessage authRequest() {
    return IkeTestMessages.plainAuthRequest();
  }

  @Test
  void sealedMessageIsHeaderAndOneSkPayloadWithTheRightAad() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    IkeMessage plain = authRequest();
    int innerLength = plain.encodedLength() - IkeHeader.LENGTH;
    ByteBuf wire = plain.encodeWithSk(ALLOC, cipher);
    try {
      int total = 28 + 4 + cipher.sealedLength(innerLength);
      assertThat(wire.readableBytes()).isEqualTo(total);
      // The AAD is the header (Next Payload SK, final Length) and the SK generic header.
      assertThat(cipher.lastAad).hasSize(32);
      assertThat(cipher.lastAad).isEqualTo(ByteBufUtil.getBytes(wire, 0, 32));
      assertThat(HEX.formatHex(cipher.lastAad, 16, 32))
          .isEqualTo(
              "2e"
                  + "20"
                  + "23"
                  + "08"
                  + "00000001"
                  + String.format("%08x", total)
                  + "23"
                  + "00"
                  + String.format("%04x", total - 28));
      IkeMessage received = IkeMessage.parse(wire);
      assertThat(received.payloads()).hasSize(1);
      EncryptedPayload sk = received.encryptedPayload();
      assertThat(sk.innerNextPayload()).isEqualTo(IkePayload.IDI);
      assertThat(received.openSk(cipher)).isEqualTo(IkeTestMessages.authPayloads());
      assertThat(cipher.lastAad).isEqualTo(ByteBufUtil.getBytes(wire, 0, 32));
      assertThat(received.opened(cipher)).isEqualTo(plain);
      // Re-encoding the parsed message gives the datagram back (retransmission).
      assertThat(received.toByteArray()).isEqualTo(ByteBufUtil.getBytes(wire));
    } finally {
      wire.release();
    }
  }

  @Test
  void aadOfAReceivedMessageIsItsOwnBytesEvenWithIgnoredBitsSet() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    byte[] wire = sealed(authRequest(), cipher);
    wire[19] |= 0x01; // a reserved flag bit: ignored on receipt, yet covered by the ICV
    wire[29] = 0x7F; // the SK payload's reserved bits
    byte[] body = cipher.seal(Arrays.copyOf(wire, 32), innerBytes(authRequest()));
    System.arraycopy(body, 0, wire, 32, body.length);
    IkeMessage received = IkeMessage.parse(wrap(wire));
    assertThat(received.openSk(cipher)).isEqualTo(IkeTestMessages.authPayloads());
    assertThat(cipher.lastAad).isEqualTo(Arrays.copyOf(wire, 32));
  }

  @Test
  void tamperedMessageFailsInTheCipher() {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    byte[] wire = sealed(authRequest(), cipher);
    wire[23] ^= 1; // message ID, inside the AAD
    assertThatThrownBy(() -> IkeMessage.parse(wrap(wire)).openSk(cipher))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void emptySkPayloadIsALivenessCheck() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    IkeMessage empty =
        IkeMessage.of(
            IkeHeader.of(
                IkeTestMessages.SPI_I, IkeTestMessages.SPI_R, IkeHeader.INFORMATIONAL, 8, 2));
    ByteBuf wire = empty.encodeWithSk(ALLOC, cipher);
    IkeMessage received = IkeMessage.parse(wire);
    assertThat(received.encryptedPayload().innerNextPayload()).isEqualTo(IkePayload.NONE);
    assertThat(received.openSk(cipher)).isEmpty();
    wire.release();
  }

  @Test
  void encryptingTwiceOrOpeningWithoutSkIsAProgrammingError() throws Exception {
    IkeTestMessages.XorCipher cipher = new IkeTestMessages.XorCipher();
    IkeMessage sealed = IkeMessage.parse(wrap(sealed(authRequest(), cipher)));
    assertThatThrownBy(() -> sealed.encodeWithSk(ALLOC, cipher))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> authRequest().openSk(cipher))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void cipherThatMisstatesItsLengthIsCaught() {
    SkCipher liar =
        new SkCipher() {
          @Override
          public int sealedLength(int plaintextLength) {
            return plaintextLength;
          }

          @Override
          public byte[] seal(byte[] aad, byte[] plaintext) {
            return new byte[plaintext.length + 1];
          }

          @Override
          public byte[] open(byte[] aad, byte[] body) {
            return body;
          }
        };
    assertThatThrownBy(() -> authRequest().encodeWithSk(ALLOC, liar))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aesGcmSealedMessageOpens() throws Exception {
    SkCipher gcm = new JdkAesGcm(new byte[32], new byte[] {1, 2, 3, 4});
    ByteBuf wire = authRequest().encodeWithSk(ALLOC, gcm);
    assertThat(IkeMessage.parse(wire).openSk(gcm)).isEqualTo(IkeTestMessages.authPayloads());
    wire.release();
  }

  @Test
  void port4500CarriesTheNonEspMarker() throws IkeFormatException {
    IkeMessage m = IkeTestMessages.saInitRequest();
    ByteBuf wire = m.encodeForPort4500(ALLOC);
    assertThat(wire.getInt(0)).isZero();
    assertThat(IkeMessage.hasNonEspMarker(wire)).isTrue();
    assertThat(IkeMessage.parseFromPort4500(wire)).isEqualTo(m);
    wire.release();
    ByteBuf esp = Unpooled.wrappedBuffer(HEX.parseHex("00001001" + "00000001"));
    assertThat(IkeMessage.hasNonEspMarker(esp)).isFalse();
    assertThatThrownBy(() -> IkeMessage.parseFromPort4500(esp))
        .isInstanceOf(IkeFormatException.class);
    assertThatThrownBy(() -> IkeMessage.parseFromPort4500(Unpooled.wrappedBuffer(new byte[3])))
        .isInstanceOf(IkeFormatException.class);
  }

  /** {@code HDR, SK{...}} as bytes; the buffer is released. */
  private static byte[] sealed(IkeMessage m, SkCipher cipher) {
    ByteBuf wire = m.encodeWithSk(ALLOC, cipher);
    try {
      return ByteBufUtil.getBytes(wire);
    } finally {
      wire.release();
    }
  }

  private static byte[] innerBytes(IkeMessage m) {
    byte[] all = m.toByteArray();
    return Arrays.copyOfRange(all, IkeHeader.LENGTH, all.length);
  }

  /**
   * AES-GCM-16 as RFC 5282 lays out the SK body: 8-byte explicit IV, ciphertext of payloads,
   * Padding (none) and Pad Length, 16-byte tag; nonce = 4-byte salt | IV.
   */
  static final class JdkAesGcm implements SkCipher {
    private final SecretKeySpec key;
    private final byte[] salt;
    private long counter;

    JdkAesGcm(byte[] key, byte[] salt) {
      this.key = new SecretKeySpec(key, "AES");
      this.salt = salt.clone();
    }

    @Override
    public int sealedLength(int plaintextLength) {
      return 8 + plaintextLength + 1 + 16;
    }

    @Override
    public byte[] seal(byte[] aad, byte[] plaintext) {
      try {
        byte[] iv = new byte[8];
        long n = ++counter;
        for (int i = 0; i < 8; i++) {
          iv[i] = (byte) (n >>> (56 - 8 * i));
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(iv)));
        c.updateAAD(aad);
        byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
        byte[] sealed = c.doFinal(padded);
        byte[] body = new byte[8 + sealed.length];
        System.arraycopy(iv, 0, body, 0, 8);
        System.arraycopy(sealed, 0, body, 8, sealed.length);
        return body;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] open(byte[] aad, byte[] body) throws GeneralSecurityException {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(Arrays.copyOf(body, 8))));
      c.updateAAD(aad);
      byte[] padded = c.doFinal(body, 8, body.length - 8);
      int padLength = padded[padded.length - 1] & 0xFF;
      if (padLength + 1 > padded.length) {
        throw new javax.crypto.BadPaddingException("pad length " + padLength);
      }
      return Arrays.copyOf(padded, padded.length - 1 - padLength);
    }

    private byte[] nonce(byte[] iv) {
      byte[] nonce = Arrays.copyOf(salt, 12);
      System.arraycopy(iv, 0, nonce, 4, 8);
      return nonce;
    }
  }
}
