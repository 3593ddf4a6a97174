package io.mvpn.api.napt;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One translation as the store keeps it: enough for a new NAPT instance to carry on with the same
 * public port. Idle time is not kept (it changes with every datagram); a mapping taken over from
 * the store starts a fresh idle period.
 *
 * @param protocol the IP protocol number: UDP, TCP or ICMP (echo)
 * @param publicAddress the NAPT's public address (a store may serve several NAPTs)
 * @param tcpSeen for TCP, which control segments have passed (the {@code SYN_OUT}... bits); 0
 *     otherwise
 */
public record NaptMapping(
    int protocol, Ipv4Address publicAddress, int publicPort, NaptInside inside, int tcpSeen) {

  public static final int SYN_OUT = 1;
  public static final int SYN_IN = 2;
  public static final int FIN_OUT = 4;
  public static final int FIN_IN = 8;
  public static final int RESET = 16;

  public NaptMapping {
    Objects.requireNonNull(publicAddress, "publicAddress");
    Objects.requireNonNull(inside, "inside");
    if (publicPort < 0 || publicPort > 0xFFFF) {
      throw new IllegalArgumentException("public port " + publicPort);
    }
  }
}
