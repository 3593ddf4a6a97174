package io.mvpn.ipsec.esp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key values to SAs and back, for every suite: an SA built from a KEYMAT slice seals what the JDK's
 * own ciphers, keyed from that slice as RFC 7296 §2.17 and the suite's RFC cut it, open.
 */
class EspSuiteTest {

  static final int SPI = 0xc0040001;

  static byte[] keymat(Algorithm a) {
    return EspTransformTest.fill(a.keymatLength(32), 0x21);
  }

  static EspSecurityAssociation outbound(Algorithm a, byte[] keymat, boolean esn) {
    return EspSuite.sa(
        EspSaKeys.fromKeymat(SPI, a, keymat, esn),
        Direction.OUTBOUND,
        EspTransformTest.MN,
        EspTransformTest.GATEWAY,
        0);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void anSaBuiltFromKeysGivesTheSameKeysSuiteAndNameBack(Algorithm a) {
    for (int keyBytes : a.encryptionKeyLengths()) {
      EspSaKeys keys =
          EspSaKeys.fromKeymat(
              SPI, a, EspTransformTest.fill(a.keymatLength(keyBytes), keyBytes), true);
      EspSecurityAssociation in =
          EspSuite.sa(keys, Direction.INBOUND, null, EspTransformTest.GATEWAY, 64);

      assertThat(EspSuite.keys(in)).isEqualTo(keys);
      assertThat(EspSuite.algorithm(in)).isEqualTo(a);
      assertThat(EspSuite.name(in)).isEqualTo(keys.suite());
      assertThat(in.keyMaterial()).isEqualTo(keys.keymat());
      assertThat(in.replayWindow()).isEqualTo(64);
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void whatAnSaOfTheSuiteSealsTheJdksCipherOpensWithTheKeysCutFromKeymat(Algorithm a)
      throws Exception {
    byte[] keymat = keymat(a);
    ByteBuf packet = EspTransformTest.wrap(outbound(a, keymat, false), 40);
    byte[] esp = ByteBufUtil.getBytes(packet, 20, packet.readableBytes() - 20);
    packet.release();
    byte[] key = Arrays.copyOf(keymat, 32);
    byte[] tail = Arrays.copyOfRange(keymat, 32, keymat.length); // salt, or integrity key

    byte[] plain =
        switch (a) {
          case AES_GCM_16 -> aead("AES/GCM/NoPadding", "AES", key, tail, esp);
          case CHACHA20_POLY1305 -> aead("ChaCha20-Poly1305", "ChaCha20", key, tail, esp);
          default -> aesCbcAfterHmac(a, key, tail, esp);
        };

    assertThat(plain[plain.length - 1]).isEqualTo((byte) EspSecurityAssociation.NEXT_IPV4);
    assertThat(plain[0]).isEqualTo((byte) 0x45); // the inner IPv4 header
  }

  /** RFC 4106 and RFC 7634: nonce = salt | IV, AAD = SPI | sequence, the ICV at the end. */
  static byte[] aead(
      String transformation, String keyAlgorithm, byte[] key, byte[] salt, byte[] esp)
      throws Exception {
    byte[] nonce = new byte[12];
    System.arraycopy(salt, 0, nonce, 0, 4);
    System.arraycopy(esp, 8, nonce, 4, 8);
    Cipher cipher = Cipher.getInstance(transformation);
    SecretKeySpec spec = new SecretKeySpec(key, keyAlgorithm);
    cipher.init(
        Cipher.DECRYPT_MODE,
        spec,
        keyAlgorithm.equals("AES") ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
    cipher.updateAAD(esp, 0, 8);
    return cipher.doFinal(esp, 16, esp.length - 16);
  }

  /**
   * RFC 4868: HMAC over SPI through ciphertext, cut to the suite's ICV; then AES-CBC (RFC 3602).
   */
  static byte[] aesCbcAfterHmac(Algorithm a, byte[] key, byte[] integrityKey, byte[] esp)
      throws Exception {
    String hmac = "HmacSHA" + a.integrityKeyLength() * 8;
    Mac mac = Mac.getInstance(hmac);
    mac.init(new SecretKeySpec(integrityKey, hmac));
    mac.update(esp, 0, esp.length - a.icvLength());
    assertThat(Arrays.copyOfRange(esp, esp.length - a.icvLength(), esp.length))
        .isEqualTo(Arrays.copyOf(mac.doFinal(), a.icvLength()));
    Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
    cbc.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(esp, 8, 16));
    return cbc.doFinal(esp, 24, esp.length - 24 - a.icvLength());
  }
}
