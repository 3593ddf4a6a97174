package io.mvpn.ike.crypto;

/**
 * Why a cryptographic step refused its input. Stackless: a peer can provoke these at will, so they
 * must stay cheap. Each reason names the Notify error the engine answers with (RFC 7296 §3.10.1),
 * or 0 where the RFC wants the message dropped without an answer.
 */
public final class IkeCryptoException extends Exception {

  private static final long serialVersionUID = 1L;

  /** RFC 7296 §3.10.1 error types the reasons map to. */
  public static final int INVALID_SYNTAX = 7;

  public static final int INVALID_KE_PAYLOAD = 17;
  public static final int AUTHENTICATION_FAILED = 24;

  public enum Reason {
    /** A D-H group we do not implement: answer with the group we want (§1.3, §3.10.1). */
    UNSUPPORTED_GROUP(INVALID_KE_PAYLOAD),
    /** KE data of the wrong length for its group (§3.4: fixed per group). */
    KE_LENGTH(INVALID_SYNTAX),
    /** A public value outside the group: off the curve, 0, 1 or p-1 (RFC 6989). */
    INVALID_PUBLIC_VALUE(INVALID_SYNTAX),
    /** X25519 gave the all-zero secret: the peer sent a small-order point (RFC 8031 §2). */
    WEAK_SHARED_SECRET(INVALID_SYNTAX),
    /** An SK payload too short to hold an IV, the Pad Length byte and the ICV. */
    TRUNCATED(0),
    /** The ICV did not verify: the message is dropped silently (§2.21.1, §3.14). */
    ICV(0),
    /** The Pad Length byte points past the decrypted data of an authentic message. */
    PADDING(INVALID_SYNTAX),
    /** The peer signed with an AlgorithmIdentifier or method we do not accept (RFC 7427). */
    UNACCEPTED_SIGNATURE_ALGORITHM(AUTHENTICATION_FAILED),
    /** The AUTH payload did not verify. */
    BAD_SIGNATURE(AUTHENTICATION_FAILED);

    private final int notifyType;

    Reason(int notifyType) {
      this.notifyType = notifyType;
    }

    /** The Notify error type to answer with; 0: drop the message and answer nothing. */
    public int notifyType() {
      return notifyType;
    }
  }

  private final Reason reason;

  public IkeCryptoException(Reason reason, String message) {
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
