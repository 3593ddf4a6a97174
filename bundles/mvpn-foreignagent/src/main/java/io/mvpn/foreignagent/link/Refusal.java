package io.mvpn.foreignagent.link;

/** Why the access point refused a handshake frame; each is counted, none changes state. */
public enum Refusal {
  /** Bytes that are not an association frame. */
  MALFORMED,
  /** A node whose identity has no master key here. */
  UNKNOWN_NODE,
  /** A message that does not follow the one the access point sent last to that station. */
  UNEXPECTED,
  /** A replay counter other than the one of the access point's last message. */
  REPLAYED_COUNTER,
  /** A MIC that the derived key confirmation key did not make. */
  BAD_MIC
}
