package io.mvpn.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import javax.crypto.KeyAgreement;

/**
 * One side of one Diffie-Hellman exchange in an IKEv2 group (transform type 4): the KE payload data
 * we send and the shared secret g^ir from the peer's. Use an instance for one exchange only, then
 * drop it: a fresh key per exchange is what gives IKE its forward secrecy.
 *
 * <p>Every group encodes its values the IKE way, fixed width: MODP zero-padded to the modulus (RFC
 * 7296 §2.14, §3.4), ECP x|y and the shared x alone (RFC 5903 §7), Curve25519 the 32-byte
 * little-endian u (RFC 8031 §2). Peer values are checked before use, so a forged one fails with
 * {@link IkeCryptoException} instead of leaking bits of our key.
 */
public abstract class DiffieHellman {

  public static final int MODP_2048 = 14;
  public static final int MODP_3072 = 15;
  public static final int MODP_4096 = 16;
  public static final int ECP_256 = 19;
  public static final int ECP_384 = 20;
  public static final int CURVE25519 = 31;

  private final int group;

  DiffieHellman(int group) {
    this.group = group;
  }

  /**
   * A new key pair in {@code group}.
   *
   * @throws IkeCryptoException {@link IkeCryptoException.Reason#UNSUPPORTED_GROUP} for a group not
   *     implemented here
   */
  public static DiffieHellman create(int group, SecureRandom random) throws IkeCryptoException {
    try {
      switch (group) {
        case MODP_2048:
        case MODP_3072:
        case MODP_4096:
          return new ModpDiffieHellman(group, ModpDiffieHellman.generate(group, random));
        case ECP_256:
        case ECP_384:
          return EcpDiffieHellman.generate(group, random);
        case CURVE25519:
          return new X25519DiffieHellman(X25519DiffieHellman.generate(random));
        default:
          throw new IkeCryptoException(
              IkeCryptoException.Reason.UNSUPPORTED_GROUP, "D-H group " + group);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("D-H group " + group + " unavailable in this JVM", e);
    }
  }

  /** An exchange from a given key pair: for known-answer tests. */
  static DiffieHellman of(int group, KeyPair keys) {
    switch (group) {
      case MODP_2048:
      case MODP_3072:
      case MODP_4096:
        return new ModpDiffieHellman(group, keys);
      case ECP_256:
      case ECP_384:
        return EcpDiffieHellman.of(group, ((ECPrivateKey) keys.getPrivate()).getS());
      default:
        throw new IllegalArgumentException("D-H group " + group);
    }
  }

  /** A group 31 exchange from a given private scalar (RFC 7748 §5): for known-answer tests. */
  static DiffieHellman x25519(byte[] scalar) {
    return new X25519DiffieHellman(scalar);
  }

  public static boolean isSupported(int group) {
    return ModpDiffieHellman.isModp(group)
        || group == ECP_256
        || group == ECP_384
        || group == CURVE25519;
  }

  /** The KE data length of {@code group}, or -1 if it is not supported. */
  public static int publicValueLength(int group) {
    switch (group) {
      case MODP_2048:
      case MODP_3072:
      case MODP_4096:
        return ModpDiffieHellman.length(group);
      case ECP_256:
        return 64;
      case ECP_384:
        return 96;
      case CURVE25519:
        return X25519DiffieHellman.LENGTH;
      default:
        return -1;
    }
  }

  /** The transform ID (RFC 7296 §3.3.2, IANA "Transform Type 4"). */
  public int group() {
    return group;
  }

  /** The Key Exchange Data of our KE payload (§3.4); a fresh copy. */
  public abstract byte[] publicValue();

  /**
   * g^ir from the peer's Key Exchange Data, in the encoding SKEYSEED takes (§2.14).
   *
   * @throws IkeCryptoException when the peer's value has the wrong length, lies outside the group,
   *     or gives a degenerate secret
   */
  public abstract byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException;

  /** One JCE key agreement: our private key with the peer's public one. */
  static byte[] agree(String algorithm, PrivateKey ours, PublicKey peer)
      throws GeneralSecurityException {
    KeyAgreement agreement = KeyAgreement.getInstance(algorithm);
    agreement.init(ours);
    agreement.doPhase(peer, true);
    return agreement.generateSecret();
  }

  static void checkLength(int group, byte[] peerPublic, int expected) throws IkeCryptoException {
    if (peerPublic.length != expected) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.KE_LENGTH,
          "group " + group + " KE data is " + expected + " bytes, not " + peerPublic.length);
    }
  }
}
