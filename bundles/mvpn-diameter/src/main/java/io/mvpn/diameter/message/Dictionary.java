package io.mvpn.diameter.message;

import static io.mvpn.diameter.message.AvpType.ADDRESS;
import static io.mvpn.diameter.message.AvpType.DIAMETER_IDENTITY;
import static io.mvpn.diameter.message.AvpType.ENUMERATED;
import static io.mvpn.diameter.message.AvpType.GROUPED;
import static io.mvpn.diameter.message.AvpType.IP_FILTER_RULE;
import static io.mvpn.diameter.message.AvpType.OCTET_STRING;
import static io.mvpn.diameter.message.AvpType.UNSIGNED32;
import static io.mvpn.diameter.message.AvpType.UTF8_STRING;

import java.util.Map;
import java.util.TreeMap;

/**
 * The AVPs mvpn understands: the base protocol's and NASREQ's. Any other AVP with the M bit set in
 * a request is answered with 5001 AVP_UNSUPPORTED (RFC 6733 §4.1); without it, it is carried along.
 */
public final class Dictionary {

  /** One AVP definition. */
  public record Entry(int code, String name, AvpType type) {}

  private static final Map<Integer, Entry> BASE = new TreeMap<>();

  static {
    add(AvpCode.USER_NAME, "User-Name", UTF8_STRING);
    add(AvpCode.USER_PASSWORD, "User-Password", OCTET_STRING);
    add(AvpCode.FRAMED_IP_ADDRESS, "Framed-IP-Address", OCTET_STRING);
    add(AvpCode.FRAMED_IP_NETMASK, "Framed-IP-Netmask", OCTET_STRING);
    add(AvpCode.FILTER_ID, "Filter-Id", UTF8_STRING);
    add(AvpCode.FRAMED_ROUTE, "Framed-Route", UTF8_STRING);
    add(AvpCode.CLASS, "Class", OCTET_STRING);
    add(AvpCode.SESSION_TIMEOUT, "Session-Timeout", UNSIGNED32);
    add(AvpCode.PROXY_STATE, "Proxy-State", OCTET_STRING);
    add(AvpCode.CHAP_CHALLENGE, "CHAP-Challenge", OCTET_STRING);
    add(AvpCode.HOST_IP_ADDRESS, "Host-IP-Address", ADDRESS);
    add(AvpCode.AUTH_APPLICATION_ID, "Auth-Application-Id", UNSIGNED32);
    add(AvpCode.ACCT_APPLICATION_ID, "Acct-Application-Id", UNSIGNED32);
    add(AvpCode.VENDOR_SPECIFIC_APPLICATION_ID, "Vendor-Specific-Application-Id", GROUPED);
    add(AvpCode.REDIRECT_HOST_USAGE, "Redirect-Host-Usage", ENUMERATED);
    add(AvpCode.REDIRECT_MAX_CACHE_TIME, "Redirect-Max-Cache-Time", UNSIGNED32);
    add(AvpCode.SESSION_ID, "Session-Id", UTF8_STRING);
    add(AvpCode.ORIGIN_HOST, "Origin-Host", DIAMETER_IDENTITY);
    add(AvpCode.SUPPORTED_VENDOR_ID, "Supported-Vendor-Id", UNSIGNED32);
    add(AvpCode.VENDOR_ID, "Vendor-Id", UNSIGNED32);
    add(AvpCode.FIRMWARE_REVISION, "Firmware-Revision", UNSIGNED32);
    add(AvpCode.RESULT_CODE, "Result-Code", UNSIGNED32);
    add(AvpCode.PRODUCT_NAME, "Product-Name", UTF8_STRING);
    add(AvpCode.DISCONNECT_CAUSE, "Disconnect-Cause", ENUMERATED);
    add(AvpCode.AUTH_REQUEST_TYPE, "Auth-Request-Type", ENUMERATED);
    add(AvpCode.AUTH_GRACE_PERIOD, "Auth-Grace-Period", UNSIGNED32);
    add(AvpCode.AUTH_SESSION_STATE, "Auth-Session-State", ENUMERATED);
    add(AvpCode.ORIGIN_STATE_ID, "Origin-State-Id", UNSIGNED32);
    add(AvpCode.FAILED_AVP, "Failed-AVP", GROUPED);
    add(AvpCode.PROXY_HOST, "Proxy-Host", DIAMETER_IDENTITY);
    add(AvpCode.ERROR_MESSAGE, "Error-Message", UTF8_STRING);
    add(AvpCode.ROUTE_RECORD, "Route-Record", DIAMETER_IDENTITY);
    add(AvpCode.DESTINATION_REALM, "Destination-Realm", DIAMETER_IDENTITY);
    add(AvpCode.PROXY_INFO, "Proxy-Info", GROUPED);
    add(AvpCode.RE_AUTH_REQUEST_TYPE, "Re-Auth-Request-Type", ENUMERATED);
    add(AvpCode.AUTHORIZATION_LIFETIME, "Authorization-Lifetime", UNSIGNED32);
    add(AvpCode.REDIRECT_HOST, "Redirect-Host", UTF8_STRING);
    add(AvpCode.DESTINATION_HOST, "Destination-Host", DIAMETER_IDENTITY);
    add(AvpCode.ERROR_REPORTING_HOST, "Error-Reporting-Host", DIAMETER_IDENTITY);
    add(AvpCode.TERMINATION_CAUSE, "Termination-Cause", ENUMERATED);
    add(AvpCode.ORIGIN_REALM, "Origin-Realm", DIAMETER_IDENTITY);
    add(AvpCode.EXPERIMENTAL_RESULT, "Experimental-Result", GROUPED);
    add(AvpCode.EXPERIMENTAL_RESULT_CODE, "Experimental-Result-Code", UNSIGNED32);
    add(AvpCode.INBAND_SECURITY_ID, "Inband-Security-Id", UNSIGNED32);
    add(AvpCode.NAS_FILTER_RULE, "NAS-Filter-Rule", IP_FILTER_RULE);
    add(AvpCode.CHAP_AUTH, "CHAP-Auth", GROUPED);
    add(AvpCode.CHAP_ALGORITHM, "CHAP-Algorithm", ENUMERATED);
    add(AvpCode.CHAP_IDENT, "CHAP-Ident", OCTET_STRING);
    add(AvpCode.CHAP_RESPONSE, "CHAP-Response", OCTET_STRING);
  }

  private Dictionary() {}

  private static void add(int code, String name, AvpType type) {
    BASE.put(code, new Entry(code, name, type));
  }

  /** The definition of a non-vendor AVP, or null when mvpn does not know it. */
  public static Entry lookup(int vendorId, int code) {
    return vendorId == 0 ? BASE.get(code) : null;
  }

  /** A printable name: the dictionary's, else "AVP code[/vendor]". */
  public static String name(int vendorId, int code) {
    Entry e = lookup(vendorId, code);
    if (e != null) {
      return e.name();
    }
    return "AVP " + code + (vendorId == 0 ? "" : "/" + vendorId);
  }
}
