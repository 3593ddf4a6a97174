package io.mvpn.net;

import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import java.util.ArrayList;
import java.util.List;

/** What ICMP "destination unreachable" a VRF receives, as "type/code mtu N from A" lines. */
public final class UnreachableLog {

  private UnreachableLog() {}

  /** Registers for the VRF's destination unreachable messages; the list fills as they come. */
  public static List<String> of(Vrf vrf) {
    List<String> seen = new ArrayList<>();
    vrf.registerIcmp(
        IcmpType.DESTINATION_UNREACHABLE,
        (v, in, ip) -> {
          try {
            IcmpMessage m = IcmpMessage.parse(ip);
            seen.add(
                m.type()
                    + "/"
                    + m.code()
                    + " mtu "
                    + m.nextHopMtu()
                    + " from "
                    + ip.sourceAddress());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    return seen;
  }
}
