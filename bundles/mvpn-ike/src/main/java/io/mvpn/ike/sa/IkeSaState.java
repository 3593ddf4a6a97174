package io.mvpn.ike.sa;

/** The life of an IKE SA, as each end sees it. */
public enum IkeSaState {
  /** Allocated, nothing sent or received yet. */
  CREATED,
  /** Initiator: the IKE_SA_INIT request is out (again, after a COOKIE or INVALID_KE_PAYLOAD). */
  INIT_SENT,
  /** IKE_SA_INIT done: keys derived, IKE_AUTH not yet through (a half-open SA at the responder). */
  INIT_DONE,
  /** Both ends authenticated. */
  ESTABLISHED,
  /**
   * Replaced by the IKE SA that a re-key made (§2.18), which holds its Child SAs now: it only waits
   * for the Delete that ends it.
   */
  REKEYED,
  /** Our DELETE of the IKE SA is out, waiting for the answer. */
  DELETING,
  /** Gone: deleted, failed or timed out; the engine no longer holds it. */
  DESTROYED
}
