package io.mvpn.packet;

/**
 * Bytes that are not a valid packet of the protocol being parsed. Stackless: a flood of garbage
 * costs a counter increment, not a stack walk per datagram.
 */
public final class MalformedPacketException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What exactly was wrong, for per-reason drop counters. */
  public enum Reason {
    TRUNCATED,
    BAD_VERSION,
    BAD_IHL,
    BAD_TOTAL_LENGTH,
    BAD_HEADER_CHECKSUM,
    BAD_OPTIONS,
    BAD_FRAGMENT,
    BAD_UDP_LENGTH,
    BAD_UDP_CHECKSUM,
    /** A TCP data offset below 5 words or past the segment. */
    BAD_TCP_OFFSET,
    /** A TCP option whose length is below 2 or runs past the header. */
    BAD_TCP_OPTIONS,
    BAD_TCP_CHECKSUM,
    BAD_ICMP_CHECKSUM,
    BAD_ICMP_MESSAGE,
    NOT_IPIP,
    /** A Mobile IP message too short, of an unknown type, or with a broken fixed part. */
    BAD_MIP_MESSAGE,
    /** A Mobile IP extension that runs past the message, or a non-skippable unknown one. */
    BAD_MIP_EXTENSION,
    /** A Security Information Update too short, of another version, or with broken lengths. */
    BAD_SIU,
    /** A link association frame too short, of another version or message, or cut. */
    BAD_LINK_FRAME
  }

  private final Reason reason;

  public MalformedPacketException(Reason reason, String message) {
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
