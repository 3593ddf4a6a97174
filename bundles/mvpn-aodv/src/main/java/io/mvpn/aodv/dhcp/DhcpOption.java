package io.mvpn.aodv.dhcp;

import io.mvpn.aodv.dhcp.DhcpFormatException.Reason;

/**
 * Option codes (RFC 2132 unless noted) and message types (option 53, RFC 2132 §9.6) the sink reads
 * or writes, and the length rules it holds a known option to.
 */
public final class DhcpOption {

  public static final int PAD = 0;
  public static final int SUBNET_MASK = 1;
  public static final int ROUTER = 3;
  public static final int DNS_SERVERS = 6;
  public static final int HOST_NAME = 12;
  public static final int DOMAIN_NAME = 15;
  public static final int REQUESTED_ADDRESS = 50;
  public static final int LEASE_TIME = 51;
  public static final int OVERLOAD = 52;
  public static final int MESSAGE_TYPE = 53;
  public static final int SERVER_IDENTIFIER = 54;
  public static final int PARAMETER_REQUEST_LIST = 55;
  public static final int MESSAGE = 56;
  public static final int MAX_MESSAGE_SIZE = 57;
  public static final int RENEWAL_TIME = 58;
  public static final int REBINDING_TIME = 59;
  public static final int CLIENT_IDENTIFIER = 61;

  /** RFC 3442. */
  public static final int CLASSLESS_STATIC_ROUTES = 121;

  /**
   * Seed 002's DHCP hello (c59), in the site-specific range 224-254 (RFC 2132 §2, RFC 3942): no
   * standard option carries a NAI, an SPI and an HMAC-SHA256 the home MSM checks; see {@link
   * DhcpHello}.
   */
  public static final int MVPN_HELLO = 224;

  public static final int END = 255;

  // Message types, option 53.
  public static final int DISCOVER = 1;
  public static final int OFFER = 2;
  public static final int REQUEST = 3;
  public static final int DECLINE = 4;
  public static final int ACK = 5;
  public static final int NAK = 6;
  public static final int RELEASE = 7;
  public static final int INFORM = 8;

  /** The highest type registered (RFC 6926's DHCPLEASEQUERYSTATUS and friends end at 18). */
  static final int MAX_MESSAGE_TYPE = 18;

  private DhcpOption() {}

  /** The name of a message type, as RFC 2131 writes it. */
  public static String typeName(int type) {
    return switch (type) {
      case DISCOVER -> "DHCPDISCOVER";
      case OFFER -> "DHCPOFFER";
      case REQUEST -> "DHCPREQUEST";
      case DECLINE -> "DHCPDECLINE";
      case ACK -> "DHCPACK";
      case NAK -> "DHCPNAK";
      case RELEASE -> "DHCPRELEASE";
      case INFORM -> "DHCPINFORM";
      default -> "type " + type;
    };
  }

  /** Throws if a known option's (concatenated) value breaks its definition's length or range. */
  static void check(int code, byte[] v) throws DhcpFormatException {
    switch (code) {
      case SUBNET_MASK,
          REQUESTED_ADDRESS,
          LEASE_TIME,
          SERVER_IDENTIFIER,
          RENEWAL_TIME,
          REBINDING_TIME ->
          length(code, v, v.length == 4);
      case ROUTER, DNS_SERVERS -> length(code, v, v.length >= 4 && v.length % 4 == 0);
      case HOST_NAME, DOMAIN_NAME, PARAMETER_REQUEST_LIST, MESSAGE ->
          length(code, v, v.length >= 1);
      case CLIENT_IDENTIFIER -> length(code, v, v.length >= 2);
      case MESSAGE_TYPE -> {
        length(code, v, v.length == 1);
        value(code, v[0] >= 1 && v[0] <= MAX_MESSAGE_TYPE);
      }
      case OVERLOAD -> {
        length(code, v, v.length == 1);
        value(code, v[0] >= 1 && v[0] <= 3);
      }
      case MAX_MESSAGE_SIZE -> {
        length(code, v, v.length == 2);
        value(code, ((v[0] & 0xFF) << 8 | (v[1] & 0xFF)) >= 576);
      }
      default -> {}
    }
  }

  private static void length(int code, byte[] v, boolean ok) throws DhcpFormatException {
    if (!ok) {
      throw new DhcpFormatException(
          Reason.BAD_OPTION_LENGTH, "option " + code + " of " + v.length + " bytes");
    }
  }

  private static void value(int code, boolean ok) throws DhcpFormatException {
    if (!ok) {
      throw new DhcpFormatException(Reason.BAD_OPTION_VALUE, "option " + code);
    }
  }
}
