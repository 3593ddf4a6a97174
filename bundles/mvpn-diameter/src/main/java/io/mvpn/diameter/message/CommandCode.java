package io.mvpn.diameter.message;

/** Command codes (RFC 6733 §3.1, RFC 7155 §3). */
public final class CommandCode {

  public static final int CAPABILITIES_EXCHANGE = 257;
  public static final int RE_AUTH = 258;
  public static final int AA = 265;
  public static final int ACCOUNTING = 271;
  public static final int ABORT_SESSION = 274;
  public static final int SESSION_TERMINATION = 275;
  public static final int DEVICE_WATCHDOG = 280;
  public static final int DISCONNECT_PEER = 282;

  private CommandCode() {}

  /** Whether {@code code} is one of the commands above, which the node's dictionary knows. */
  public static boolean isKnown(int code) {
    return !abbreviation(code, true).startsWith("cmd");
  }

  /** Short name for logs and the shell, e.g. "CER" for a request of 257. */
  public static String abbreviation(int code, boolean request) {
    String stem =
        switch (code) {
          case CAPABILITIES_EXCHANGE -> "CE";
          case RE_AUTH -> "RA";
          case AA -> "AA";
          case ACCOUNTING -> "AC";
          case ABORT_SESSION -> "AS";
          case SESSION_TERMINATION -> "ST";
          case DEVICE_WATCHDOG -> "DW";
          case DISCONNECT_PEER -> "DP";
          default -> "cmd" + code + "-";
        };
    return stem + (request ? "R" : "A");
  }
}
