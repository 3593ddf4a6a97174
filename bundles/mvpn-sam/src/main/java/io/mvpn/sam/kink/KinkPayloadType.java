package io.mvpn.sam.kink;

/**
 * KINK's Next Payload values (RFC 4430 §4.2, as the KINK implementation of the RFC's authors,
 * racoon2, numbers them). Wireshark's dissector follows an earlier draft that numbered them 14-21;
 * docs/protocols.md ("KINK") says what that means for captures.
 */
public enum KinkPayloadType {
  DONE(0),
  AP_REQ(1),
  AP_REP(2),
  KRB_ERROR(3),
  TGT_REQ(4),
  TGT_REP(5),
  ISAKMP(6),
  ENCRYPT(7),
  ERROR(8),
  /** mvpn's SAM extension (private use, only inside KINK_ENCRYPT): the peer a node asks for. */
  SAM_PEER(128),
  /** mvpn's SAM extension (private use, only inside KINK_ENCRYPT): one node's half of a pair. */
  SAM_SA(129);

  private final int code;

  KinkPayloadType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null for one KINK does not define. */
  public static KinkPayloadType of(int code) {
    for (KinkPayloadType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
