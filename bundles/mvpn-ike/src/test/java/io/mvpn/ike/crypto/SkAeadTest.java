package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SkAeadTest {

  static final HexFormat HEX = HexFormat.of();

  // GCM specification (McGrew and Viega) test case 4, split the RFC 4106 / 5282 way: the
  // 12-byte nonce cafebabe|facedbaddecaf888 is the 4-byte salt (end of the key material) and
  // the 8-byte IV.
  static final byte[] KEY_AND_SALT = HEX.parseHex("feffe9928665731c6d6a8f9467308308cafebabe");
  static final byte[] IV = HEX.parseHex("facedbaddecaf888");
  static final byte[] AAD = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  static final byte[] PLAINTEXT =
      HEX.parseHex(
          "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
              + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  static final String CIPHERTEXT =
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";

  @Test
  void gcmSpecificationTestCase4ThroughTheRawAead() throws Exception {
    byte[] sealed = SkAead.sealRaw(KEY_AND_SALT, IV, AAD, PLAINTEXT);
    assertThat(HEX.formatHex(sealed)).isEqualTo(CIPHERTEXT + "5bc94fbc3221a5db94fae95ae7121a47");
    assertThat(SkAead.openRaw(KEY_AND_SALT, IV, AAD, sealed)).isEqualTo(PLAINTEXT);
  }

  /** Test case 16: the same with a 256-bit key. */
  @Test
  void gcmSpecificationTestCase16WithAes256() {
    byte[] keyAndSalt =
        HEX.parseHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308cafebabe");
    byte[] sealed = SkAead.sealRaw(keyAndSalt, IV, AAD, PLAINTEXT);
    assertThat(HEX.formatHex(sealed))
        .isEqualTo(
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b");
  }

  @Test
  void roundTripStripsThePadLengthByte() throws Exception {
    SkAead sender = SkAead.forSender(KEY_AND_SALT);
    SkAead receiver = SkAead.forReceiver(KEY_AND_SALT);
    for (int length : new int[] {0, 1, 15, 16, 17, 1000}) {
      byte[] inner = new byte[length];
      Arrays.fill(inner, (byte) length);
      byte[] body = sender.seal(AAD, inner);
      assertThat(body).hasSize(SkAead.sealedLength(length));
      assertThat(receiver.open(AAD, body)).isEqualTo(inner);
    }
  }

  /** The plaintext ends with Pad Length 0 and the IV is a counter from 1. */
  @Test
  void sealWritesThePadLengthByteAndCountsTheIv() throws Exception {
    SkAead sender = SkAead.forSender(KEY_AND_SALT);
    byte[] body = sender.seal(AAD, PLAINTEXT);
    assertThat(Arrays.copyOf(body, 8)).isEqualTo(HEX.parseHex("0000000000000001"));
    byte[] plaintext =
        SkAead.openRaw(
            KEY_AND_SALT, Arrays.copyOf(body, 8), AAD, Arrays.copyOfRange(body, 8, body.length));
    assertThat(plaintext).hasSize(PLAINTEXT.length + 1);
    assertThat(plaintext[PLAINTEXT.length]).isZero();
    assertThat(Arrays.copyOf(sender.seal(AAD, PLAINTEXT), 8))
        .isEqualTo(HEX.parseHex("0000000000000002"));
  }

  @Test
  void ivsNeverRepeat() {
    SkAead sender = SkAead.forSender(KEY_AND_SALT);
    Set<String> ivs = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertThat(ivs.add(HEX.formatHex(Arrays.copyOf(sender.seal(AAD, new byte[4]), 8)))).isTrue();
    }
  }

  /** A peer may pad; any padding values are accepted and removed (§3.14). */
  @Test
  void openAcceptsPeerPadding() throws Exception {
    byte[] inner = HEX.parseHex("2900000801020304");
    byte[] padded = Bytes.concat(inner, HEX.parseHex("a5a5a503"));
    byte[] body = Bytes.concat(IV, SkAead.sealRaw(KEY_AND_SALT, IV, AAD, padded));
    assertThat(SkAead.forReceiver(KEY_AND_SALT).open(AAD, body)).isEqualTo(inner);
  }

  @Test
  void padLengthPastTheDataIsRefused() {
    byte[] body = Bytes.concat(IV, SkAead.sealRaw(KEY_AND_SALT, IV, AAD, HEX.parseHex("0102ff")));
    assertThat(reasonOf(AAD, body)).isEqualTo(IkeCryptoException.Reason.PADDING);
  }

  @Test
  void tamperedCiphertextIvOrTagIsRefused() {
    byte[] body = SkAead.forSender(KEY_AND_SALT).seal(AAD, PLAINTEXT);
    for (int at : new int[] {0, 7, 8, 20, body.length - 1}) {
      byte[] bad = body.clone();
      bad[at] ^= 0x01;
      IkeCryptoException.Reason reason = reasonOf(AAD, bad);
      assertThat(reason).as("byte %d", at).isEqualTo(IkeCryptoException.Reason.ICV);
      assertThat(reason.notifyType()).isZero();
    }
  }

  @Test
  void wrongAadIsRefused() {
    byte[] body = SkAead.forSender(KEY_AND_SALT).seal(AAD, PLAINTEXT);
    byte[] otherAad = AAD.clone();
    otherAad[3] ^= 0x20;
    assertThat(reasonOf(otherAad, body)).isEqualTo(IkeCryptoException.Reason.ICV);
  }

  @Test
  void wrongKeyIsRefused() {
    byte[] body = SkAead.forSender(KEY_AND_SALT).seal(AAD, PLAINTEXT);
    byte[] otherSalt = KEY_AND_SALT.clone();
    otherSalt[19] ^= 1;
    assertThat(
            catchThrowableOfType(
                    () -> SkAead.forReceiver(otherSalt).open(AAD, body), IkeCryptoException.class)
                .reason())
        .isEqualTo(IkeCryptoException.Reason.ICV);
  }

  @Test
  void truncatedInputIsRefused() {
    byte[] body = SkAead.forSender(KEY_AND_SALT).seal(AAD, new byte[0]);
    assertThat(body).hasSize(SkAead.OVERHEAD);
    assertThat(reasonOf(AAD, Arrays.copyOf(body, SkAead.OVERHEAD - 1)))
        .isEqualTo(IkeCryptoException.Reason.TRUNCATED);
    assertThat(reasonOf(AAD, new byte[0])).isEqualTo(IkeCryptoException.Reason.TRUNCATED);
    byte[] longer = SkAead.forSender(KEY_AND_SALT).seal(AAD, PLAINTEXT);
    assertThat(reasonOf(AAD, Arrays.copyOf(longer, longer.length - 1)))
        .isEqualTo(IkeCryptoException.Reason.ICV);
  }

  @Test
  void keyMaterialAndRolesAreChecked() {
    assertThat(SkAead.keyMaterialLength(128)).isEqualTo(20);
    assertThat(SkAead.keyMaterialLength(256)).isEqualTo(36);
    assertThatThrownBy(() -> SkAead.forSender(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SkAead.forReceiver(KEY_AND_SALT).seal(AAD, PLAINTEXT))
        .isInstanceOf(IllegalStateException.class);
  }

  static IkeCryptoException.Reason reasonOf(byte[] aad, byte[] body) {
    return catchThrowableOfType(
            () -> SkAead.forReceiver(KEY_AND_SALT).open(aad, body), IkeCryptoException.class)
        .reason();
  }
}
