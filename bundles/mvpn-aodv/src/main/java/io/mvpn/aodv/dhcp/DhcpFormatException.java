package io.mvpn.aodv.dhcp;

/**
 * Bytes on UDP 67 or 68 that are not a valid DHCP message (RFC 2131 §2, §3; RFC 2132). Stackless: a
 * flood of garbage costs a counter increment, not a stack walk per datagram.
 */
public final class DhcpFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What exactly was wrong, for per-reason drop counters. */
  public enum Reason {
    /** Shorter than the fixed BOOTP part and the magic cookie (240 bytes). */
    TRUNCATED,
    /** An op other than BOOTREQUEST (1) or BOOTREPLY (2), or a hardware length over 16. */
    BAD_HEADER,
    /** The four bytes after the fixed part are not 99.130.83.99 (RFC 2131 §3). */
    BAD_COOKIE,
    /** An option's length byte or data runs past the end of its field, or no End option. */
    TRUNCATED_OPTION,
    /** A known option with a length its definition forbids (RFC 2132), e.g. a 3-byte lease. */
    BAD_OPTION_LENGTH,
    /** A known option with a value its definition forbids, e.g. message type 0. */
    BAD_OPTION_VALUE
  }

  private final Reason reason;

  public DhcpFormatException(Reason reason, String message) {
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
