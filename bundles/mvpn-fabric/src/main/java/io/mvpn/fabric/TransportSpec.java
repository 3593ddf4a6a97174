package io.mvpn.fabric;

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
 *   <li>{@code tun:NAME} a Linux TUN device (not available yet: refused with a clear error).
 * </ul>
 */
sealed interface TransportSpec {

  record Memory(String segment) implements TransportSpec {}

  record Udp(InetSocketAddress local, InetSocketAddress remote) implements TransportSpec {}

  record Host(InetAddress bind, Map<Integer, Integer> ports) implements TransportSpec {}

  Pattern UDP = Pattern.compile("udp:([0-9.]+):(\\d+)->([0-9.]+):(\\d+)");
  Pattern HOST = Pattern.compile("host:([0-9.]+):((?:\\d+=\\d+,?)+)");
  Pattern MEM = Pattern.compile("mem:([A-Za-z0-9._-]+)");

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
    if (t.startsWith("tun:")) {
      throw new IllegalArgumentException("transport " + t + ": TUN devices are not supported yet");
    }
    throw new IllegalArgumentException(
        "transport '"
            + t
            + "': expected mem:NAME, udp:IP:PORT->IP:PORT or host:IP:VRFPORT=HOSTPORT[,...]");
  }

  private static int port(String text) {
    int port = Integer.parseInt(text);
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port);
    }
    return port;
  }
}
