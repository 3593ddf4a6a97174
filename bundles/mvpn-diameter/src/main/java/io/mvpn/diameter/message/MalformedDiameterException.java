package io.mvpn.diameter.message;

/**
 * Bytes that are not a valid Diameter message, with the Result-Code RFC 6733 §7.1 prescribes for
 * the answer (for example 5014 INVALID_AVP_LENGTH, 5001 AVP_UNSUPPORTED) and, where one AVP is to
 * blame, that AVP for the answer's Failed-AVP (§7.5).
 */
public final class MalformedDiameterException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int resultCode;
  private final transient Avp failedAvp;
  private final transient DiameterMessage header;

  public MalformedDiameterException(int resultCode, String message) {
    this(resultCode, message, null);
  }

  public MalformedDiameterException(int resultCode, String message, Avp failedAvp) {
    this(resultCode, message, failedAvp, null);
  }

  private MalformedDiameterException(
      int resultCode, String message, Avp failedAvp, DiameterMessage header) {
    super(
        message.startsWith(ResultCode.name(resultCode))
            ? message
            : ResultCode.name(resultCode) + ": " + message);
    this.resultCode = resultCode;
    this.failedAvp = failedAvp;
    this.header = header;
  }

  /** The same error, knowing the header of the message it is in (to answer a request). */
  public MalformedDiameterException inMessage(DiameterMessage header) {
    return new MalformedDiameterException(resultCode, getMessage(), failedAvp, header);
  }

  /**
   * The header (no AVPs) of the offending message when it could be read, or null: a request's
   * header is what its error answer copies (§6.2).
   */
  public DiameterMessage header() {
    return header;
  }

  /** The Result-Code for the answer to the offending request. */
  public int resultCode() {
    return resultCode;
  }

  /** The AVP to return in Failed-AVP, or null when no single AVP is to blame. */
  public Avp failedAvp() {
    return failedAvp;
  }
}
