package io.mvpn.mobilenode.correspondent;

/** Why a correspondent refused a binding update; each is counted, none changes the cache. */
public enum Refusal {
  /** Not a route optimisation message, or a broken one. */
  MALFORMED,
  /** A home address outside the realm this correspondent serves (another tenant's, say). */
  OUTSIDE_REALM,
  /** No mobility security association for that home address and SPI. */
  NO_ASSOCIATION,
  /** The authenticator does not match the association's key. */
  BAD_AUTHENTICATOR,
  /** The identification's timestamp is further from our clock than the tolerated skew. */
  STALE,
  /** The identification is not above the last one accepted for that home address. */
  REPLAYED
}
