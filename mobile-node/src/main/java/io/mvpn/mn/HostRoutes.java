package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host kernel's side of the node: the home address on the TUN device and the routes through it,
 * set with iproute2 (the program needs CAP_NET_ADMIN anyway, for the device) and taken back in
 * reverse order on {@link #close}. A default route through the TUN would swallow the node's own
 * datagrams to its home agent, so the home agent keeps a host route by the way it had before.
 */
final class HostRoutes implements AutoCloseable {

  private static final Pattern VIA = Pattern.compile("^\\S+(?: via (\\S+))? dev (\\S+)");

  private final Deque<List<String>> undo = new ArrayDeque<>();

  /** Addresses the device with the home address and routes {@code routes} through it. */
  void install(MnConfig config) throws IOException {
    String dev = config.tunDevice();
    String home = config.homeAddress().toString();
    if (config.mode() == MnConfig.Mode.COLOCATED
        && config.routes().stream().anyMatch(p -> p.length() == 0)) {
      keepHomeAgentOffTheTunnel(config.homeAgent(), dev);
    }
    noIpv6(dev);
    run("ip", "addr", "add", home + "/32", "dev", dev);
    undo.push(List.of("ip", "addr", "del", home + "/32", "dev", dev));
    run("ip", "link", "set", dev, "up");
    if (config.mode() != MnConfig.Mode.COLOCATED && config.mode() != MnConfig.Mode.VPN) {
      return; // the routes follow the attachment, once one is accepted (AgentRoutes,
      // AutoAttachment)
    }
    for (Prefix p : config.routes()) {
      // A default as two halves: more specific than the host's own default, which stays intact.
      List<String> prefixes =
          p.length() == 0 ? List.of("0.0.0.0/1", "128.0.0.0/1") : List.of(p.toString());
      for (String prefix : prefixes) {
        run("ip", "route", "add", prefix, "dev", dev, "src", home);
        undo.push(List.of("ip", "route", "del", prefix, "dev", dev));
      }
    }
  }

  /**
   * The tunnel carries IPv4 only: without IPv6 on the device the kernel sends it no router
   * solicitations or MLD reports, and no program picks it for IPv6. A kernel without IPv6 has no
   * such switch, and nothing to turn off.
   */
  private static void noIpv6(String dev) throws IOException {
    Path knob = Path.of("/proc/sys/net/ipv6/conf", dev, "disable_ipv6");
    if (Files.exists(knob)) {
      Files.writeString(knob, "1\n");
    }
  }

  private void keepHomeAgentOffTheTunnel(Ipv4Address homeAgent, String dev) throws IOException {
    String ha = homeAgent.toString();
    String current = run("ip", "-o", "route", "get", ha).trim();
    Matcher m = VIA.matcher(current);
    if (!m.find() || m.group(2).equals(dev)) {
      throw new IOException("no route to the home agent " + ha + " outside " + dev);
    }
    List<String> add = new ArrayList<>(List.of("ip", "route", "add", ha + "/32"));
    if (m.group(1) != null) {
      add.addAll(List.of("via", m.group(1)));
    }
    add.addAll(List.of("dev", m.group(2)));
    run(add.toArray(String[]::new));
    undo.push(List.of("ip", "route", "del", ha + "/32", "dev", m.group(2)));
  }

  /** Takes back what {@link #install} did, newest first; what is already gone is left. */
  @Override
  public void close() {
    while (!undo.isEmpty()) {
      try {
        run(undo.pop().toArray(String[]::new));
      } catch (IOException e) {
        // The device went first (and with it its addresses and routes): nothing to take back.
      }
    }
  }

  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer in 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
  }
}
