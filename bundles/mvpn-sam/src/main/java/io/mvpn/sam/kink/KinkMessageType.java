package io.mvpn.sam.kink;

/** The Type octet of a KINK header (RFC 4430 §4). */
public enum KinkMessageType {
  CREATE(1),
  DELETE(2),
  REPLY(3),
  GETTGT(4),
  ACK(5),
  STATUS(6);

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
