package io.mvpn.ike.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PrfTest {

  static final HexFormat HEX = HexFormat.of();

  /** RFC 4231 §4.2, test case 1. */
  @Test
  void rfc4231TestCase1() {
    byte[] key = new byte[20];
    Arrays.fill(key, (byte) 0x0b);
    byte[] data = "Hi There".getBytes(US_ASCII);
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_256.prf(key, data)))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_384.prf(key, data)))
        .isEqualTo(
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6");
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_512.prf(key, data)))
        .isEqualTo(
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  }

  /** RFC 4231 §4.3, test case 2: a key shorter than the output, data given in two parts. */
  @Test
  void rfc4231TestCase2InParts() {
    byte[] key = "Jefe".getBytes(US_ASCII);
    byte[] first = "what do ya want ".getBytes(US_ASCII);
    byte[] second = "for nothing?".getBytes(US_ASCII);
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_256.prf(key, first, second)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_512.prf(key, first, second)))
        .isEqualTo(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  }

  /** RFC 4231 §4.8, test case 7: a key longer than the block, hashed first. */
  @Test
  void rfc4231TestCase7LongKey() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    byte[] data =
        ("This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm.")
            .getBytes(US_ASCII);
    assertThat(HEX.formatHex(Prf.HMAC_SHA2_256.prf(key, data)))
        .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  @Test
  void transformIdsAndLengths() {
    assertThat(Prf.forTransformId(5)).contains(Prf.HMAC_SHA2_256);
    assertThat(Prf.forTransformId(6)).contains(Prf.HMAC_SHA2_384);
    assertThat(Prf.forTransformId(7)).contains(Prf.HMAC_SHA2_512);
    assertThat(Prf.forTransformId(2)).contains(Prf.HMAC_SHA1);
    assertThat(Prf.forTransformId(4)).isEmpty();
    assertThat(Prf.HMAC_SHA2_384.keyLength()).isEqualTo(48);
  }

  /** prf+ against a plain transcription of RFC 7296 §2.13, for lengths across block edges. */
  @Test
  void prfPlusMatchesTheDefinition() throws Exception {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] seed = "seed material".getBytes(US_ASCII);
    for (Prf prf : Prf.values()) {
      for (int length : new int[] {0, 1, prf.outputLength(), prf.outputLength() + 1, 132, 500}) {
        assertThat(prf.prfPlus(key, seed, length))
            .as("%s %d", prf, length)
            .isEqualTo(referencePrfPlus(prf, key, seed, length));
      }
    }
  }

  @Test
  void prfPlusStopsAt255Blocks() {
    byte[] key = new byte[32];
    assertThat(Prf.HMAC_SHA2_256.prfPlus(key, new byte[4], 255 * 32)).hasSize(255 * 32);
    assertThatThrownBy(() -> Prf.HMAC_SHA2_256.prfPlus(key, new byte[4], 255 * 32 + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] referencePrfPlus(Prf prf, byte[] key, byte[] seed, int length) throws Exception {
    String name =
        prf.name().equals("HMAC_SHA1") ? "HmacSHA1" : "HmacSHA" + prf.name().substring(10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int n = 1; out.size() < length; n++) {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(key, name));
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      input.write(t);
      input.write(seed);
      input.write(n);
      t = mac.doFinal(input.toByteArray());
      out.write(t);
    }
    return Arrays.copyOf(out.toByteArray(), length);
  }
}
