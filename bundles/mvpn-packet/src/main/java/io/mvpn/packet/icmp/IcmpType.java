package io.mvpn.packet.icmp;

/** ICMP types (RFC 792, RFC 1256) and the destination-unreachable codes mvpn sends. */
public final class IcmpType {

  public static final int ECHO_REPLY = 0;
  public static final int DESTINATION_UNREACHABLE = 3;
  public static final int REDIRECT = 5;
  public static final int ECHO_REQUEST = 8;

  /** RFC 1256; with Mobile IP extensions, an agent advertisement (RFC 5944 §2.1). */
  public static final int ROUTER_ADVERTISEMENT = 9;

  /** RFC 1256; a mobile node's agent solicitation (RFC 5944 §2.2). */
  public static final int ROUTER_SOLICITATION = 10;

  public static final int TIME_EXCEEDED = 11;
  public static final int PARAMETER_PROBLEM = 12;

  public static final int UNREACHABLE_NET = 0;
  public static final int UNREACHABLE_HOST = 1;
  public static final int UNREACHABLE_PROTOCOL = 2;
  public static final int UNREACHABLE_PORT = 3;
  public static final int UNREACHABLE_FRAGMENTATION_NEEDED = 4;
  public static final int UNREACHABLE_ADMIN_PROHIBITED = 13;

  public static final int TIME_EXCEEDED_IN_TRANSIT = 0;
  public static final int TIME_EXCEEDED_REASSEMBLY = 1;

  private IcmpType() {}

  /** Error messages, which must never be answered with another error (RFC 1122 §3.2.2). */
  public static boolean isError(int type) {
    return type == DESTINATION_UNREACHABLE
        || type == REDIRECT
        || type == TIME_EXCEEDED
        || type == PARAMETER_PROBLEM
        || type == 4; // source quench, deprecated but still an error
  }
}
