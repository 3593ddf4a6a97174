package io.mvpn.sam.kdc;

/** A KDC operation that failed: an unknown or duplicate principal, a keytab not written. */
public final class KdcException extends Exception {

  private static final long serialVersionUID = 1L;

  public KdcException(String message, Throwable cause) {
    super(message, cause);
  }

  public KdcException(String message) {
    super(message);
  }
}
