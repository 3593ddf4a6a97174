package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {

  static final HexFormat HEX = HexFormat.of();

  // An IKEv2 KDF known answer (SP 800-135 CAVS format, HMAC-SHA1, 132 bytes of DKM), as
  // published with libreswan's CAVS test driver.
  static final byte[] GIR =
      HEX.parseHex("4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52");
  static final byte[] GIR_NEW =
      HEX.parseHex("863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330");
  static final byte[] NI = HEX.parseHex("32b50d5f4a3763f3");
  static final byte[] NR = HEX.parseHex("9206a04b26564cb1");
  static final byte[] SPI_I = HEX.parseHex("34c9e7c188868785");
  static final byte[] SPI_R = HEX.parseHex("3ff77d760d2b2199");
  static final String SKEYSEED = "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7";
  static final byte[] DKM =
      HEX.parseHex(
          "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b"
              + "76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979"
              + "fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249520a"
              + "441a81157435a7a56cc4");
  static final byte[] DKM_CHILD =
      HEX.parseHex(
          "8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2"
              + "d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580"
              + "b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c"
              + "0a22f3e664994d234cb4");
  static final byte[] DKM_CHILD_DH =
      HEX.parseHex(
          "bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3"
              + "ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d"
              + "4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc0"
              + "6e27899c7054d56fd74c");
  static final String SKEYSEED_REKEY = "63e81194946ebd05df7df5ebf5d8750056bf1f1d";

  @Test
  void publishedKdfVectorSkeyseedAndDkm() {
    assertThat(DKM).hasSize(132);
    byte[] skeyseed = IkeSaKeys.skeyseed(Prf.HMAC_SHA1, NI, NR, GIR);
    assertThat(HEX.formatHex(skeyseed)).isEqualTo(SKEYSEED);
    assertThat(Prf.HMAC_SHA1.prfPlus(skeyseed, Bytes.concat(NI, NR, SPI_I, SPI_R), 132))
        .isEqualTo(DKM);
  }

  /** The seven keys are consecutive slices of DKM: SK_d, (no SK_a*), SK_ei, SK_er, SK_pi, SK_pr. */
  @Test
  void publishedKdfVectorSplitsIntoTheSevenKeys() {
    IkeSaKeys keys = IkeSaKeys.derive(Prf.HMAC_SHA1, 128, GIR, NI, NR, SPI_I, SPI_R);
    assertThat(keys.skD()).isEqualTo(slice(DKM, 0, 20));
    assertThat(keys.skAi()).isEmpty();
    assertThat(keys.skAr()).isEmpty();
    assertThat(keys.skEi()).isEqualTo(slice(DKM, 20, 20));
    assertThat(keys.skEr()).isEqualTo(slice(DKM, 40, 20));
    assertThat(keys.skPi()).isEqualTo(slice(DKM, 60, 20));
    assertThat(keys.skPr()).isEqualTo(slice(DKM, 80, 20));
  }

  @Test
  void publishedKdfVectorChildSaWithAndWithoutPfs() {
    byte[] skD = slice(DKM, 0, 20);
    ChildSaKeys plain = ChildSaKeys.derive(Prf.HMAC_SHA1, skD, 256, null, NI, NR);
    assertThat(plain.initiatorToResponder()).isEqualTo(slice(DKM_CHILD, 0, 36));
    assertThat(plain.responderToInitiator()).isEqualTo(slice(DKM_CHILD, 36, 36));
    ChildSaKeys pfs = ChildSaKeys.derive(Prf.HMAC_SHA1, skD, 128, GIR_NEW, NI, NR);
    assertThat(pfs.initiatorToResponder()).isEqualTo(slice(DKM_CHILD_DH, 0, 20));
    assertThat(pfs.responderToInitiator()).isEqualTo(slice(DKM_CHILD_DH, 20, 20));
  }

  @Test
  void publishedKdfVectorRekeySkeyseed() {
    byte[] seed = IkeSaKeys.rekeySkeyseed(Prf.HMAC_SHA1, slice(DKM, 0, 20), GIR_NEW, NI, NR);
    assertThat(HEX.formatHex(seed)).isEqualTo(SKEYSEED_REKEY);
  }

  /** HMAC-SHA2-256 and AES-256-GCM, against a straightforward reading of §2.14. */
  @Test
  void sha256DerivationMatchesAReferenceComputation() throws Exception {
    byte[] ni = filled(32, 0x11);
    byte[] nr = filled(32, 0x22);
    byte[] gir = filled(256, 0x33);
    byte[] spiI = HEX.parseHex("0102030405060708");
    byte[] spiR = HEX.parseHex("1112131415161718");
    IkeSaKeys keys = IkeSaKeys.derive(Prf.HMAC_SHA2_256, 256, gir, ni, nr, spiI, spiR);

    byte[] skeyseed = hmac("HmacSHA256", Bytes.concat(ni, nr), gir);
    byte[] stream = referencePrfPlus("HmacSHA256", skeyseed, Bytes.concat(ni, nr, spiI, spiR));
    assertThat(keys.skD()).isEqualTo(slice(stream, 0, 32));
    assertThat(keys.skEi()).isEqualTo(slice(stream, 32, 36));
    assertThat(keys.skEr()).isEqualTo(slice(stream, 68, 36));
    assertThat(keys.skPi()).isEqualTo(slice(stream, 104, 32));
    assertThat(keys.skPr()).isEqualTo(slice(stream, 136, 32));
    assertThat(keys.prf()).isEqualTo(Prf.HMAC_SHA2_256);
  }

  @Test
  void keyLengthsFollowTheTransforms() {
    byte[] spi = new byte[8];
    IkeSaKeys aes128 =
        IkeSaKeys.derive(
            Prf.HMAC_SHA2_384, 128, new byte[32], new byte[16], new byte[16], spi, spi);
    assertThat(aes128.skD()).hasSize(48);
    assertThat(aes128.skEi()).hasSize(20);
    assertThat(aes128.skEr()).hasSize(20);
    assertThat(aes128.skPi()).hasSize(48);
    assertThat(aes128.skPr()).hasSize(48);
    assertThatThrownBy(
            () -> IkeSaKeys.derive(Prf.HMAC_SHA2_256, 160, new byte[32], spi, spi, spi, spi))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                IkeSaKeys.derive(Prf.HMAC_SHA2_256, 128, new byte[32], spi, spi, new byte[4], spi))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** §2.18: SKEYSEED with the old SA's PRF and SK_d, prf+ with the new SA's PRF. */
  @Test
  void rekeyUsesTheOldPrfForSkeyseedAndTheNewOneForPrfPlus() throws Exception {
    byte[] spi = HEX.parseHex("a1a2a3a4a5a6a7a8");
    IkeSaKeys old =
        IkeSaKeys.derive(
            Prf.HMAC_SHA2_256, 128, filled(32, 1), filled(16, 2), filled(16, 3), spi, spi);
    byte[] ni = filled(24, 4);
    byte[] nr = filled(24, 5);
    byte[] girNew = filled(32, 6);
    byte[] spiI = HEX.parseHex("b1b2b3b4b5b6b7b8");
    byte[] spiR = HEX.parseHex("c1c2c3c4c5c6c7c8");
    IkeSaKeys fresh =
        IkeSaKeys.rekey(old, Prf.HMAC_SHA2_384, SkSuite.aesGcm(256), girNew, ni, nr, spiI, spiR);

    byte[] skeyseed = hmac("HmacSHA256", old.skD(), Bytes.concat(girNew, ni, nr));
    byte[] stream = referencePrfPlus("HmacSHA384", skeyseed, Bytes.concat(ni, nr, spiI, spiR));
    assertThat(fresh.skD()).isEqualTo(slice(stream, 0, 48));
    assertThat(fresh.skPr()).isEqualTo(slice(stream, 48 + 72 + 48, 48));
    assertThat(fresh.prf()).isEqualTo(Prf.HMAC_SHA2_384);
  }

  /** §2.17: i->r before r->i, and each half is what the ESP SA takes. */
  @Test
  void childKeysOrderAndTheEspSaAcceptsThem() throws Exception {
    byte[] skD = filled(32, 9);
    byte[] ni = filled(16, 7);
    byte[] nr = filled(16, 8);
    ChildSaKeys keys = ChildSaKeys.derive(Prf.HMAC_SHA2_256, skD, 128, null, ni, nr);
    byte[] keymat = referencePrfPlus("HmacSHA256", skD, Bytes.concat(ni, nr));
    assertThat(keys.initiatorToResponder()).isEqualTo(slice(keymat, 0, 20));
    assertThat(keys.responderToInitiator()).isEqualTo(slice(keymat, 20, 20));
    assertThat(keys.outbound(true)).isEqualTo(keys.inbound(false));
    assertThat(keys.inbound(true)).isEqualTo(keys.outbound(false));
    assertThat(keys.outbound(true)).isNotEqualTo(keys.inbound(true));

    Ipv4Address a = Ipv4Address.parse("192.0.2.1");
    Ipv4Address b = Ipv4Address.parse("192.0.2.2");
    for (int bits : new int[] {128, 256}) {
      ChildSaKeys k = ChildSaKeys.derive(Prf.HMAC_SHA2_256, skD, bits, filled(32, 1), ni, nr);
      new EspSecurityAssociation(
          0x1001, EspSecurityAssociation.Direction.OUTBOUND, a, b, k.outbound(true), false, 0);
      new EspSecurityAssociation(
          0x1002, EspSecurityAssociation.Direction.INBOUND, null, a, k.inbound(true), false, 64);
    }
    assertThatThrownBy(() -> ChildSaKeys.derive(Prf.HMAC_SHA2_256, skD, 192, null, ni, nr))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] slice(byte[] data, int offset, int length) {
    return Arrays.copyOfRange(data, offset, offset + length);
  }

  static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }

  static byte[] hmac(String algorithm, byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(key, algorithm));
    return mac.doFinal(data);
  }

  /** Ten blocks of T1 = prf(K, S|1), Tn = prf(K, Tn-1|S|n): more than any test here reads. */
  static byte[] referencePrfPlus(String algorithm, byte[] key, byte[] seed) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int n = 1; n <= 10; n++) {
      t = hmac(algorithm, key, Bytes.concat(t, seed, new byte[] {(byte) n}));
      out.write(t);
    }
    return out.toByteArray();
  }
}
