package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mode vpn's host route to the security gateway through the access interface, set again after each
 * move, when the TUN device takes a default route (as two halves): that must not swallow the ESP
 * and IKE datagrams that carry it, and the next hop (and with standby interfaces the device)
 * changes with the access network.
 */
final class GatewayRoute implements AutoCloseable {

  private static final Pattern VIA = Pattern.compile(" via (\\S+)");

  private final Ipv4Address gateway;
  private String accessInterface; // where the pin is, once set

  GatewayRoute(Ipv4Address gateway) {
    this.gateway = gateway;
  }

  /**
   * Routes the gateway the way {@code accessInterface}'s own routes reach it from {@code careOf}
   * now. The lookup names the device, so an earlier pin through another device does not answer it.
   */
  void pin(String accessInterface, Ipv4Address careOf) throws IOException {
    String gw = gateway.toString();
    String found =
        HostRoutes.run(
            "ip", "-o", "route", "get", gw, "from", careOf.toString(), "oif", accessInterface);
    Matcher m = VIA.matcher(found);
    if (!m.find()) {
      // With oif the kernel answers even without a router: it would take the gateway as on the
      // link, and a pin made of that would send everything to a neighbour that is not there.
      throw new IOException("no router toward " + gw + " on " + accessInterface + " yet");
    }
    HostRoutes.run("ip", "route", "replace", gw + "/32", "via", m.group(1), "dev", accessInterface);
    this.accessInterface = accessInterface;
  }

  @Override
  public void close() {
    if (accessInterface != null) {
      try {
        HostRoutes.run("ip", "route", "del", gateway + "/32", "dev", accessInterface);
      } catch (IOException e) {
        // gone with the interface or its address
      }
    }
  }
}
