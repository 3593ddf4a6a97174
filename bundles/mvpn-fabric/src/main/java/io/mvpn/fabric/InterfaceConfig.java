package io.mvpn.fabric;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.InvalidConfigurationException;
import java.util.List;

/** A configured interface, checked when configured so a mistake is reported at once. */
record InterfaceConfig(
    String vrf,
    String name,
    Ipv4Address address,
    int prefixLength,
    TransportSpec transport,
    List<StaticRoute> routes) {

  /** {@code PREFIX} (on the interface's link) or {@code PREFIX via NEXTHOP}. */
  record StaticRoute(Prefix prefix, Ipv4Address nextHop) {
    static StaticRoute parse(String text) {
      String[] words = text.trim().split("\\s+");
      if (words.length == 1) {
        return new StaticRoute(Prefix.parse(words[0]), null);
      }
      if (words.length == 3 && words[1].equals("via")) {
        return new StaticRoute(Prefix.parse(words[0]), Ipv4Address.parse(words[2]));
      }
      throw new IllegalArgumentException("route '" + text + "': expected PREFIX [via NEXTHOP]");
    }
  }

  /**
   * Reads an interface's settings.
   *
   * @throws InvalidConfigurationException naming the key of {@code etc/io.mvpn.interface-*.cfg}
   *     whose value it cannot take
   */
  static InterfaceConfig parse(
      String vrf, String name, String address, String transport, List<String> routes) {
    if (name == null || name.isBlank()) {
      throw new InvalidConfigurationException("name", "an interface needs a name");
    }
    if (vrf == null || vrf.isBlank()) {
      throw new InvalidConfigurationException("vrf", "an interface needs a VRF");
    }
    int slash = address == null ? -1 : address.indexOf('/');
    if (slash < 0) {
      throw new InvalidConfigurationException("address", address + " needs a /length");
    }
    int length;
    try {
      length = Integer.parseInt(address.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationException("address", "bad prefix length in " + address);
    }
    if (length < 0 || length > 32) {
      throw new InvalidConfigurationException(
          "address", "prefix length " + length + " outside 0..32");
    }
    return new InterfaceConfig(
        vrf,
        name,
        InvalidConfigurationException.read(
            "address", () -> Ipv4Address.parse(address.substring(0, slash))),
        length,
        InvalidConfigurationException.read("transport", () -> TransportSpec.parse(transport)),
        InvalidConfigurationException.read(
            "routes", () -> routes.stream().map(StaticRoute::parse).toList()));
  }
}
