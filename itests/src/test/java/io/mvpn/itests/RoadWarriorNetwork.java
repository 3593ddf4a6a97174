package io.mvpn.itests;

import io.mvpn.homeagent.NetnsLab;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The networks around the appliance's road warrior gateway, as network namespaces of a {@link
 * NetnsLab} (named after this process, so parallel worktrees do not collide):
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

  private final NetnsLab lab = new NetnsLab();
  private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);

  /**
   * The devices the appliance's cfg files name (the lab deletes them if the container does not).
   */
  final String publicTun = lab.device("p");

  final String siteTun = lab.device("s");

  String internet;
  String direct;
  String nat;
  String behindNat;
  String site;

  /** Makes the namespaces, links and NAT; the TUN devices come with the appliance. */
  void build() throws IOException, InterruptedException {
    internet = lab.namespace("rwnet");
    direct = lab.namespace("rwdirect");
    nat = lab.namespace("rwnat");
    behindNat = lab.namespace("rwbehind");
    site = lab.namespace("rwsite");
    lab.in(internet, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    link(internet, "d", "198.51.100.1/30", direct, DIRECT_CLIENT);
    lab.in(direct, "ip", "route", "add", "default", "via", "198.51.100.1");
    link(internet, "n", "198.51.100.5/30", nat, NAT_PUBLIC);
    lab.in(nat, "ip", "route", "add", "default", "via", "198.51.100.5");
    lab.in(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    link(nat, "b", "10.77.0.1/24", behindNat, "10.77.0.2");
    lab.in(behindNat, "ip", "route", "add", "default", "via", "10.77.0.1");
    // The internet has no route to 10.77.0.0/24: only the masquerade gets the client through.
    lab.in(nat, "nft", "add", "table", "ip", "rwnat");
    lab.in(nat, "nft", "add chain ip rwnat post { type nat hook postrouting priority srcnat ; }");
    lab.in(nat, "nft", "add", "rule", "ip", "rwnat", "post", "oifname", end("n", 1), "masquerade");
  }

  /**
   * Moves the appliance's TUN devices to their kernels: the public one into the internet namespace
   * (its router at 203.0.113.1), the site one into the site namespace (the host 10.1.0.100, which
   * reaches the road warriors' virtual addresses 10.9.0.0/24 through it).
   */
  void adopt() throws IOException, InterruptedException {
    lab.moveInto(publicTun, internet, "203.0.113.1/24");
    lab.moveInto(siteTun, site, SITE_HOST + "/24");
    lab.in(site, "ip", "route", "add", "10.9.0.0/24", "dev", siteTun);
  }

  /** One end of a veth pair: rw, this run's tag, the pair's letter, 0 or 1. */
  private String end(String pair, int side) {
    return "rw" + tag + pair + side;
  }

  /**
   * A veth pair made straight inside two namespaces: end 0 with {@code address0} (a.b.c.d/len), end
   * 1 with {@code host1} on the same prefix. The namespaces take the pair when they go.
   */
  private void link(String ns0, String pair, String address0, String ns1, String host1)
      throws IOException, InterruptedException {
    NetnsLab.run(
        "ip",
        "link",
        "add",
        end(pair, 0),
        "netns",
        ns0,
        "type",
        "veth",
        "peer",
        "name",
        end(pair, 1),
        "netns",
        ns1);
    String length = address0.substring(address0.indexOf('/'));
    lab.in(ns0, "ip", "addr", "add", address0, "dev", end(pair, 0));
    lab.in(ns0, "ip", "link", "set", end(pair, 0), "up");
    lab.in(ns1, "ip", "addr", "add", host1 + length, "dev", end(pair, 1));
    lab.in(ns1, "ip", "link", "set", end(pair, 1), "up");
  }

  /** Runs a command inside a namespace to completion (20 s at most); its output. */
  String in(String namespace, String... command) throws IOException, InterruptedException {
    return lab.in(namespace, command);
  }

  /** Starts a program inside a namespace, output to a file; {@link #close} stops it if it runs. */
  Process start(String namespace, Path output, String... command) throws IOException {
    return lab.start(namespace, ProcessBuilder.Redirect.to(output.toFile()), command);
  }

  /** Ends a program started here with SIGTERM (so a capture writes its end), within 10 s. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    lab.close();
  }
}
