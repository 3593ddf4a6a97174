package io.mvpn.ike.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiffieHellmanTest {

  static final HexFormat HEX = HexFormat.of();
  static final SecureRandom RANDOM = new SecureRandom();

  /** RFC 5903 §8.1: the 256-bit random ECP group. */
  @Test
  void rfc5903Group19() throws Exception {
    checkRfc5903(
        DiffieHellman.ECP_256,
        "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
        "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
            + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
        "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
        "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
            + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
        "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
  }

  /** RFC 5903 §8.2: the 384-bit random ECP group. */
  @Test
  void rfc5903Group20() throws Exception {
    checkRfc5903(
        DiffieHellman.ECP_384,
        "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
            + "E35B538041E649EE3FAEF896783AB194",
        "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
            + "DE3AC808ACB4BDB4C88732AEE95F41AA"
            + "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
            + "EB9FCFF3C2C947DAE69B4C634573A81C",
        "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
            + "E0308312916B8ED2960E4BD55A7448FC",
        "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
            + "0D1AC43A0336DEF96FDA41D0774A3571"
            + "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
            + "F83FA40142209DFF5EAAD96DB9E6386C",
        "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
            + "D603135569B9E9D09CF5D4A270F59746");
  }

  void checkRfc5903(int group, String i, String gi, String r, String gr, String girx)
      throws Exception {
    DiffieHellman initiator = DiffieHellman.of(group, ecKeys(group, i, gi));
    DiffieHellman responder = DiffieHellman.of(group, ecKeys(group, r, gr));
    // The KE data is x|y, fixed width, no 0x04 prefix.
    assertThat(initiator.publicValue()).isEqualTo(HEX.parseHex(gi));
    assertThat(responder.publicValue()).isEqualTo(HEX.parseHex(gr));
    // The shared secret is x alone, the same from both sides.
    assertThat(initiator.sharedSecret(HEX.parseHex(gr))).isEqualTo(HEX.parseHex(girx));
    assertThat(responder.sharedSecret(HEX.parseHex(gi))).isEqualTo(HEX.parseHex(girx));
    // The published public value is the private scalar times the generator: agreeing with G
    // gives i*G's x coordinate.
    ECParameterSpec params = ecParams(group);
    int width = gi.length() / 4;
    byte[] generator =
        Bytes.concat(
            Bytes.fixedWidth(params.getGenerator().getAffineX(), width),
            Bytes.fixedWidth(params.getGenerator().getAffineY(), width));
    assertThat(initiator.sharedSecret(generator))
        .isEqualTo(HEX.parseHex(gi.substring(0, 2 * width)));
  }

  @Test
  void ecpRefusesAPointOffTheCurve() throws Exception {
    DiffieHellman us = DiffieHellman.create(DiffieHellman.ECP_256, RANDOM);
    byte[] peer = DiffieHellman.create(DiffieHellman.ECP_256, RANDOM).publicValue();
    peer[63] ^= 1;
    assertThat(catchThrowableOfType(() -> us.sharedSecret(peer), IkeCryptoException.class).reason())
        .isEqualTo(IkeCryptoException.Reason.INVALID_PUBLIC_VALUE);
    byte[] zero = new byte[64];
    assertThat(catchThrowableOfType(() -> us.sharedSecret(zero), IkeCryptoException.class).reason())
        .isEqualTo(IkeCryptoException.Reason.INVALID_PUBLIC_VALUE);
  }

  @Test
  void ecpRefusesTheWrongLengthIncludingAPrefixedPoint() throws Exception {
    DiffieHellman us = DiffieHellman.create(DiffieHellman.ECP_384, RANDOM);
    byte[] peer = DiffieHellman.create(DiffieHellman.ECP_384, RANDOM).publicValue();
    byte[] prefixed = Bytes.concat(new byte[] {4}, peer);
    IkeCryptoException e =
        catchThrowableOfType(() -> us.sharedSecret(prefixed), IkeCryptoException.class);
    assertThat(e.reason()).isEqualTo(IkeCryptoException.Reason.KE_LENGTH);
    assertThat(e.reason().notifyType()).isEqualTo(IkeCryptoException.INVALID_SYNTAX);
    assertThat(us.publicValue()).hasSize(96);
  }

  /** RFC 7748 §6.1, through group 31 (RFC 8031 uses the same byte encoding). */
  @Test
  void rfc7748X25519() throws Exception {
    String alicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    String alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    String bobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    String bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    DiffieHellman alice = DiffieHellman.x25519(HEX.parseHex(alicePrivate));
    DiffieHellman bob = DiffieHellman.x25519(HEX.parseHex(bobPrivate));
    assertThat(HEX.formatHex(alice.publicValue())).isEqualTo(alicePublic);
    assertThat(HEX.formatHex(alice.sharedSecret(HEX.parseHex(bobPublic)))).isEqualTo(shared);
    assertThat(HEX.formatHex(bob.sharedSecret(HEX.parseHex(alicePublic)))).isEqualTo(shared);
    // X25519(k, 9) is the public key: the published one belongs to the published scalar.
    byte[] basePoint = new byte[32];
    basePoint[0] = 9;
    assertThat(HEX.formatHex(alice.sharedSecret(basePoint))).isEqualTo(alicePublic);
  }

  @Test
  void x25519RefusesSmallOrderPointsAndTheWrongLength() throws Exception {
    DiffieHellman us = DiffieHellman.create(DiffieHellman.CURVE25519, RANDOM);
    assertThat(us.publicValue()).hasSize(32);
    byte[] one = new byte[32];
    one[0] = 1;
    for (byte[] peer : new byte[][] {new byte[32], one}) {
      IkeCryptoException e =
          catchThrowableOfType(() -> us.sharedSecret(peer), IkeCryptoException.class);
      assertThat(e.reason()).isEqualTo(IkeCryptoException.Reason.WEAK_SHARED_SECRET);
    }
    assertThat(
            catchThrowableOfType(() -> us.sharedSecret(new byte[33]), IkeCryptoException.class)
                .reason())
        .isEqualTo(IkeCryptoException.Reason.KE_LENGTH);
  }

  /**
   * RFC 7748 §5: the top bit of the last byte is masked, and u of p or more is taken modulo p, so
   * both still agree (RFC 8031 §2 sends no other encoding, but a peer may).
   */
  @Test
  void x25519MasksTheTopBitAndReducesModuloP() throws Exception {
    DiffieHellman us = DiffieHellman.create(DiffieHellman.CURVE25519, RANDOM);
    byte[] peer = DiffieHellman.create(DiffieHellman.CURVE25519, RANDOM).publicValue();
    byte[] topBitSet = peer.clone();
    topBitSet[31] |= (byte) 0x80;
    assertThat(us.sharedSecret(topBitSet)).isEqualTo(us.sharedSecret(peer));
    // p + 9 = 2^255 - 10: the base point, so the secret is our own public value.
    byte[] basePointPlusP = new byte[32];
    Arrays.fill(basePointPlusP, (byte) 0xff);
    basePointPlusP[0] = (byte) 0xf6;
    basePointPlusP[31] = 0x7f;
    assertThat(us.sharedSecret(basePointPlusP)).isEqualTo(us.publicValue());
  }

  @Test
  void x25519FreshPartiesAgree() throws Exception {
    DiffieHellman a = DiffieHellman.create(DiffieHellman.CURVE25519, RANDOM);
    DiffieHellman b = DiffieHellman.create(DiffieHellman.CURVE25519, RANDOM);
    assertThat(a.sharedSecret(b.publicValue())).isEqualTo(b.sharedSecret(a.publicValue()));
  }

  @Test
  void modp2048PrimeIsTheSafePrimeOfRfc3526() {
    BigInteger p = ModpDiffieHellman.P;
    assertThat(p.bitLength()).isEqualTo(2048);
    assertThat(p.isProbablePrime(64)).isTrue();
    assertThat(p.shiftRight(1).isProbablePrime(64)).isTrue();
    // 2^2048 - 2^1984 - 1 + 2^64 * ([2^1918 pi] + 124476): check the fixed high and low words.
    assertThat(p.shiftRight(1984)).isEqualTo(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    assertThat(p.and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)))
        .isEqualTo(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
  }

  @Test
  void modp2048FreshPartiesAgreeOn256Bytes() throws Exception {
    DiffieHellman a = DiffieHellman.create(DiffieHellman.MODP_2048, RANDOM);
    DiffieHellman b = DiffieHellman.create(DiffieHellman.MODP_2048, RANDOM);
    assertThat(a.group()).isEqualTo(14);
    assertThat(a.publicValue()).hasSize(256);
    byte[] ab = a.sharedSecret(b.publicValue());
    assertThat(ab).hasSize(256).isEqualTo(b.sharedSecret(a.publicValue()));
    // Independently: g^ir = (g^r)^i mod p, zero-padded to 256 bytes.
    KeyPair keys = ((ModpDiffieHellman) a).keysForTest();
    BigInteger x = ((javax.crypto.interfaces.DHPrivateKey) keys.getPrivate()).getX();
    BigInteger expected = new BigInteger(1, b.publicValue()).modPow(x, ModpDiffieHellman.P);
    assertThat(ab).isEqualTo(Bytes.fixedWidth(expected, 256));
  }

  /**
   * Groups 15 and 16 are RFC 3526's safe primes: checked against the JDK's own "DH" defaults of
   * those sizes, which are the same MODP groups, and against the formula's fixed words.
   */
  @ParameterizedTest
  @CsvSource({"15, 3072", "16, 4096"})
  void modp3072And4096AreRfc3526sSafePrimesAndPartiesAgree(int group, int bits) throws Exception {
    var generator = java.security.KeyPairGenerator.getInstance("DH");
    generator.initialize(bits);
    BigInteger jdk =
        ((javax.crypto.interfaces.DHPublicKey) generator.generateKeyPair().getPublic())
            .getParams()
            .getP();
    BigInteger p = group == 15 ? ModpDiffieHellman.P_3072 : ModpDiffieHellman.P_4096;
    BigInteger ones = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    assertThat(p).isEqualTo(jdk);
    assertThat(p.bitLength()).isEqualTo(bits);
    assertThat(p.shiftRight(1).isProbablePrime(32)).isTrue();
    assertThat(p.shiftRight(bits - 64)).isEqualTo(ones);
    assertThat(p.and(ones)).isEqualTo(ones);

    DiffieHellman a = DiffieHellman.create(group, RANDOM);
    DiffieHellman b = DiffieHellman.create(group, RANDOM);
    assertThat(a.publicValue()).hasSize(bits / 8);
    assertThat(DiffieHellman.publicValueLength(group)).isEqualTo(bits / 8);
    byte[] ab = a.sharedSecret(b.publicValue());
    assertThat(ab).hasSize(bits / 8).isEqualTo(b.sharedSecret(a.publicValue()));
    assertThat(
            catchThrowableOfType(
                    () -> a.sharedSecret(Bytes.fixedWidth(p.subtract(BigInteger.ONE), bits / 8)),
                    IkeCryptoException.class)
                .reason())
        .isEqualTo(IkeCryptoException.Reason.INVALID_PUBLIC_VALUE);
  }

  @Test
  void modp2048RefusesDegenerateValues() throws Exception {
    DiffieHellman us = DiffieHellman.create(DiffieHellman.MODP_2048, RANDOM);
    BigInteger p = ModpDiffieHellman.P;
    for (BigInteger bad :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p}) {
      IkeCryptoException e =
          catchThrowableOfType(
              () -> us.sharedSecret(Bytes.fixedWidth(bad, 256)), IkeCryptoException.class);
      assertThat(e.reason())
          .as(bad.toString(16))
          .isEqualTo(IkeCryptoException.Reason.INVALID_PUBLIC_VALUE);
    }
    assertThat(
            catchThrowableOfType(() -> us.sharedSecret(new byte[255]), IkeCryptoException.class)
                .reason())
        .isEqualTo(IkeCryptoException.Reason.KE_LENGTH);
  }

  @Test
  void unsupportedGroupMapsToInvalidKePayload() {
    IkeCryptoException e =
        catchThrowableOfType(() -> DiffieHellman.create(2, RANDOM), IkeCryptoException.class);
    assertThat(e.reason()).isEqualTo(IkeCryptoException.Reason.UNSUPPORTED_GROUP);
    assertThat(e.reason().notifyType()).isEqualTo(IkeCryptoException.INVALID_KE_PAYLOAD);
    assertThat(DiffieHellman.isSupported(31)).isTrue();
    assertThat(DiffieHellman.publicValueLength(19)).isEqualTo(64);
    assertThat(DiffieHellman.publicValueLength(5)).isEqualTo(-1);
  }

  static ECParameterSpec ecParams(int group) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(EcpDiffieHellman.curveName(group)));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  static KeyPair ecKeys(int group, String scalar, String publicXy) throws Exception {
    ECParameterSpec params = ecParams(group);
    byte[] xy = HEX.parseHex(publicXy);
    int width = xy.length / 2;
    KeyFactory factory = KeyFactory.getInstance("EC");
    ECPoint w = new ECPoint(Bytes.unsigned(xy, 0, width), Bytes.unsigned(xy, width, width));
    return new KeyPair(
        factory.generatePublic(new ECPublicKeySpec(w, params)),
        factory.generatePrivate(new ECPrivateKeySpec(new BigInteger(scalar, 16), params)));
  }
}
