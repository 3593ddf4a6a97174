package io.mvpn.fabric;

import io.mvpn.net.transport.tun.TunTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transport of a configured interface, written as in {@code mvpn:interfaces}:
 *
 * <ul>
 *   <li>{@code mem:NAME} an in-memory segment shared by every interface naming it;
 *   <li>{@code udp:LOCAL_IP:PORT->REMOTE_IP:PORT} a UDP point-to-point link to another mvpn;
 *   <li>{@code host:BIND_IP:VRF_PORT=HOST_PORT,...} host sockets for real programs;
 *   <li>{@code tun:NAME[,mtu=BYTES][,queues=N][,offload=on|off]} a Linux TUN device: the host
 *       kernel is the link's other end. NAME is 1 to 15 of {@code A-Z a-z 0-9 . _ -}; the MTU
 *       defaults to 1500 (68 to 65535); {@code queues} (1 to 16, default 1) above 1 reads a
 *       multi-queue device through that many queues (provisioned with {@code multi_queue}); {@code
 *       offload} (default on) moves TCP and UDP through the device as super-packets of up to 64 KiB
 *       with a virtio_net_hdr, cut and joined in the transport. Provision the device for a non-root
 *       Karaf with {@code ip tuntap add dev NAME mode tun user USER}; a Karaf with CAP_NET_ADMIN
 *       creates it when it is missing (docs/operations.md).
 *   <li>{@code tap:NAME[,mtu=BYTES]} a Linux TAP device: an Ethernet link (a bridge's port), with
 *       ARP and a station per MAC, where a foreign agent meets its visitors. Provision it with
 *       {@code ip tuntap add dev NAME mode tap user USER} and add it to the access network's
 *       bridge.
 * </ul>
 */
sealed interface TransportSpec {

  record Memory(String segment) implements TransportSpec {}

  record Udp(InetSocketAddress local, InetSocketAddress remote) implements TransportSpec {}

  record Host(InetAddress bind, Map<Integer, Integer> ports) implements TransportSpec {}

  record Tun(String device, int mtu, int queues, boolean offload) implements TransportSpec {

    Tun(String device, int mtu) {
      this(device, mtu, 1);
    }

    Tun(String device, int mtu, int queues) {
      this(device, mtu, queues, TunTransport.DEFAULT_OFFLOAD);
    }
  }

  record Tap(String device, int mtu) implements TransportSpec {}

  Pattern UDP = Pattern.compile("udp:([0-9.]+):(\\d+)->([0-9.]+):(\\d+)");
  Pattern HOST = Pattern.compile("host:([0-9.]+):((?:\\d+=\\d+,?)+)");
  Pattern MEM = Pattern.compile("mem:([A-Za-z0-9._-]+)");
  Pattern TUN = Pattern.compile("(tun|tap):([^,]*)((?:,[^,]*)*)");

  java.util.Set<String> OPTIONS = java.util.Set.of("mtu", "queues", "offload");

  static TransportSpec parse(String text) {
    String t = text == null ? "" : text.trim();
    try {
      Matcher m;
      if ((m = MEM.matcher(t)).matches()) {
        return new Memory(m.group(1));
      }
      if ((m = UDP.matcher(t)).matches()) {
        return new Udp(
            new InetSocketAddress(InetAddress.getByName(m.group(1)), port(m.group(2))),
            new InetSocketAddress(InetAddress.getByName(m.group(3)), port(m.group(4))));
      }
      if ((m = HOST.matcher(t)).matches()) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (String pair : m.group(2).split(",")) {
          String[] p = pair.split("=");
          ports.put(port(p[0]), port(p[1]));
        }
        return new Host(InetAddress.getByName(m.group(1)), ports);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("transport " + t + ": " + e.getMessage(), e);
    }
    Matcher m = TUN.matcher(t);
    if (m.matches()) {
      Tun device = tun(t, m.group(2), m.group(3), m.group(1).equals("tun"));
      return m.group(1).equals("tun") ? device : new Tap(device.device(), device.mtu());
    }
    throw new IllegalArgumentException(
        "transport '"
            + t
            + "': expected mem:NAME, udp:IP:PORT->IP:PORT, host:IP:VRFPORT=HOSTPORT[,...]"
            + ", tun:DEVICE[,mtu=BYTES][,queues=N][,offload=on|off] or tap:DEVICE[,mtu=BYTES]");
  }

  private static Tun tun(String text, String device, String options, boolean queued) {
    if (!TunTransport.isValidName(device)) {
      throw new IllegalArgumentException(
          "transport "
              + text
              + ": '"
              + device
              + "' is not a Linux interface name"
              + " (1 to 15 of A-Z a-z 0-9 . _ -)");
    }
    Map<String, String> given = new LinkedHashMap<>();
    for (String option : options.isEmpty() ? new String[0] : options.substring(1).split(",", -1)) {
      String[] kv = option.split("=", 2);
      if (kv.length != 2 || !(kv[0].equals("mtu") || (queued && OPTIONS.contains(kv[0])))) {
        throw new IllegalArgumentException(
            "transport "
                + text
                + ": unknown option '"
                + option
                + "' (known: mtu=BYTES"
                + (queued ? ", queues=N, offload=on|off)" : ")"));
      }
      if (given.put(kv[0], kv[1]) != null) {
        throw new IllegalArgumentException("transport " + text + ": " + kv[0] + " given twice");
      }
    }
    int mtu =
        given.containsKey("mtu")
            ? number(text, "mtu", given.get("mtu"), 68, 0xFFFF)
            : TunTransport.DEFAULT_MTU;
    int queues =
        given.containsKey("queues")
            ? number(text, "queues", given.get("queues"), 1, TunTransport.MAX_QUEUES)
            : 1;
    String offload = given.getOrDefault("offload", TunTransport.DEFAULT_OFFLOAD ? "on" : "off");
    if (!offload.equals("on") && !offload.equals("off")) {
      throw new IllegalArgumentException(
          "transport " + text + ": offload '" + offload + "' (on or off)");
    }
    return new Tun(device, mtu, queues, offload.equals("on"));
  }

  /** An option's value, a whole number from {@code min} to {@code max}. */
  private static int number(String text, String option, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "transport " + text + ": " + option + " '" + value + "'", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "transport " + text + ": " + option + " " + n + " outside " + min + ".." + max);
    }
    return n;
  }

  private static int port(String text) {
    int port = Integer.parseInt(text);
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
    return port;
  }
}
