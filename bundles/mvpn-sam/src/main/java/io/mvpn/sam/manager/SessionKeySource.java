package io.mvpn.sam.manager;

import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;

/**
 * Where a security association manager gets a session key for a peer (seed 000 c17-18): a ticket
 * for the peer's service principal from the realm's KDC, whose session key both ends can hold.
 */
public interface SessionKeySource {

  /**
   * A fresh service ticket for {@code servicePrincipal} and its session key: one TGS exchange with
   * the KDC (and an AS exchange first when the manager's own TGT has run out). The manager both
   * keys SAs from the session key and authenticates to the peer with the ticket.
   *
   * @throws KdcUnavailableException when the KDC cannot be reached or refuses
   */
  SgtTicket ticket(String servicePrincipal) throws KdcUnavailableException;

  /** The KDC could not give a session key: unreachable, or an error it answered with. */
  final class KdcUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean principalUnknown;

    public KdcUnavailableException(String message, Throwable cause) {
      this(message, cause, false);
    }

    /** {@code principalUnknown}: the KDC answered that the service principal does not exist. */
    public KdcUnavailableException(String message, Throwable cause, boolean principalUnknown) {
      super(message, cause);
      this.principalUnknown = principalUnknown;
    }

    /** The KDC answered, and the principal asked for is not in its realm: asking again is moot. */
    public boolean principalUnknown() {
      return principalUnknown;
    }
  }
}
