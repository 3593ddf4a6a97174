package io.mvpn.ike.sa;

import io.mvpn.ike.crypto.AuthOctets;
import io.mvpn.ike.crypto.Prf;
import io.mvpn.ike.message.AuthenticationPayload;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.Octets;
import java.util.List;

/** Shared-key authentication, method 2 (RFC 7296 §2.15): both ends MAC with one secret. */
public final class PskAuthenticator implements Authenticator {

  /**
   * prf(secret, "Key Pad for IKEv2") per PRF, by {@link Prf#ordinal()}: the MAC key of every AUTH
   * this authenticator makes or checks, derived here once rather than twice per IKE_AUTH. The
   * secret itself is not kept.
   */
  private final byte[][] keyPads;

  public PskAuthenticator(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("empty pre-shared key");
    }
    Prf[] prfs = Prf.values();
    keyPads = new byte[prfs.length][];
    for (Prf prf : prfs) {
      keyPads[prf.ordinal()] = AuthOctets.sharedKeyPad(prf, secret);
    }
  }

  @Override
  public List<IkePayload> prove(Prf prf, byte[] signedOctets) {
    return List.of(
        new AuthenticationPayload(
            AuthenticationPayload.SHARED_KEY_MIC,
            Octets.of(AuthOctets.sharedKeyAuthWithPad(prf, keyPads[prf.ordinal()], signedOctets))));
  }

  @Override
  public boolean verify(Prf prf, byte[] signedOctets, IkeMessage peerMessage) {
    AuthenticationPayload auth = peerMessage.first(AuthenticationPayload.class);
    return auth != null
        && auth.method() == AuthenticationPayload.SHARED_KEY_MIC
        && AuthOctets.sharedKeyAuthMatchesWithPad(
            prf, keyPads[prf.ordinal()], signedOctets, auth.data().toByteArray());
  }
}
