package io.mvpn.diameter.peer;

/** The watchdog states of RFC 3539 §3.4.1. */
public enum WatchdogState {
  INITIAL,
  OKAY,
  SUSPECT,
  DOWN,
  REOPEN
}
