package io.mvpn.packet.mip;

/** Registration reply codes (RFC 5944 §3.4, RFC 3024 §3.4, RFC 3519 §8). */
public final class ReplyCode {

  public static final int ACCEPTED = 0;
  public static final int ACCEPTED_NO_SIMULTANEOUS = 1;

  // Denied by the foreign agent.
  public static final int FA_UNSPECIFIED = 64;
  public static final int FA_ADMIN_PROHIBITED = 65;
  public static final int FA_INSUFFICIENT_RESOURCES = 66;
  public static final int FA_MN_AUTH_FAILED = 67;
  public static final int FA_HA_AUTH_FAILED = 68;
  public static final int FA_LIFETIME_TOO_LONG = 69;
  public static final int FA_POORLY_FORMED_REQUEST = 70;
  public static final int FA_POORLY_FORMED_REPLY = 71;
  public static final int FA_ENCAPSULATION_UNAVAILABLE = 72;
  public static final int FA_REVERSE_TUNNEL_UNAVAILABLE = 74;
  public static final int FA_INVALID_COA = 77;
  public static final int FA_REGISTRATION_TIMEOUT = 78;
  public static final int FA_HOME_NETWORK_UNREACHABLE = 80;
  public static final int FA_HA_HOST_UNREACHABLE = 81;
  public static final int FA_HA_PORT_UNREACHABLE = 82;
  public static final int FA_HA_UNREACHABLE = 88;
  public static final int FA_INVALID_HA_ADDRESS = 194;

  // Denied by the foreign agent for its challenge/response (RFC 4721 §6, first RFC 3012).
  public static final int FA_UNKNOWN_CHALLENGE = 104;
  public static final int FA_MISSING_CHALLENGE = 105;
  public static final int FA_STALE_CHALLENGE = 106;
  public static final int FA_MN_AAA_AUTH_FAILED = 108;

  // Denied by the home agent.
  public static final int HA_UNSPECIFIED = 128;
  public static final int HA_ADMIN_PROHIBITED = 129;
  public static final int HA_INSUFFICIENT_RESOURCES = 130;
  public static final int HA_MN_AUTH_FAILED = 131;
  public static final int HA_FA_AUTH_FAILED = 132;
  public static final int HA_IDENTIFICATION_MISMATCH = 133;
  public static final int HA_POORLY_FORMED_REQUEST = 134;
  public static final int HA_TOO_MANY_BINDINGS = 135;
  public static final int HA_UNKNOWN_HA_ADDRESS = 136;
  public static final int HA_REVERSE_TUNNEL_UNAVAILABLE = 137;
  public static final int HA_UDP_ENCAPSULATION_UNAVAILABLE = 142;

  private ReplyCode() {}

  public static boolean isAccepted(int code) {
    return code == ACCEPTED || code == ACCEPTED_NO_SIMULTANEOUS;
  }

  /** A short name for logs and the shell: "accepted", "131 MN auth failed"... */
  public static String describe(int code) {
    String name =
        switch (code) {
          case ACCEPTED -> "accepted";
          case ACCEPTED_NO_SIMULTANEOUS -> "accepted, no simultaneous bindings";
          case FA_MN_AUTH_FAILED, HA_MN_AUTH_FAILED -> "MN auth failed";
          case FA_HA_AUTH_FAILED -> "HA auth failed";
          case HA_FA_AUTH_FAILED -> "FA auth failed";
          case FA_LIFETIME_TOO_LONG -> "lifetime too long";
          case FA_POORLY_FORMED_REQUEST, HA_POORLY_FORMED_REQUEST -> "poorly formed request";
          case FA_INVALID_COA -> "invalid care-of address";
          case FA_REGISTRATION_TIMEOUT -> "registration timeout";
          case FA_INSUFFICIENT_RESOURCES, HA_INSUFFICIENT_RESOURCES -> "insufficient resources";
          case FA_ADMIN_PROHIBITED, HA_ADMIN_PROHIBITED -> "administratively prohibited";
          case HA_IDENTIFICATION_MISMATCH -> "identification mismatch";
          case HA_TOO_MANY_BINDINGS -> "too many bindings";
          case HA_UNKNOWN_HA_ADDRESS -> "unknown home agent address";
          case FA_INVALID_HA_ADDRESS -> "invalid home agent address";
          case FA_UNKNOWN_CHALLENGE -> "unknown challenge";
          case FA_MISSING_CHALLENGE -> "missing challenge";
          case FA_STALE_CHALLENGE -> "stale challenge";
          case FA_MN_AAA_AUTH_FAILED -> "MN failed AAA authentication";
          case HA_REVERSE_TUNNEL_UNAVAILABLE, FA_REVERSE_TUNNEL_UNAVAILABLE ->
              "reverse tunnel unavailable";
          case HA_UDP_ENCAPSULATION_UNAVAILABLE -> "UDP encapsulation unavailable";
          default -> code < 128 ? "denied by FA" : "denied by HA";
        };
    return code <= 1 ? name : code + " " + name;
  }
}
