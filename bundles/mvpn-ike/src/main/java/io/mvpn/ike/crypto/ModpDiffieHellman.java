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

/**
 * Groups 14, 15 and 16: the 2048-, 3072- and 4096-bit MODP groups of RFC 3526 §3-5, generator 2,
 * through the JDK's "DH".
 */
final class ModpDiffieHellman extends DiffieHellman {

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

  /** RFC 3526 §4: 2^3072 - 2^3008 - 1 + 2^64 * { [2^2942 pi] + 1690314 }. */
  static final BigInteger P_3072 =
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
              + "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
              + "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
              + "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
              + "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
              + "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
              + "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
          16);

  /** RFC 3526 §5: 2^4096 - 2^4032 - 1 + 2^64 * { [2^3966 pi] + 240904 }. */
  static final BigInteger P_4096 =
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
              + "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
              + "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
              + "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
              + "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
              + "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
              + "43DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
              + "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA"
              + "2583E9CA2AD44CE8DBBBC2DB04DE8EF92E8EFC141FBECAA6"
              + "287C59474E6BC05D99B2964FA090C3A2233BA186515BE7ED"
              + "1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
              + "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C934063199"
              + "FFFFFFFFFFFFFFFF",
          16);

  static final BigInteger G = BigInteger.TWO;

  /** KE data and g^ir of group 14 are the modulus length, zero-padded (RFC 7296 §3.4, §2.14). */
  static final int LENGTH = 256;

  private final BigInteger p;
  private final int length;
  private final KeyPair keys;

  ModpDiffieHellman(KeyPair keys) {
    this(MODP_2048, keys);
  }

  ModpDiffieHellman(int group, KeyPair keys) {
    super(group);
    this.p = prime(group);
    this.length = (p.bitLength() + 7) / 8;
    this.keys = keys;
  }

  static boolean isModp(int group) {
    return group == MODP_2048 || group == MODP_3072 || group == MODP_4096;
  }

  /** The KE data length of a MODP group: its modulus in bytes. */
  static int length(int group) {
    return (prime(group).bitLength() + 7) / 8;
  }

  private static BigInteger prime(int group) {
    return switch (group) {
      case MODP_2048 -> P;
      case MODP_3072 -> P_3072;
      case MODP_4096 -> P_4096;
      default -> throw new IllegalArgumentException("MODP group " + group);
    };
  }

  /**
   * Private exponent bits: twice the group's strength as RFC 3526 §8 estimates it (up to 160, 210
   * and 240 bits); a full-size exponent only costs time.
   */
  private static int exponentBits(int group) {
    return switch (group) {
      case MODP_2048 -> 320;
      case MODP_3072 -> 420;
      default -> 480;
    };
  }

  static KeyPair generate(SecureRandom random) throws GeneralSecurityException {
    return generate(MODP_2048, random);
  }

  static KeyPair generate(int group, SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("DH");
    generator.initialize(new DHParameterSpec(prime(group), G, exponentBits(group)), random);
    return generator.generateKeyPair();
  }

  KeyPair keysForTest() {
    return keys;
  }

  @Override
  public byte[] publicValue() {
    return Bytes.fixedWidth(((DHPublicKey) keys.getPublic()).getY(), length);
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(group(), peerPublic, length);
    BigInteger y = Bytes.unsigned(peerPublic, 0, length);
    // p is a safe prime, so the only small subgroups are {1} and {1, p-1}: refusing 0, 1, p-1
    // and anything >= p leaves only elements of large order (RFC 6989 §2.1).
    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "MODP public value outside [2, p-2]");
    }
    try {
      PublicKey peer = KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, p, G));
      return Bytes.fixedWidth(new BigInteger(1, agree("DH", keys.getPrivate(), peer)), length);
    } catch (GeneralSecurityException e) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "MODP agreement: " + e.getMessage());
    }
  }
}
