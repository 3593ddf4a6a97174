package io.mvpn.ike.sa;

import io.mvpn.ike.crypto.Prf;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NoncePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Stateless responder cookies (RFC 7296 §2.6): {@code Cookie = HMAC(secret, Ni | IPi | SPIi)}, so
 * the responder keeps nothing for an initiator until it has shown it receives at its address. The
 * secret lives as long as the engine (no rotation yet).
 */
final class Cookies {

  private final byte[] secret = new byte[32];

  Cookies(SecureRandom random) {
    random.nextBytes(secret);
  }

  /** The cookie for this request from this address; null if the request has no nonce. */
  Octets cookie(IkeMessage request, Endpoint from) {
    NoncePayload ni = request.first(NoncePayload.class);
    if (ni == null) {
      return null;
    }
    return Octets.of(
        Prf.HMAC_SHA2_256.prf(
            secret,
            ni.data().toByteArray(),
            from.address().toBytes(),
            IkeSa.spiBytes(request.header().spiI())));
  }

  /** Whether the request starts with the cookie we would give it (§2.6: the COOKIE comes first). */
  boolean valid(IkeMessage request, Endpoint from) {
    if (request.payloads().isEmpty()) {
      return false;
    }
    IkePayload first = request.payloads().get(0);
    Octets expected = cookie(request, from);
    return first instanceof NotifyPayload n
        && n.notifyType() == NotifyPayload.COOKIE
        && expected != null
        && MessageDigest.isEqual(expected.toByteArray(), n.data().toByteArray());
  }
}
