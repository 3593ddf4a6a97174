package io.mvpn.api.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.api.ipsec.InvalidEspKeysException.Part;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EspSaKeysTest {

  static final int SPI = 0xc0010001;

  static byte[] counting(int length, int from) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  static InvalidEspKeysException refusal(Runnable build) {
    return catchThrowableOfType(InvalidEspKeysException.class, build::run);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void everyKeySizeTheCipherTakesCutsFromKeymatAsRfc7296Section217LaysItOut(Algorithm a) {
    for (int keyLength : a.encryptionKeyLengths()) {
      byte[] keymat = counting(a.keymatLength(keyLength), 1);
      EspSaKeys keys = EspSaKeys.fromKeymat(SPI, a, keymat, true);

      // The encryption key first, an AEAD's salt right behind it, then the integrity key.
      assertThat(keys.encryptionKey()).isEqualTo(Arrays.copyOf(keymat, keyLength));
      assertThat(keys.salt()).hasSize(a.saltLength());
      assertThat(keys.salt())
          .isEqualTo(Arrays.copyOfRange(keymat, keyLength, keyLength + a.saltLength()));
      assertThat(keys.integrityKey())
          .isEqualTo(Arrays.copyOfRange(keymat, keyLength + a.saltLength(), keymat.length));
      assertThat(keys.integrityKey()).hasSize(a.integrityKeyLength());
      assertThat(keys.keymat()).isEqualTo(keymat);
      assertThat(keys).isEqualTo(EspSaKeys.fromKeymat(SPI, a, keymat, true));
      assertThat(keys).isNotEqualTo(EspSaKeys.fromKeymat(SPI, a, keymat, false));
    }
  }

  @Test
  void eachAlgorithmHasTheLengthsItsRfcGives() {
    assertThat(Algorithm.AES_GCM_16.keymatLength(32)).isEqualTo(36); // RFC 4106 §8.1
    assertThat(Algorithm.CHACHA20_POLY1305.keymatLength(32)).isEqualTo(36); // RFC 7634 §4
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_256_128.keymatLength(32)).isEqualTo(64); // RFC 4868
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_384_192.keymatLength(24)).isEqualTo(72);
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_512_256.keymatLength(16)).isEqualTo(80);
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_384_192.icvLength()).isEqualTo(24);
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_512_256.icvLength()).isEqualTo(32);
    assertThat(Algorithm.AES_GCM_16.aead()).isTrue();
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_256_128.aead()).isFalse();
  }

  @Test
  void aesGcmRefusesAKeyOf24BytesAndAMissingSalt() {
    InvalidEspKeysException e =
        refusal(() -> EspSaKeys.aesGcm(SPI, new byte[28], false)); // AES-192-GCM: not run here
    assertThat(e.algorithm()).isEqualTo(Algorithm.AES_GCM_16);
    assertThat(e.part()).isEqualTo(Part.ENCRYPTION_KEY);
    assertThat(e.length()).isEqualTo(24);
    assertThat(e).hasMessage("AES_GCM_16 takes [16, 32] bytes of encryption key, not 24");

    e =
        refusal(
            () ->
                new EspSaKeys(
                    SPI, Algorithm.AES_GCM_16, new byte[16], new byte[0], new byte[0], false));
    assertThat(e.part()).isEqualTo(Part.SALT);
  }

  @Test
  void aesCbcRefusesASaltAndAnIntegrityKeyOfAnotherHash() {
    InvalidEspKeysException e =
        refusal(
            () ->
                new EspSaKeys(
                    SPI,
                    Algorithm.AES_CBC_HMAC_SHA2_384_192,
                    new byte[32],
                    new byte[0],
                    new byte[32], // SHA-256's
                    false));
    assertThat(e.part()).isEqualTo(Part.INTEGRITY_KEY);
    assertThat(e).hasMessage("AES_CBC_HMAC_SHA2_384_192 takes 48 bytes of integrity key, not 32");

    e =
        refusal(
            () ->
                new EspSaKeys(
                    SPI,
                    Algorithm.AES_CBC_HMAC_SHA2_256_128,
                    new byte[16],
                    new byte[4],
                    new byte[32],
                    false));
    assertThat(e.part()).isEqualTo(Part.SALT);
    // KEYMAT one byte short of AES-128 with SHA-512's key leaves a 15-byte AES key.
    e =
        refusal(
            () ->
                EspSaKeys.fromKeymat(
                    SPI, Algorithm.AES_CBC_HMAC_SHA2_512_256, new byte[79], false));
    assertThat(e.part()).isEqualTo(Part.ENCRYPTION_KEY);
    assertThat(e.length()).isEqualTo(15);
  }

  @Test
  void chaChaRefusesA16ByteKeyAnIntegrityKeyAndKeymatShorterThanItsSalt() {
    assertThat(
            refusal(
                    () ->
                        EspSaKeys.fromKeymat(SPI, Algorithm.CHACHA20_POLY1305, new byte[20], false))
                .part())
        .isEqualTo(Part.ENCRYPTION_KEY);
    assertThat(
            refusal(
                    () ->
                        new EspSaKeys(
                            SPI,
                            Algorithm.CHACHA20_POLY1305,
                            new byte[32],
                            new byte[4],
                            new byte[32],
                            false))
                .part())
        .isEqualTo(Part.INTEGRITY_KEY);
    InvalidEspKeysException e =
        refusal(() -> EspSaKeys.fromKeymat(SPI, Algorithm.CHACHA20_POLY1305, new byte[4], false));
    assertThat(e.part()).isEqualTo(Part.KEYMAT);
  }

  @Test
  void theSuiteIsNamedAsStrongSwanWritesItAndNoKeyReachesToString() {
    byte[] keymat = counting(64, 0x41);
    EspSaKeys cbc = EspSaKeys.fromKeymat(SPI, Algorithm.AES_CBC_HMAC_SHA2_256_128, keymat, true);
    assertThat(cbc.suite()).isEqualTo("aes256-sha256");
    assertThat(Algorithm.AES_CBC_HMAC_SHA2_512_256.suite(128)).isEqualTo("aes128-sha512");
    assertThat(Algorithm.AES_GCM_16.suite(256)).isEqualTo("aes256gcm16");
    assertThat(Algorithm.CHACHA20_POLY1305.suite(256)).isEqualTo("chacha20poly1305");
    assertThat(cbc.toString())
        .isEqualTo("EspSaKeys[spi=c0010001, AES_CBC_HMAC_SHA2_256_128, 256-bit, esn]")
        .doesNotContain("4142");
  }

  @Test
  void theKeysCannotBeChangedThroughTheArraysGivenOrTaken() {
    byte[] keymat = counting(36, 1);
    EspSaKeys keys = EspSaKeys.fromKeymat(SPI, Algorithm.CHACHA20_POLY1305, keymat, false);
    keymat[0] = 99;
    keys.encryptionKey()[1] = 99;
    keys.salt()[0] = 99;
    assertThat(keys.keymat()).isEqualTo(counting(36, 1));
  }
}
