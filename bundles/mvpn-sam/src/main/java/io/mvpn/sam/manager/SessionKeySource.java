package io.mvpn.sam.manager;

import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;

/**
 * Where a security association manager gets a session key for a peer (seed 000 c17-18): a ticket
 * for the peer's service principal from the realm's KDC, whose session key both ends can hold.
 */
public interface SessionKeySource {

  /**
   * The session key of a fresh service ticket for {@code servicePrincipal}: one TGS exchange with
   * the KDC (and an AS exchange first when the manager's own TGT has run out).
   *
   * @throws KdcUnavailableException when the KDC cannot be reached or refuses
   */
  EncryptionKey sessionKey(String servicePrincipal) throws KdcUnavailableException;

  /** The KDC could not give a session key: unreachable, or an error it answered with. */
  final class KdcUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KdcUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
