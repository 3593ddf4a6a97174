package io.mvpn.ike.message;

/**
 * Bytes that are not a valid IKEv2 message (RFC 7296 §3). Stackless: a flood of garbage costs a
 * counter increment, not a stack walk per datagram. The {@link Reason} names the Notify an engine
 * answers a request with (§2.21.1, §3.10.1); for a response, or for a message that is not
 * authenticated yet, the engine usually drops it silently instead.
 */
public final class IkeFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What was wrong, as the Notify error type that reports it. */
  public enum Reason {
    /**
     * A length that is too short, runs past its container or leaves bytes over; an SK payload that
     * is not last; a field value the format forbids (§3.10.1 INVALID_SYNTAX).
     */
    INVALID_SYNTAX(NotifyPayload.INVALID_SYNTAX),
    /**
     * A payload of a type this codec does not know with the Critical bit set (§2.5, §3.2); {@link
     * #payloadType()} is the type, the one-byte Notification Data.
     */
    UNSUPPORTED_CRITICAL_PAYLOAD(NotifyPayload.UNSUPPORTED_CRITICAL_PAYLOAD),
    /** A header whose major version is above 2 (§2.5); the answer carries version 2.0. */
    INVALID_MAJOR_VERSION(NotifyPayload.INVALID_MAJOR_VERSION);

    private final int notifyType;

    Reason(int notifyType) {
      this.notifyType = notifyType;
    }

    /** The Notify Message Type that reports this error. */
    public int notifyType() {
      return notifyType;
    }
  }

  private final Reason reason;
  private final transient IkeHeader header;
  private final int payloadType;

  private IkeFormatException(Reason reason, String message, IkeHeader header, int payloadType) {
    super(message, null, false, false);
    this.reason = reason;
    this.header = header;
    this.payloadType = payloadType;
  }

  /** An {@link Reason#INVALID_SYNTAX} error. */
  public static IkeFormatException syntax(String message) {
    return new IkeFormatException(Reason.INVALID_SYNTAX, message, null, 0);
  }

  /** An {@link Reason#UNSUPPORTED_CRITICAL_PAYLOAD} error for payload type {@code payloadType}. */
  public static IkeFormatException unsupportedCritical(int payloadType) {
    return new IkeFormatException(
        Reason.UNSUPPORTED_CRITICAL_PAYLOAD,
        "unknown payload type " + payloadType + " with the critical bit",
        null,
        payloadType);
  }

  static IkeFormatException majorVersion(IkeHeader header) {
    return new IkeFormatException(
        Reason.INVALID_MAJOR_VERSION,
        String.format("IKE version 0x%02x", header.version()),
        header,
        0);
  }

  /** The same error, with the header of the message it was found in. */
  IkeFormatException withHeader(IkeHeader messageHeader) {
    return header != null
        ? this
        : new IkeFormatException(reason, super.getMessage(), messageHeader, payloadType);
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The message's header when its 28 bytes could be read (SPIs, exchange type, flags and message ID
   * are what an answer needs), or null for a datagram shorter than a header.
   */
  public IkeHeader header() {
    return header;
  }

  /** For {@link Reason#UNSUPPORTED_CRITICAL_PAYLOAD}, the unknown payload's type; else 0. */
  public int payloadType() {
    return payloadType;
  }

  /** The Notification Data of the answer: the payload type for an unsupported critical payload. */
  public byte[] notifyData() {
    return reason == Reason.UNSUPPORTED_CRITICAL_PAYLOAD
        ? new byte[] {(byte) payloadType}
        : new byte[0];
  }

  @Override
  public String getMessage() {
    return reason + ": " + super.getMessage();
  }
}
