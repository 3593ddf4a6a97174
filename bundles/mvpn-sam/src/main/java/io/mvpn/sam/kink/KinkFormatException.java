package io.mvpn.sam.kink;

/**
 * A KINK datagram that cannot be read: what is wrong, and the KINK_ERROR code (RFC 4430 §4.2.8) a
 * responder answers it with. Bad input is data: the receiver counts it by {@link #reason()} and
 * drops it.
 */
public final class KinkFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What made the datagram unreadable. */
  public enum Reason {
    /** Shorter than its header, its Length, or a payload's length says. */
    TRUNCATED(KinkPayload.Error.PROTOERR),
    /** A length field that contradicts another (CksumLen beyond the message, a short body). */
    BAD_LENGTH(KinkPayload.Error.PROTOERR),
    /** Major version other than 1. */
    INVALID_MAJOR_VERSION(KinkPayload.Error.INVMAJ),
    /** DOI other than IPsec (1). */
    INVALID_DOI(KinkPayload.Error.INVDOI),
    /** A message Type KINK does not define. */
    UNKNOWN_MESSAGE_TYPE(KinkPayload.Error.PROTOERR),
    /** A Next Payload value KINK does not define. */
    UNKNOWN_PAYLOAD(KinkPayload.Error.PROTOERR),
    /** A payload after KINK_ENCRYPT, which must be the last. */
    PAYLOAD_AFTER_ENCRYPT(KinkPayload.Error.PROTOERR),
    /** KINK_ENCRYPT whose integrity check fails under the session key: forged or damaged. */
    UNDECRYPTABLE(KinkPayload.Error.PROTOERR),
    /** A KINK_ISAKMP payload of a Quick Mode version other than 1.0. */
    BAD_QUICK_MODE_VERSION(KinkPayload.Error.BADQMVERS),
    /** A SAM extension payload outside KINK_ENCRYPT, where its keys would travel in clear. */
    SAM_PAYLOAD_IN_CLEAR(KinkPayload.Error.PROTOERR),
    /** A KINK_SAM_PEER or KINK_SAM_SA whose fields contradict each other or the suite. */
    BAD_SAM_PAYLOAD(KinkPayload.Error.PROTOERR);

    private final int kinkError;

    Reason(int kinkError) {
      this.kinkError = kinkError;
    }

    /** The KINK_ERROR ErrorCode that reports this to the sender. */
    public int kinkError() {
      return kinkError;
    }
  }

  private final Reason reason;

  public KinkFormatException(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
