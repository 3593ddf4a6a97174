package io.mvpn.packet.ipv4;

/** IANA protocol numbers of the IPv4 header's protocol field that mvpn speaks or carries. */
public final class IpProtocol {

  public static final int ICMP = 1;
  public static final int IPIP = 4;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ESP = 50;
  public static final int AH = 51;

  private IpProtocol() {}
}
