package io.mvpn.ipsec.esp;

/** Why an ESP packet was refused; stackless, counted per reason by its SA. */
public final class EspException extends Exception {

  private static final long serialVersionUID = 1L;

  public enum Reason {
    TRUNCATED,
    UNKNOWN_SPI,
    REPLAY,
    ICV,
    PADDING,
    NEXT_HEADER,
    /** The SA reached a hard lifetime or its sequence numbers ran out: it must be re-keyed. */
    EXPIRED
  }

  private final Reason reason;

  public EspException(Reason reason, String message) {
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
