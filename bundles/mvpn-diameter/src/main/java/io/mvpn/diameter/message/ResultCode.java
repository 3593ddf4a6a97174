package io.mvpn.diameter.message;

/** Result-Code values (RFC 6733 §7.1) and their names, for answers, logs and the shell. */
public final class ResultCode {

  public static final int MULTI_ROUND_AUTH = 1001;
  public static final int SUCCESS = 2001;
  public static final int LIMITED_SUCCESS = 2002;
  public static final int COMMAND_UNSUPPORTED = 3001;
  public static final int UNABLE_TO_DELIVER = 3002;
  public static final int REALM_NOT_SERVED = 3003;
  public static final int TOO_BUSY = 3004;
  public static final int LOOP_DETECTED = 3005;
  public static final int REDIRECT_INDICATION = 3006;
  public static final int APPLICATION_UNSUPPORTED = 3007;
  public static final int INVALID_HDR_BITS = 3008;
  public static final int INVALID_AVP_BITS = 3009;
  public static final int UNKNOWN_PEER = 3010;
  public static final int AUTHENTICATION_REJECTED = 4001;
  public static final int OUT_OF_SPACE = 4002;
  public static final int ELECTION_LOST = 4003;
  public static final int AVP_UNSUPPORTED = 5001;
  public static final int UNKNOWN_SESSION_ID = 5002;
  public static final int AUTHORIZATION_REJECTED = 5003;
  public static final int INVALID_AVP_VALUE = 5004;
  public static final int MISSING_AVP = 5005;
  public static final int RESOURCES_EXCEEDED = 5006;
  public static final int CONTRADICTING_AVPS = 5007;
  public static final int AVP_NOT_ALLOWED = 5008;
  public static final int AVP_OCCURS_TOO_MANY_TIMES = 5009;
  public static final int NO_COMMON_APPLICATION = 5010;
  public static final int UNSUPPORTED_VERSION = 5011;
  public static final int UNABLE_TO_COMPLY = 5012;
  public static final int INVALID_BIT_IN_HEADER = 5013;
  public static final int INVALID_AVP_LENGTH = 5014;
  public static final int INVALID_MESSAGE_LENGTH = 5015;
  public static final int INVALID_AVP_BIT_COMBO = 5016;
  public static final int NO_COMMON_SECURITY = 5017;

  private ResultCode() {}

  /** Protocol errors (3xxx) travel in answers with the E bit set (§7.1.3). */
  public static boolean isProtocolError(int code) {
    return code >= 3000 && code < 4000;
  }

  /** Whether {@code code} is one of the codes above. */
  public static boolean isKnown(long code) {
    return code >= 0 && code <= Integer.MAX_VALUE && !name((int) code).equals(Long.toString(code));
  }

  /** The RFC's name of a code, or its number when unknown. */
  public static String name(int code) {
    return switch (code) {
      case MULTI_ROUND_AUTH -> "MULTI_ROUND_AUTH";
      case SUCCESS -> "SUCCESS";
      case LIMITED_SUCCESS -> "LIMITED_SUCCESS";
      case COMMAND_UNSUPPORTED -> "COMMAND_UNSUPPORTED";
      case UNABLE_TO_DELIVER -> "UNABLE_TO_DELIVER";
      case REALM_NOT_SERVED -> "REALM_NOT_SERVED";
      case TOO_BUSY -> "TOO_BUSY";
      case LOOP_DETECTED -> "LOOP_DETECTED";
      case REDIRECT_INDICATION -> "REDIRECT_INDICATION";
      case APPLICATION_UNSUPPORTED -> "APPLICATION_UNSUPPORTED";
      case INVALID_HDR_BITS -> "INVALID_HDR_BITS";
      case INVALID_AVP_BITS -> "INVALID_AVP_BITS";
      case UNKNOWN_PEER -> "UNKNOWN_PEER";
      case AUTHENTICATION_REJECTED -> "AUTHENTICATION_REJECTED";
      case OUT_OF_SPACE -> "OUT_OF_SPACE";
      case ELECTION_LOST -> "ELECTION_LOST";
      case AVP_UNSUPPORTED -> "AVP_UNSUPPORTED";
      case UNKNOWN_SESSION_ID -> "UNKNOWN_SESSION_ID";
      case AUTHORIZATION_REJECTED -> "AUTHORIZATION_REJECTED";
      case INVALID_AVP_VALUE -> "INVALID_AVP_VALUE";
      case MISSING_AVP -> "MISSING_AVP";
      case RESOURCES_EXCEEDED -> "RESOURCES_EXCEEDED";
      case CONTRADICTING_AVPS -> "CONTRADICTING_AVPS";
      case AVP_NOT_ALLOWED -> "AVP_NOT_ALLOWED";
      case AVP_OCCURS_TOO_MANY_TIMES -> "AVP_OCCURS_TOO_MANY_TIMES";
      case NO_COMMON_APPLICATION -> "NO_COMMON_APPLICATION";
      case UNSUPPORTED_VERSION -> "UNSUPPORTED_VERSION";
      case UNABLE_TO_COMPLY -> "UNABLE_TO_COMPLY";
      case INVALID_BIT_IN_HEADER -> "INVALID_BIT_IN_HEADER";
      case INVALID_AVP_LENGTH -> "INVALID_AVP_LENGTH";
      case INVALID_MESSAGE_LENGTH -> "INVALID_MESSAGE_LENGTH";
      case INVALID_AVP_BIT_COMBO -> "INVALID_AVP_BIT_COMBO";
      case NO_COMMON_SECURITY -> "NO_COMMON_SECURITY";
      default -> Integer.toString(code);
    };
  }
}
