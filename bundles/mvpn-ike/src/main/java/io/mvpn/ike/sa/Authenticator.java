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

  /**
   * What the method adds to our IKE_SA_INIT message: N(SIGNATURE_HASH_ALGORITHMS) from either end
   * (RFC 7427 §4), CERTREQ from the responder (RFC 7296 §1.2). Nothing by default.
   *
   * @param initiator whether the message is the request
   */
  default List<IkePayload> initPayloads(boolean initiator) {
    return List.of();
  }

  /**
   * {@link #prove(Prf, byte[])} for {@code sa}, whose role and peer's IKE_SA_INIT message ({@link
   * IkeSa#peerInitMessage()}) a method may need: which hashes the peer accepts, whether to ask for
   * its certificate. The engine calls this one.
   */
  default List<IkePayload> prove(IkeSa sa, byte[] signedOctets) {
    return prove(sa.keys().prf(), signedOctets);
  }

  /** {@link #verify(Prf, byte[], IkeMessage)} for {@code sa}. The engine calls this one. */
  default boolean verify(IkeSa sa, byte[] signedOctets, IkeMessage peerMessage) {
    return verify(sa.keys().prf(), signedOctets, peerMessage);
  }
}
