package io.mvpn.sam.kink;

/** The Type octet of a KINK header (RFC 4430 §4). */
public enum KinkMessageType {
  CREATE(1),
  DELETE(2),
  REPLY(3),
  GETTGT(4),
  ACK(5),
  STATUS(6),
  /**
   * mvpn's SAM extension (private-use range, docs/protocols.md "KINK"): a node asks its security
   * association manager for an SA with a peer named in a sealed KINK_SAM_PEER.
   */
  SAM_REQUEST(128),
  /** The manager's answer to SAM_REQUEST: a sealed KINK_SAM_SA, or a KINK_ERROR. */
  SAM_GRANT(129),
  /** The manager hands the peer its half of a pair (a sealed KINK_SAM_SA); answered by REPLY. */
  SAM_INSTALL(130);

  private final int code;

  KinkMessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null (0 is reserved; 7-127 unassigned; 128-255 private). */
  public static KinkMessageType of(int code) {
    for (KinkMessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
