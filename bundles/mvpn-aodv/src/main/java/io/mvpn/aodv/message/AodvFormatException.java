package io.mvpn.aodv.message;

/**
 * Bytes on UDP 654 that are not a valid AODV message (RFC 3561 §5). Stackless: a flood of garbage
 * costs a counter increment, not a stack walk per datagram.
 */
public final class AodvFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What exactly was wrong, for per-reason drop counters. */
  public enum Reason {
    /** Shorter than the fixed part of its type (for a RERR: than its DestCount entries). */
    TRUNCATED,
    /** A first byte that is none of RREQ, RREP, RERR, RREP-ACK. */
    UNKNOWN_TYPE,
    /** A message of one type handed to the parser of another. */
    WRONG_TYPE,
    /** A RERR whose DestCount is 0 (RFC 3561 §5.3: at least 1). */
    BAD_DESTINATION_COUNT,
    /** An extension whose Type/Length header or data runs past the end of the message. */
    TRUNCATED_EXTENSION,
    /** A known extension with the wrong length (Hello Interval is 4 bytes, §9.1). */
    BAD_EXTENSION_LENGTH,
    /** A known extension whose fields contradict each other or its place in the message. */
    BAD_EXTENSION_VALUE
  }

  private final Reason reason;

  public AodvFormatException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return reason + ": " + super.getMessage();
  }
}
