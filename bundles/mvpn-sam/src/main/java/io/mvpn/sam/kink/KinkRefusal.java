package io.mvpn.sam.kink;

/**
 * Why a KINK message that could be read was still refused: its Kerberos authentication or its
 * integrity failed, or it does not belong to any exchange. Bad input is data: counted by reason,
 * dropped, and nothing the sender asked for is done.
 */
public enum KinkRefusal {
  /** Unreadable as KINK (the {@link KinkFormatException.Reason} says more). */
  MALFORMED,
  /** A command without a KINK_AP_REQ, or a message whose payloads are not the type's. */
  MISSING_PAYLOAD,
  /** An AP-REQ that is not DER, or names a service or key this receiver does not hold. */
  BAD_AP_REQ,
  /** A ticket that does not decrypt under the service key, or an authenticator under its key. */
  BAD_TICKET,
  /** A ticket outside its start and end times (RFC 4120 §3.2.3). */
  TICKET_EXPIRED,
  /** An authenticator whose client is not the ticket's client. */
  CLIENT_MISMATCH,
  /** An authenticator's time further from the receiver's clock than the allowed skew. */
  CLOCK_SKEW,
  /** An authenticator seen before: a replayed message (RFC 4120 §3.2.3, RFC 4430 §4). */
  REPLAY,
  /** A checksum that does not verify under the session key: forged or damaged. */
  BAD_CHECKSUM,
  /** A KINK_ENCRYPT that does not open under the session key. */
  UNDECRYPTABLE,
  /** An AP-REP that does not prove the key, or answers another AP-REQ. */
  BAD_AP_REP,
  /** A reply whose XID answers nothing outstanding. */
  UNKNOWN_XID,
  /**
   * A command under an XID its sender used lately for a different one (another content, or another
   * ticket): a retransmission repeats its command, so this is no retransmission and is not served.
   */
  XID_REUSED,
  /** A message type the receiver has no business getting, or from a principal not allowed it. */
  UNEXPECTED
}
