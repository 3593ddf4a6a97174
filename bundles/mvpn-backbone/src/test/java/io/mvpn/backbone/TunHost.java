package io.mvpn.backbone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A kernel IP stack joined to one mvpn interface: socat holds a TUN device and carries each packet
 * as one UDP payload over loopback, which is exactly mvpn's {@code udp:} point-to-point transport.
 * The TUN device either moves into a network namespace of its own (a mobile node, with its own copy
 * of an address that other tenants' nodes have too) or stays in the root namespace (the backbone's
 * uplink). {@link #close()} stops socat, which takes the device with its addresses and routes, and
 * deletes the namespace.
 *
 * <p>socat dies if its UDP peer answers "port unreachable": start mvpn's end first.
 */
final class TunHost implements AutoCloseable {

  final String device;
  final String namespace;
  private final Process socat;

  private TunHost(String device, String namespace, Process socat) {
    this.device = device;
    this.namespace = namespace;
    this.socat = socat;
  }

  /**
   * A host in a new namespace with {@code address}/32 on the TUN device and the default route
   * through it.
   */
  static TunHost inNamespace(
      String namespace,
      String device,
      String address,
      InetSocketAddress socatSide,
      InetSocketAddress mvpnSide,
      Path log)
      throws IOException, InterruptedException {
    run("ip", "netns", "add", namespace);
    TunHost host = null;
    try {
      host = new TunHost(device, namespace, startSocat(device, socatSide, mvpnSide, log));
      run("ip", "link", "set", device, "netns", namespace);
      // No IPv6 chatter (router solicitations) on the link: mvpn carries IPv4.
      run("ip", "netns", "exec", namespace, "sh", "-c", disableIpv6("all"));
      run("ip", "-n", namespace, "link", "set", "lo", "up");
      run("ip", "-n", namespace, "link", "set", device, "mtu", "1400", "up");
      run("ip", "-n", namespace, "addr", "add", address + "/32", "dev", device);
      run("ip", "-n", namespace, "route", "add", "default", "dev", device);
      return host;
    } catch (IOException | RuntimeException e) {
      if (host != null) {
        host.close();
      } else {
        run("ip", "netns", "del", namespace);
      }
      throw e;
    }
  }

  /** A TUN device in the root namespace with {@code addressWithPrefix}, its subnet routed to it. */
  static TunHost inRoot(
      String device,
      String addressWithPrefix,
      InetSocketAddress socatSide,
      InetSocketAddress mvpnSide,
      Path log)
      throws IOException, InterruptedException {
    TunHost host = new TunHost(device, null, startSocat(device, socatSide, mvpnSide, log));
    try {
      run("sh", "-c", disableIpv6(device));
      run("ip", "link", "set", device, "mtu", "1400");
      run("ip", "addr", "add", addressWithPrefix, "dev", device);
      run("ip", "link", "set", device, "up");
      return host;
    } catch (IOException | RuntimeException e) {
      host.close();
      throw e;
    }
  }

  private static String disableIpv6(String device) {
    return "echo 1 > /proc/sys/net/ipv6/conf/" + device + "/disable_ipv6";
  }

  private static Process startSocat(
      String device, InetSocketAddress socatSide, InetSocketAddress mvpnSide, Path log)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "socat",
                "-d",
                "TUN,tun-type=tun,iff-no-pi,tun-name=" + device,
                "UDP:"
                    + mvpnSide.getAddress().getHostAddress()
                    + ":"
                    + mvpnSide.getPort()
                    + ",bind="
                    + socatSide.getAddress().getHostAddress()
                    + ":"
                    + socatSide.getPort())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    // socat makes the device as it starts: at most 5 s.
    for (int i = 0; i < 50; i++) {
      if (!p.isAlive()) {
        throw new IOException("socat for " + device + " exited: " + Files.readString(log));
      }
      if (exec("ip", "link", "show", device).exitValue() == 0) {
        return p;
      }
      Thread.sleep(100);
    }
    stop(p);
    throw new IOException("socat made no device " + device + " within 5 s");
  }

  /** A command in this host's namespace (or the root one), started with output to {@code log}. */
  Process start(Path log, String... command) throws IOException {
    List<String> full = new ArrayList<>();
    if (namespace != null) {
      full.addAll(List.of("ip", "netns", "exec", namespace));
    }
    full.addAll(List.of(command));
    Process p = new ProcessBuilder(full).redirectError(log.toFile()).start();
    p.getOutputStream().close();
    return p;
  }

  /** Runs a command to completion within 20 s; its output, or an IOException if it failed. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = exec(command);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": " + out);
    }
    return out;
  }

  private static Process exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      stop(p);
      throw new IOException(String.join(" ", command) + " timed out");
    }
    return p;
  }

  /** Ends a process this test started: politely, then forcibly, 5 s each at most. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(socat);
    if (namespace != null) {
      try {
        run("ip", "netns", "del", namespace);
      } catch (IOException e) {
        // gone already
      }
    }
  }
}
