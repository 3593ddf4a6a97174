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

  private final byte[] secret;

  public PskAuthenticator(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("empty pre-shared key");
    }
    this.secret = secret.clone();
  }

  @Override
  public List<IkePayload> prove(Prf prf, byte[] signedOctets) {
    return List.of(
        new AuthenticationPayload(
            AuthenticationPayload.SHARED_KEY_MIC,
            Octets.of(AuthOctets.sharedKeyAuth(prf, secret, signedOctets))));
  }

  @Override
  public boolean verify(Prf prf, byte[] signedOctets, IkeMessage peerMessage) {
    AuthenticationPayload auth = peerMessage.first(AuthenticationPayload.class);
    return auth != null
        && auth.method() == AuthenticationPayload.SHARED_KEY_MIC
        && AuthOctets.sharedKeyAuthMatches(prf, secret, signedOctets, auth.data().toByteArray());
  }
}
