package io.mvpn.diameter.peer;

/** Disconnect-Cause values (RFC 6733 §5.4.3). */
public enum DisconnectCause {
  REBOOTING,
  BUSY,
  DO_NOT_WANT_TO_TALK_TO_YOU;

  public static DisconnectCause of(long value) {
    return value >= 0 && value < values().length
        ? values()[(int) value]
        : DO_NOT_WANT_TO_TALK_TO_YOU;
  }
}
