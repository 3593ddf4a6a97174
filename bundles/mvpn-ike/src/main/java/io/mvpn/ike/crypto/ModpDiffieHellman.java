package io.mvpn.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;

/** Group 14: the 2048-bit MODP group of RFC 3526 §3, through the JDK's "DH". */
final class ModpDiffieHellman extends DiffieHellman {

  /** KE data and g^ir are the modulus length, zero-padded on the left (RFC 7296 §3.4, §2.14). */
  static final int LENGTH = 256;

  /** RFC 3526 §3: 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }, a safe prime. */
  static final BigInteger P =
      new BigInteger(
          "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
              + "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
              + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
              + "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
              + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
              + "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
              + "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
              + "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
              + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
              + "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
              + "15728E5A8AACAA68FFFFFFFFFFFFFFFF",
          16);

  static final BigInteger G = BigInteger.TWO;

  /**
   * Private exponent bits: RFC 3526 §8 puts the 2048-bit group's strength at 110-160 bits, and an
   * exponent of twice that is enough; a full-size one only costs time.
   */
  private static final int EXPONENT_BITS = 320;

  private static final DHParameterSpec PARAMS = new DHParameterSpec(P, G, EXPONENT_BITS);
  private static final BigInteger P_MINUS_1 = P.subtract(BigInteger.ONE);

  private final KeyPair keys;

  ModpDiffieHellman(KeyPair keys) {
    super(MODP_2048);
    this.keys = keys;
  }

  static KeyPair generate(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("DH");
    generator.initialize(PARAMS, random);
    return generator.generateKeyPair();
  }

  KeyPair keysForTest() {
    return keys;
  }

  @Override
  public byte[] publicValue() {
    return Bytes.fixedWidth(((DHPublicKey) keys.getPublic()).getY(), LENGTH);
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(MODP_2048, peerPublic, LENGTH);
    BigInteger y = Bytes.unsigned(peerPublic, 0, LENGTH);
    // p is a safe prime, so the only small subgroups are {1} and {1, p-1}: refusing 0, 1, p-1
    // and anything >= p leaves only elements of large order (RFC 6989 §2.1).
    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(P_MINUS_1) >= 0) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "MODP public value outside [2, p-2]");
    }
    try {
      PublicKey peer = KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, P, G));
      return Bytes.fixedWidth(new BigInteger(1, agree("DH", keys.getPrivate(), peer)), LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "MODP agreement: " + e.getMessage());
    }
  }
}
