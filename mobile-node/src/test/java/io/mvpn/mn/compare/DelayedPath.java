package io.mvpn.mn.compare;

import io.mvpn.homeagent.NetnsLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one real path of seed 001's comparison with MOBIKE (issue 16), every link 20 ms each way:
 *
 * <pre>
 *   laptop ──A── 10.10.1.0/24 ──┐
 *                               internet router ── 203.0.113.0/24 ── gateway ── 10.1.0.0/24 ── site
 *   laptop ──B── 10.10.2.0/24 ──┘
 * </pre>
 *
 * Each box is a network namespace. Each link is two veth pairs whose inner ends sit in a "wire"
 * namespace, bridged there by {@code delay-relay.py} with {@link #DELAY} in each direction (the
 * kernel here has no netem). The laptop reaches the internet over A (default route, metric 100) or,
 * once A is gone, over B (metric 200). The gateway's namespace forwards between its internet link
 * ({@link #GATEWAY}) and the home network, where the site host ({@link #SITE_HOST}) routes
 * everything through it; what runs on the gateway and the laptop (a VPN gateway and its client) and
 * the laptop's address inside the tunnel are the {@link HandoverClient}'s to set up. The lab's
 * close takes it all away: namespaces, devices and relays.
 */
public final class DelayedPath {

  public static final Duration DELAY = Duration.ofMillis(20);

  public static final String LAPTOP_A = "10.10.1.2";
  public static final String ROUTER_A = "10.10.1.1";
  public static final String LAPTOP_B = "10.10.2.2";
  public static final String ROUTER_B = "10.10.2.1";
  public static final String ROUTER_INTERNET = "203.0.113.1";

  /** The security gateway's public address. */
  public static final String GATEWAY = "203.0.113.2";

  public static final String GATEWAY_HOME = "10.1.0.1";

  /** The host behind the gateway that the laptop's stream goes to. */
  public static final String SITE_HOST = "10.1.0.100";

  public static final String HOME_NETWORK = "10.1.0.0/24";

  /** The lab the namespaces belong to, for clients to run their programs in them. */
  public final NetnsLab lab;

  /** Where the run's files go (relays' output here; clients' beside). */
  public final Path dir;

  public final String laptop;
  public final String router;
  public final String gateway;
  public final String site;

  /** The namespace of the links' relays (every frame on the path passes through it). */
  public final String wire;

  /** The laptop's two access links, in {@link #laptop}. */
  public final String linkA;

  public final String linkB;

  /** The gateway's device on the internet link and on the home network, in {@link #gateway}. */
  public final String gatewayInternet;

  public final String gatewayHome;

  /** The site host's device, in {@link #site}. */
  public final String siteNic;

  private int relays;

  private DelayedPath(NetnsLab lab, Path dir) throws Exception {
    this.lab = lab;
    this.dir = dir;
    laptop = lab.namespace("mk-laptop");
    router = lab.namespace("mk-router");
    gateway = lab.namespace("mk-gw");
    site = lab.namespace("mk-site");
    wire = lab.namespace("mk-wire");
    linkA = lab.device("ka");
    linkB = lab.device("kb");
    gatewayInternet = lab.device("kg");
    siteNic = lab.device("ks");
    gatewayHome = siteNic + "r"; // the far end of the site's link, as link() names it
  }

  /** Builds the path in {@code lab}'s namespaces; relays' files go to {@code dir}. */
  public static DelayedPath build(NetnsLab lab, Path dir) throws Exception {
    DelayedPath p = new DelayedPath(lab, dir);
    p.link(p.laptop, p.linkA, LAPTOP_A, p.router, ROUTER_A);
    p.link(p.laptop, p.linkB, LAPTOP_B, p.router, ROUTER_B);
    p.link(p.gateway, p.gatewayInternet, GATEWAY, p.router, ROUTER_INTERNET);
    p.link(p.site, p.siteNic, SITE_HOST, p.gateway, GATEWAY_HOME);
    p.routes();
    return p;
  }

  private void routes() throws Exception {
    lab.in(laptop, "ip", "route", "add", "default", "via", ROUTER_A, "metric", "100");
    lab.in(laptop, "ip", "route", "add", "default", "via", ROUTER_B, "metric", "200");
    for (String forwarding : List.of(router, gateway)) {
      lab.in(forwarding, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
      lab.in(forwarding, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
    }
    lab.in(gateway, "ip", "route", "add", "default", "via", ROUTER_INTERNET);
    lab.in(site, "ip", "route", "add", "default", "via", GATEWAY_HOME);
  }

  /**
   * A delayed link between {@code near}'s device {@code device} and a device of {@code far}'s named
   * after it, each end addressed in a /24: two veth pairs into the wire namespace and a relay
   * between their ends there.
   */
  private void link(String near, String device, String nearAddress, String far, String farAddress)
      throws Exception {
    String farDevice = device + "r";
    String[] ends = {device + "w", farDevice + "w"};
    veth(near, device, ends[0]);
    veth(far, farDevice, ends[1]);
    lab.in(near, "ip", "addr", "add", nearAddress + "/24", "dev", device);
    lab.in(far, "ip", "addr", "add", farAddress + "/24", "dev", farDevice);
    lab.in(near, "ip", "link", "set", device, "up");
    lab.in(far, "ip", "link", "set", farDevice, "up");
    for (String end : ends) {
      lab.in(wire, "ip", "link", "set", end, "promisc", "on", "up");
    }
    DelayRelay.start(lab, wire, ends[0], ends[1], DELAY, dir, "relay-" + relays++);
  }

  /**
   * One more delayed link, between two devices the caller made in the root namespace (a JVM's TAP
   * ports, say): both move into the wire namespace, where a relay joins them with {@link #DELAY}
   * each way.
   */
  public void link(String a, String b) throws Exception {
    for (String end : List.of(a, b)) {
      lab.moveInto(end, wire);
      lab.in(wire, "ip", "link", "set", end, "promisc", "on");
    }
    DelayRelay.start(lab, wire, a, b, DELAY, dir, "relay-" + relays++);
  }

  /**
   * Gives {@code device}'s place in {@code namespace} to {@code tap} (a JVM's TAP port, in the root
   * namespace): the device's address goes, and a bridge joins the two, so the TAP's owner holds the
   * address on that link instead.
   */
  public void bridge(String namespace, String device, String tap, String bridge) throws Exception {
    lab.in(namespace, "ip", "addr", "flush", "dev", device);
    lab.in(namespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.moveInto(tap, namespace);
    for (String port : List.of(device, tap)) {
      lab.in(namespace, "ip", "link", "set", port, "master", bridge);
    }
    lab.in(namespace, "ip", "link", "set", bridge, "up");
  }

  /**
   * A veth pair from {@code device} in {@code namespace} to {@code end} in the wire namespace. One
   * segment per frame: a veth hands a UDP or TCP super-packet (UDP_SEGMENT, TSO) to its peer whole,
   * the relay's packet socket would read it as one frame larger than the link and drop it, where a
   * NIC would have put its segments on the wire; with {@code gso_max_segs 1} the sender's kernel
   * cuts them first.
   */
  private void veth(String namespace, String device, String end) throws Exception {
    NetnsLab.run(
        "ip", "link", "add", device, "netns", namespace, "type", "veth", "peer", "name", end,
        "netns", wire);
    lab.in(namespace, "ip", "link", "set", device, "gso_max_segs", "1");
    lab.in(wire, "ip", "link", "set", end, "gso_max_segs", "1");
    lab.in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + device + ".disable_ipv6=1");
    lab.in(wire, "sysctl", "-q", "-w", "net.ipv6.conf." + end + ".disable_ipv6=1");
  }

  /**
   * Pings the site host from the laptop's {@code source} address: three tries, bounded at 5 s (the
   * first datagram may wait for ARP along the way); throws unless they are answered.
   */
  public void pingSite(String source) throws Exception {
    lab.in(laptop, "ping", "-n", "-c", "3", "-i", "0.2", "-w", "5", "-I", source, SITE_HOST);
  }

  /**
   * Link A goes away at the laptop, as when its radio loses the network: the address first, the
   * device right after in one shell, so no client sees a link that is down but still addressed.
   */
  public void dropLinkA() throws Exception {
    lab.in(laptop, "sh", "-c", "ip addr flush dev " + linkA + " && ip link set " + linkA + " down");
  }
}
