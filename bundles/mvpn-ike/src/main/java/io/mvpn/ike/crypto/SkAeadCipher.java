package io.mvpn.ike.crypto;

import io.mvpn.ike.message.SkCipher;
import java.security.GeneralSecurityException;

/**
 * One side's SK cipher for an IKE SA with an AEAD, AES-GCM-16 (RFC 5282) or ChaCha20-Poly1305 (RFC
 * 7634): seals what it sends with its own SK_e and opens what it receives with the peer's. The
 * initiator sends with SK_ei, the responder with SK_er (RFC 7296 §2.14).
 */
public final class SkAeadCipher implements SkCipher {

  private final SkAead sender;
  private final SkAead receiver;

  private SkAeadCipher(SkAead sender, SkAead receiver) {
    this.sender = sender;
    this.receiver = receiver;
  }

  /** For the end that {@code initiated} the IKE SA, with the keys derived for it. */
  public static SkAeadCipher of(IkeSaKeys keys, boolean initiator) {
    return of(SkAead.Algorithm.AES_GCM_16, keys, initiator);
  }

  /** As {@link #of(IkeSaKeys, boolean)} with the AEAD the IKE SA negotiated. */
  public static SkAeadCipher of(SkAead.Algorithm algorithm, IkeSaKeys keys, boolean initiator) {
    byte[] send = initiator ? keys.skEi() : keys.skEr();
    byte[] receive = initiator ? keys.skEr() : keys.skEi();
    return new SkAeadCipher(
        SkAead.forSender(algorithm, send), SkAead.forReceiver(algorithm, receive));
  }

  @Override
  public int sealedLength(int plaintextLength) {
    return SkAead.sealedLength(plaintextLength);
  }

  @Override
  public byte[] seal(byte[] aad, byte[] plaintext) {
    return sender.seal(aad, plaintext);
  }

  @Override
  public byte[] open(byte[] aad, byte[] body) throws GeneralSecurityException {
    try {
      return receiver.open(aad, body);
    } catch (IkeCryptoException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }
}
