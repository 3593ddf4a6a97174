package io.mvpn.sam.kink;

/** A KINK message refused for a {@link KinkRefusal}: the receiver counts it and drops it. */
public final class KinkRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final KinkRefusal refusal;

  public KinkRefusedException(KinkRefusal refusal, String detail) {
    super(refusal + ": " + detail);
    this.refusal = refusal;
  }

  public KinkRefusal refusal() {
    return refusal;
  }
}
