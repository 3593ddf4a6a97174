package io.mvpn.itests;

import io.mvpn.net.transport.tun.KernelLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The networks around the appliance's road warrior gateway, as network namespaces named after this
 * process (so parallel worktrees do not collide):
 *
 * <pre>
 *  direct ─ 198.51.100.0/30 ─┐
 *                            internet (a router) ── 203.0.113.1 ═ public TUN ═ gateway 203.0.113.9
 *  behind ─ 10.77.0.0/24 ─ nat ─ 198.51.100.4/30 ┘            site 10.1.0.100 ═ site TUN ═ 10.1.0.1
 * </pre>
 *
 * The appliance makes both TUN devices; {@link #adopt} moves them into the internet and site
 * namespaces (a TUN device keeps its file descriptor in the container). The NAT namespace
 * masquerades with nftables, so the gateway sees the client behind it as 198.51.100.6 with some
 * port. {@link #close} stops what was started and removes every namespace, also after a failure.
 */
final class RoadWarriorNetwork implements AutoCloseable {

  static final String GATEWAY = "203.0.113.9";
  static final String SITE_HOST = "10.1.0.100";
  static final String PROTECTED = "10.1.0.0/24";
  static final String DIRECT_CLIENT = "198.51.100.2";
  static final String NAT_PUBLIC = "198.51.100.6";

  private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
  final String internet = "rwnet-" + tag;
  final String direct = "rwdirect-" + tag;
  final String nat = "rwnat-" + tag;
  final String behindNat = "rwbehind-" + tag;
  final String site = "rwsite-" + tag;

  /** The devices the appliance's cfg files name: at most 15 characters. */
  final String publicTun = "rwp" + tag;

  final String siteTun = "rws" + tag;

  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> programs = new ArrayList<>();

  /** Makes the namespaces, links and NAT; the TUN devices come with the appliance. */
  void build() throws IOException, InterruptedException {
    for (String ns : List.of(internet, direct, nat, behindNat, site)) {
      namespace(ns);
    }
    in(internet, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    link(internet, "rw" + tag + "d0", "198.51.100.1/30", direct, "rw" + tag + "d1", DIRECT_CLIENT);
    in(direct, "ip", "route", "add", "default", "via", "198.51.100.1");
    link(internet, "rw" + tag + "n0", "198.51.100.5/30", nat, "rw" + tag + "n1", NAT_PUBLIC);
    in(nat, "ip", "route", "add", "default", "via", "198.51.100.5");
    in(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    link(nat, "rw" + tag + "b0", "10.77.0.1/24", behindNat, "rw" + tag + "b1", "10.77.0.2");
    in(behindNat, "ip", "route", "add", "default", "via", "10.77.0.1");
    // The internet has no route to 10.77.0.0/24: only the masquerade gets the client through.
    in(nat, "nft", "add", "table", "ip", "rwnat");
    in(nat, "nft", "add chain ip rwnat post { type nat hook postrouting priority srcnat ; }");
    in(
        nat,
        "nft",
        "add",
        "rule",
        "ip",
        "rwnat",
        "post",
        "oifname",
        "rw" + tag + "n1",
        "masquerade");
  }

  /**
   * Moves the appliance's TUN devices to their kernels: the public one into the internet namespace
   * (its router at 203.0.113.1), the site one into the site namespace (the host 10.1.0.100, which
   * reaches the road warriors' virtual addresses 10.9.0.0/24 through it).
   */
  void adopt() throws IOException, InterruptedException {
    moveInto(publicTun, internet, "203.0.113.1/24");
    moveInto(siteTun, site, SITE_HOST + "/24");
    in(site, "ip", "route", "add", "10.9.0.0/24", "dev", siteTun);
  }

  private void namespace(String name) throws IOException, InterruptedException {
    if (Files.exists(Path.of("/run/netns", name))) {
      KernelLab.run("ip", "netns", "del", name); // left by a killed run with this process id
    }
    KernelLab.run("ip", "netns", "add", name);
    namespaces.add(name);
    in(name, "ip", "link", "set", "lo", "up");
  }

  /** A veth pair made straight inside two namespaces, each end addressed on a shared prefix. */
  private void link(String ns1, String end1, String address1, String ns2, String end2, String host2)
      throws IOException, InterruptedException {
    KernelLab.run(
        "ip", "link", "add", end1, "netns", ns1, "type", "veth", "peer", "name", end2, "netns",
        ns2);
    String length = address1.substring(address1.indexOf('/'));
    in(ns1, "ip", "addr", "add", address1, "dev", end1);
    in(ns1, "ip", "link", "set", end1, "up");
    in(ns2, "ip", "addr", "add", host2 + length, "dev", end2);
    in(ns2, "ip", "link", "set", end2, "up");
  }

  private void moveInto(String device, String namespace, String address)
      throws IOException, InterruptedException {
    KernelLab.run("ip", "link", "set", device, "netns", namespace);
    in(namespace, "sysctl", "-qw", "net.ipv6.conf." + device + ".disable_ipv6=1");
    in(namespace, "ip", "addr", "add", address, "dev", device);
    in(namespace, "ip", "link", "set", device, "up");
  }

  /** Runs a command inside a namespace to completion (20 s at most); its output. */
  String in(String namespace, String... command) throws IOException, InterruptedException {
    return KernelLab.run(inside(namespace, command).toArray(String[]::new));
  }

  /** Starts a program inside a namespace, output to a file; {@link #close} stops it if it runs. */
  Process start(String namespace, Path output, String... command) throws IOException {
    Process p =
        new ProcessBuilder(inside(namespace, command))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    p.getOutputStream().close();
    programs.add(p);
    return p;
  }

  /** Ends a program started here with SIGTERM (so a capture writes its end), within 10 s. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static List<String> inside(String namespace, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return full;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : programs) {
      if (p.isAlive()) {
        stop(p);
      }
    }
    for (String namespace : namespaces) {
      try {
        KernelLab.run("ip", "netns", "del", namespace);
      } catch (IOException e) {
        // Already gone: nothing to clean.
      }
    }
  }
}
