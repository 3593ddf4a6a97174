package io.mvpn.diameter.peer;

/** The peer states of RFC 6733 §5.6. */
public enum PeerState {
  CLOSED,
  WAIT_CONN_ACK,
  WAIT_I_CEA,
  WAIT_CONN_ACK_ELECT,
  WAIT_RETURNS,
  R_OPEN,
  I_OPEN,
  CLOSING;

  public boolean isOpen() {
    return this == R_OPEN || this == I_OPEN;
  }
}
