package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.ike.message.Transform;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SK payload with AES-CBC and HMAC-SHA2 (RFC 7296 §3.14, RFC 3602, RFC 4868), and
 * ChaCha20-Poly1305 through the AEAD path (RFC 7634), against published vectors.
 */
class SkCbcHmacTest {

  static final HexFormat HEX = HexFormat.of();
  static final byte[] AAD =
      HEX.parseHex("00112233445566778899aabbccddeeff2e202308000000010000005c");

  @Test
  void rfc3602Case1EncryptsOneBlock() {
    SecretKeySpec key = new SecretKeySpec(HEX.parseHex("06a9214036b8a15b512e03d534120006"), "AES");
    byte[] iv = HEX.parseHex("3dafba429d9eb430b422da802c9fac41");
    byte[] plaintext = "Single block msg".getBytes(StandardCharsets.US_ASCII);

    byte[] ciphertext = SkCbcHmac.aesCbc(Cipher.ENCRYPT_MODE, key, iv, plaintext, 0, 16);

    assertThat(HEX.formatHex(ciphertext)).isEqualTo("e353779c1079aeb82708942dbe77181a");
  }

  @Test
  void rfc3602Case2EncryptsTwoChainedBlocks() {
    SecretKeySpec key = new SecretKeySpec(HEX.parseHex("c286696d887c9aa0611bbb3e2025a45a"), "AES");
    byte[] iv = HEX.parseHex("562e17996d093d28ddb3ba695a2e6f58");
    byte[] plaintext =
        HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    byte[] ciphertext = SkCbcHmac.aesCbc(Cipher.ENCRYPT_MODE, key, iv, plaintext, 0, 32);

    assertThat(HEX.formatHex(ciphertext))
        .isEqualTo("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");
  }

  /** RFC 4231 test case 2 ("Jefe"), truncated as RFC 4868 §2.3 truncates. */
  @Test
  void rfc4231Case2TruncatedToEachIcvLength() {
    byte[] key = "Jefe".getBytes(StandardCharsets.US_ASCII);
    byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

    assertThat(HEX.formatHex(Integrity.HMAC_SHA2_256_128.icv(key, data)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c7");
    assertThat(HEX.formatHex(Integrity.HMAC_SHA2_384_192.icv(key, data)))
        .isEqualTo("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47");
    assertThat(HEX.formatHex(Integrity.HMAC_SHA2_512_256.icv(key, data)))
        .isEqualTo("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554");
  }

  /**
   * RFC 8439 §2.8.2's AEAD vector, whose 12-byte nonce 07000000|4041424344454647 splits the RFC
   * 7634 way into the 4-byte salt at the end of the key material and the 8-byte IV.
   */
  @Test
  void chaCha20Poly1305FromRfc8439ThroughTheSkAead() throws Exception {
    byte[] keyAndSalt =
        HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f07000000");
    byte[] iv = HEX.parseHex("4041424344454647");
    byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] plaintext =
        ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                + " future, sunscreen would be it.")
            .getBytes(StandardCharsets.US_ASCII);
    SkAead.Algorithm chacha = SkAead.Algorithm.CHACHA20_POLY1305;

    byte[] sealed = SkAead.sealRaw(chacha, keyAndSalt, iv, aad, plaintext);

    assertThat(HEX.formatHex(sealed)).startsWith("d31a8d34648e60db7b86afbc53ef7ec2");
    assertThat(HEX.formatHex(sealed)).endsWith("1ae10b594f09e26a7e902ecbd0600691");
    assertThat(SkAead.openRaw(chacha, keyAndSalt, iv, aad, sealed)).isEqualTo(plaintext);
    sealed[3] ^= 1;
    assertThat(
            catchThrowableOfType(
                    () -> SkAead.openRaw(chacha, keyAndSalt, iv, aad, sealed),
                    IkeCryptoException.class)
                .reason())
        .isEqualTo(IkeCryptoException.Reason.ICV);
  }

  @ParameterizedTest
  @EnumSource(Integrity.class)
  void everyLengthRoundTripsInWholeBlocksWithTheIcvAtTheEnd(Integrity integrity) throws Exception {
    SkCbcHmac[] ends = pair(integrity, 32);
    for (int length = 0; length <= 40; length++) {
      byte[] inner = new byte[length];
      Arrays.fill(inner, (byte) length);

      byte[] body = ends[0].seal(AAD, inner);

      assertThat(body).hasSize(ends[0].sealedLength(length));
      assertThat((body.length - 16 - integrity.icvLength()) % 16).isZero();
      assertThat(ends[1].open(AAD, body)).isEqualTo(inner);
    }
  }

  @Test
  void theIcvCoversTheAadTheIvAndEveryCiphertextByte() throws Exception {
    SkCbcHmac[] ends = pair(Integrity.HMAC_SHA2_256_128, 16);
    byte[] body = ends[0].seal(AAD, new byte[20]);
    for (int i = 0; i < body.length; i++) {
      byte[] forged = body.clone();
      forged[i] ^= 0x40;
      assertThat(reasonOpening(ends[1], AAD, forged)).isEqualTo(IkeCryptoException.Reason.ICV);
    }
    byte[] otherAad = AAD.clone();
    otherAad[0] ^= 1;
    assertThat(reasonOpening(ends[1], otherAad, body)).isEqualTo(IkeCryptoException.Reason.ICV);
    // Each end opens only what the other sent: the directions have their own keys.
    assertThat(reasonOpening(ends[0], AAD, body)).isEqualTo(IkeCryptoException.Reason.ICV);
  }

  @Test
  void aBodyThatIsNoIvWholeBlocksAndIcvIsRefusedBeforeAnyMac() throws Exception {
    SkCbcHmac[] ends = pair(Integrity.HMAC_SHA2_512_256, 32);
    byte[] body = ends[0].seal(AAD, new byte[5]);

    assertThat(reasonOpening(ends[1], AAD, Arrays.copyOf(body, body.length - 1)))
        .isEqualTo(IkeCryptoException.Reason.TRUNCATED);
    assertThat(reasonOpening(ends[1], AAD, new byte[16 + 32]))
        .isEqualTo(IkeCryptoException.Reason.TRUNCATED);
  }

  @Test
  void aPadLengthPastThePlaintextIsRefusedAfterTheIcvVerifies() throws Exception {
    byte[] encryption = new byte[16];
    byte[] integrityKey = new byte[32];
    var sender =
        new SkCbcHmac(
            Integrity.HMAC_SHA2_256_128,
            encryption,
            integrityKey,
            encryption,
            integrityKey,
            new SecureRandom());
    // One block of 16 bytes whose last byte claims 200 bytes of padding, sealed by hand.
    byte[] iv = new byte[16];
    byte[] block = new byte[16];
    block[15] = (byte) 200;
    byte[] ciphertext =
        SkCbcHmac.aesCbc(
            Cipher.ENCRYPT_MODE, new SecretKeySpec(encryption, "AES"), iv, block, 0, 16);
    byte[] icv = Integrity.HMAC_SHA2_256_128.icv(integrityKey, AAD, iv, ciphertext);

    assertThat(reasonOpening(sender, AAD, Bytes.concat(iv, ciphertext, icv)))
        .isEqualTo(IkeCryptoException.Reason.PADDING);
  }

  @Test
  void keysOfAnAesCbcSaComeInRfc7296Order() {
    Prf prf = Prf.HMAC_SHA2_256;
    SkSuite suite =
        SkSuite.of(
            Transform.withKeyLength(Transform.ENCR, Transform.ENCR_AES_CBC, 256),
            Transform.of(Transform.INTEG, Transform.AUTH_HMAC_SHA2_384_192));
    byte[] ni = HEX.parseHex("0102030405060708");
    byte[] nr = HEX.parseHex("1112131415161718");
    byte[] spiI = HEX.parseHex("a1a2a3a4a5a6a7a8");
    byte[] spiR = HEX.parseHex("b1b2b3b4b5b6b7b8");
    byte[] gir = new byte[32];

    IkeSaKeys keys = IkeSaKeys.derive(prf, suite, gir, ni, nr, spiI, spiR);

    // SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr (§2.14): 32 48 48 32 32 32 32.
    byte[] all =
        prf.prfPlus(IkeSaKeys.skeyseed(prf, ni, nr, gir), Bytes.concat(ni, nr, spiI, spiR), 256);
    assertThat(keys.skD()).isEqualTo(Arrays.copyOfRange(all, 0, 32));
    assertThat(keys.skAi()).isEqualTo(Arrays.copyOfRange(all, 32, 80));
    assertThat(keys.skAr()).isEqualTo(Arrays.copyOfRange(all, 80, 128));
    assertThat(keys.skEi()).isEqualTo(Arrays.copyOfRange(all, 128, 160));
    assertThat(keys.skEr()).isEqualTo(Arrays.copyOfRange(all, 160, 192));
    assertThat(keys.skPi()).isEqualTo(Arrays.copyOfRange(all, 192, 224));
    assertThat(keys.skPr()).isEqualTo(Arrays.copyOfRange(all, 224, 256));
  }

  @Test
  void childSaKeymatGivesEachDirectionItsEncryptionThenItsIntegrityKey() {
    Prf prf = Prf.HMAC_SHA2_384;
    byte[] skD = new byte[48];
    byte[] ni = HEX.parseHex("0102030405060708");
    byte[] nr = HEX.parseHex("1112131415161718");

    ChildSaKeys keys = ChildSaKeys.derive(prf, skD, 32, 64, null, ni, nr);

    // KEYMAT = prf+(SK_d, Ni | Nr): ei | ai | er | ar (RFC 7296 §2.17).
    byte[] all = prf.prfPlus(skD, Bytes.concat(ni, nr), 192);
    assertThat(keys.outbound(true)).isEqualTo(Arrays.copyOfRange(all, 0, 32));
    assertThat(keys.outboundIntegrity(true)).isEqualTo(Arrays.copyOfRange(all, 32, 96));
    assertThat(keys.inbound(true)).isEqualTo(Arrays.copyOfRange(all, 96, 128));
    assertThat(keys.inboundIntegrity(true)).isEqualTo(Arrays.copyOfRange(all, 128, 192));
    assertThat(keys.inboundIntegrity(false)).isEqualTo(keys.outboundIntegrity(true));
  }

  @Test
  void chaChaKeysAreThirtySixBytesWithoutIntegrityKeys() {
    SkSuite suite =
        SkSuite.of(Transform.of(Transform.ENCR, Transform.ENCR_CHACHA20_POLY1305), null);
    byte[] n = new byte[16];
    IkeSaKeys keys =
        IkeSaKeys.derive(Prf.HMAC_SHA2_512, suite, new byte[32], n, n, new byte[8], new byte[8]);

    assertThat(keys.skEi()).hasSize(36);
    assertThat(keys.skAi()).isEmpty();
    assertThat(keys.skD()).hasSize(64);
  }

  private static SkCbcHmac[] pair(Integrity integrity, int aesKeyBytes) {
    SecureRandom random = new SecureRandom();
    byte[] ei = new byte[aesKeyBytes];
    byte[] er = new byte[aesKeyBytes];
    byte[] ai = new byte[integrity.keyLength()];
    byte[] ar = new byte[integrity.keyLength()];
    random.nextBytes(ei);
    random.nextBytes(er);
    random.nextBytes(ai);
    random.nextBytes(ar);
    return new SkCbcHmac[] {
      new SkCbcHmac(integrity, ei, ai, er, ar, random),
      new SkCbcHmac(integrity, er, ar, ei, ai, random)
    };
  }

  private static IkeCryptoException.Reason reasonOpening(SkCbcHmac end, byte[] aad, byte[] body) {
    GeneralSecurityException e =
        catchThrowableOfType(() -> end.open(aad, body), GeneralSecurityException.class);
    assertThat(e).as("refused").isNotNull();
    return ((IkeCryptoException) e.getCause()).reason();
  }
}
