package io.mvpn.ike.fabric;

/** Why an ESP datagram inside a Mobile IP tunnel was refused (seed 002 claim 24). */
public enum InnerEspRefusal {
  /** No SA of ours has its SPI, or it is too short to carry one. */
  UNKNOWN_SPI,
  /** Its outer source is not the peer the SA was negotiated with. */
  WRONG_PEER,
  /** Its sequence number was seen already, or is left of the window. */
  REPLAY,
  /** The ICV does not verify: altered on the way, or not from the peer. */
  ICV,
  /** Anything else ESP refuses: padding, next header, an expired SA. */
  OTHER,
  /** Decrypted, but what it carried is not from the peer's side of the selectors. */
  OUTSIDE_SELECTORS
}
