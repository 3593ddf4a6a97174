package io.mvpn.ike.sa;

import io.mvpn.ike.crypto.Prf;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import java.util.List;

/**
 * How one end proves itself in IKE_AUTH and checks the peer (RFC 7296 §2.15). The signed octets are
 * the same for every method; what differs is the payloads that carry the proof (a certificate
 * method adds CERT and CERTREQ next to AUTH) and how a peer's proof is checked.
 */
public interface Authenticator {

  /**
   * Our proof over {@code signedOctets}: the AUTH payload, preceded by whatever the method needs
   * (CERT payloads), in the order they go into the message.
   */
  List<IkePayload> prove(Prf prf, byte[] signedOctets);

  /**
   * Whether the peer's message (decrypted; its IDx, AUTH and any CERT payloads) proves the peer's
   * identity over {@code signedOctets}.
   */
  boolean verify(Prf prf, byte[] signedOctets, IkeMessage peerMessage);
}
