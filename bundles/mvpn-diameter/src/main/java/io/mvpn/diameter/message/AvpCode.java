package io.mvpn.diameter.message;

/** AVP codes of the base protocol (RFC 6733 §4.5) and of NASREQ (RFC 7155 §4) that mvpn uses. */
public final class AvpCode {

  public static final int USER_NAME = 1;
  public static final int USER_PASSWORD = 2;
  public static final int FRAMED_IP_ADDRESS = 8;
  public static final int FRAMED_IP_NETMASK = 9;
  public static final int FILTER_ID = 11;
  public static final int FRAMED_ROUTE = 22;
  public static final int CLASS = 25;
  public static final int SESSION_TIMEOUT = 27;
  public static final int PROXY_STATE = 33;
  public static final int CHAP_CHALLENGE = 60;
  public static final int HOST_IP_ADDRESS = 257;
  public static final int AUTH_APPLICATION_ID = 258;
  public static final int ACCT_APPLICATION_ID = 259;
  public static final int VENDOR_SPECIFIC_APPLICATION_ID = 260;
  public static final int REDIRECT_HOST_USAGE = 261;
  public static final int REDIRECT_MAX_CACHE_TIME = 262;
  public static final int SESSION_ID = 263;
  public static final int ORIGIN_HOST = 264;
  public static final int SUPPORTED_VENDOR_ID = 265;
  public static final int VENDOR_ID = 266;
  public static final int FIRMWARE_REVISION = 267;
  public static final int RESULT_CODE = 268;
  public static final int PRODUCT_NAME = 269;
  public static final int DISCONNECT_CAUSE = 273;
  public static final int AUTH_REQUEST_TYPE = 274;
  public static final int AUTH_GRACE_PERIOD = 276;
  public static final int AUTH_SESSION_STATE = 277;
  public static final int ORIGIN_STATE_ID = 278;
  public static final int FAILED_AVP = 279;
  public static final int PROXY_HOST = 280;
  public static final int ERROR_MESSAGE = 281;
  public static final int ROUTE_RECORD = 282;
  public static final int DESTINATION_REALM = 283;
  public static final int PROXY_INFO = 284;
  public static final int RE_AUTH_REQUEST_TYPE = 285;
  public static final int AUTHORIZATION_LIFETIME = 291;
  public static final int REDIRECT_HOST = 292;
  public static final int DESTINATION_HOST = 293;
  public static final int ERROR_REPORTING_HOST = 294;
  public static final int TERMINATION_CAUSE = 295;
  public static final int ORIGIN_REALM = 296;
  public static final int EXPERIMENTAL_RESULT = 297;
  public static final int EXPERIMENTAL_RESULT_CODE = 298;
  public static final int INBAND_SECURITY_ID = 299;
  public static final int NAS_FILTER_RULE = 400;
  public static final int CHAP_AUTH = 402;
  public static final int CHAP_ALGORITHM = 403;
  public static final int CHAP_IDENT = 404;
  public static final int CHAP_RESPONSE = 405;

  private AvpCode() {}
}
