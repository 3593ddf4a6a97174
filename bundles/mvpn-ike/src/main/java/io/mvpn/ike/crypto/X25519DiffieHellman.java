package io.mvpn.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;

/**
 * Group 31: X25519 (RFC 8031). KE data and shared secret are 32 bytes, little-endian as RFC 7748 §5
 * writes u; the JDK's XDH works on a BigInteger u, so this class does the byte order.
 */
final class X25519DiffieHellman extends DiffieHellman {

  static final int LENGTH = 32;

  private final KeyPair keys;

  X25519DiffieHellman(KeyPair keys) {
    super(CURVE25519);
    this.keys = keys;
  }

  static KeyPair generate(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
    generator.initialize(NamedParameterSpec.X25519, random);
    return generator.generateKeyPair();
  }

  @Override
  public byte[] publicValue() {
    return encode(((XECPublicKey) keys.getPublic()).getU());
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(CURVE25519, peerPublic, LENGTH);
    byte[] secret;
    try {
      PublicKey peer =
          KeyFactory.getInstance("XDH")
              .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decode(peerPublic)));
      secret = agree("XDH", keys.getPrivate(), peer);
    } catch (InvalidKeyException e) {
      // The JDK refuses a small-order point by the all-zero result it gives (RFC 7748 §6.1).
      throw new IkeCryptoException(
          IkeCryptoException.Reason.WEAK_SHARED_SECRET, "X25519: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.INVALID_PUBLIC_VALUE, "X25519: " + e.getMessage());
    }
    // RFC 8031 §2: the recipient MUST check the result is not all zero. Checked here too, so the
    // rule does not rest on the provider.
    if (Bytes.allZero(secret)) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.WEAK_SHARED_SECRET, "X25519 shared secret is all zero");
    }
    return secret;
  }

  /** u as 32 little-endian bytes (RFC 7748 §5 encodeUCoordinate). */
  static byte[] encode(BigInteger u) {
    byte[] bigEndian = Bytes.fixedWidth(u, LENGTH);
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = bigEndian[LENGTH - 1 - i];
    }
    return out;
  }

  /**
   * RFC 7748 §5 decodeUCoordinate: little-endian, the top bit of the last byte masked. Values of p
   * and above are accepted and reduced, as the RFC asks.
   */
  static BigInteger decode(byte[] littleEndian) {
    byte[] bigEndian = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      bigEndian[i] = littleEndian[LENGTH - 1 - i];
    }
    bigEndian[0] &= 0x7f;
    return new BigInteger(1, bigEndian);
  }
}
