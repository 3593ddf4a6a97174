package io.mvpn.ike.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Group 31: X25519 (RFC 8031). KE data and shared secret are 32 bytes, little-endian u as RFC 7748
 * §5 writes it, which is also how Bouncy Castle's {@link X25519} takes and gives them: no
 * conversion. Bouncy Castle's constant-time field code keys about three times as many setups a
 * second as the JDK 17's XDH (see docs/benchmarks.md, IKE), and the bundle already ships it.
 */
final class X25519DiffieHellman extends DiffieHellman {

  static final int LENGTH = X25519.POINT_SIZE;

  private final byte[] scalar;
  private final byte[] publicValue = new byte[LENGTH];

  /** From a private scalar as RFC 7748 §5 writes it (clamped when used, not here). */
  X25519DiffieHellman(byte[] scalar) {
    super(CURVE25519);
    if (scalar.length != X25519.SCALAR_SIZE) {
      throw new IllegalArgumentException("an X25519 scalar is 32 bytes, not " + scalar.length);
    }
    this.scalar = scalar.clone();
    X25519.generatePublicKey(this.scalar, 0, publicValue, 0);
  }

  static byte[] generate(SecureRandom random) {
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, scalar);
    return scalar;
  }

  @Override
  public byte[] publicValue() {
    return publicValue.clone();
  }

  @Override
  public byte[] sharedSecret(byte[] peerPublic) throws IkeCryptoException {
    checkLength(CURVE25519, peerPublic, LENGTH);
    byte[] secret = new byte[LENGTH];
    // RFC 8031 §2: the recipient MUST check the result is not all zero (a small-order point).
    // Bouncy Castle answers false for it; checked here too so the rule does not rest on the
    // library. The u coordinate's top bit is masked and values of p and above are reduced, as
    // RFC 7748 §5 asks.
    if (!X25519.calculateAgreement(scalar, 0, peerPublic, 0, secret, 0) || Bytes.allZero(secret)) {
      throw new IkeCryptoException(
          IkeCryptoException.Reason.WEAK_SHARED_SECRET, "X25519 shared secret is all zero");
    }
    return secret;
  }
}
