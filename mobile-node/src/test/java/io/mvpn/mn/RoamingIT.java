package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.mn.compare.DelayRelay;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.TunTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The laptop roams with a live TCP download. One test goes everywhere {@code mode: auto} goes:
 * home, both agents' networks, a network with an address and a default route but no agent, and home
 * again (its own javadoc says how). The other, in foreign-agent mode: from the first foreign
 * agent's access network to the second's and back, while the kernel in the laptop's namespace
 * downloads 24 MiB from its site's kernel. Every link of the path is 20 ms each way: the access
 * link through {@code delay-relay.py} (userspace: this kernel has no netem), the agents' uplinks to
 * the home agent through the appliance's own link emulation (a memory segment with a 20 ms delay).
 * A move is what a Wi-Fi roam looks like to the laptop: its link goes down, the relay's far end
 * changes bridges, the link comes up. dumpcap records the laptop's side of the relay; for each move
 * the interruption (the laptop's last acknowledgement of new data before the move to its first
 * after) is measured against one registration round trip (request to reply, from the same capture)
 * plus one advertisement interval.
 *
 * <p>Needs root, /dev/net/tun, ip, socat, python3, dumpcap and tshark; fails without them under
 * CI=true. Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
class RoamingIT extends ForeignAgentNetworks {

  private static final Duration DELAY = Duration.ofMillis(20);
  private static final int BYTES = 24 << 20;
  private static final Ipv4Address FA1 = Ipv4Address.parse("203.0.113.21");
  private static final Ipv4Address FA2 = Ipv4Address.parse("203.0.113.22");
  private static final Ipv4Address CAFE_UPLINK = Ipv4Address.parse("203.0.113.30");
  private static final String CAFE_ADDRESS = "10.200.0.5";

  /**
   * How long the node in auto mode waits for an agent after a move before it takes a co-located
   * care-of address: the agents answer a solicitation within one round trip on the 20 ms link.
   */
  private static final long AGENT_WAIT_MILLIS = 200;

  /** One handover as the capture shows it, in seconds since the epoch. */
  record Handover(
      String to, double moved, double lastBefore, double firstAfter, double request, double reply) {
    double interruption() {
      return firstAfter - lastBefore;
    }

    double registrationRoundTrip() {
      return reply - request;
    }
  }

  @Test
  void aDownloadRunningWhileTheLaptopRoamsBetweenTwoAgentsCompletesIntactWithShortGaps()
      throws Exception {
    KernelLab.requireKernel("socat", "dumpcap");
    internet(LinkProperties.IDEAL.withDelay(DELAY));
    AccessNetwork lan1 = accessNetwork("lan1", FA1);
    AccessNetwork lan2 = accessNetwork("lan2", FA2);
    homeAgents("acme");
    startLaptop("acme", 0, 0, null);
    Laptop l = laptops.get("acme");
    String relayEnd = delayedAccessLink(l, lan1.bridge);
    awaitRegistered(l);
    Path capture = dir.resolve("laptop.pcapng");
    Process dumpcap = capture(accessNamespace, l.port(), capture);

    Download d = startDownload(l);
    Path progress = d.progress();
    Process download = d.process();

    List<AccessNetwork> route = List.of(lan2, lan1);
    List<Double> moves = new ArrayList<>();
    for (int i = 0; i < route.size(); i++) {
      awaitProgress(l, progress, (long) BYTES * (i + 1) / (route.size() + 1), download);
      AccessNetwork next = route.get(i);
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "down");
      // Once the command returned the link is down (spawning it may take a while on a busy
      // host): what the laptop sent before this is from before the move, the rest after.
      moves.add(epochSeconds(Instant.now()));
      lab.in(accessNamespace, "ip", "link", "set", relayEnd, "master", next.bridge);
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "up");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!(status(l).get("state").equals(NodeStatus.REGISTERED)
              && routedThrough(l, next.careOf))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(routedThrough(l, next.careOf))
          .as("move %d: routed through %s", i + 1, next.careOf)
          .isTrue();
    }

    assertIntact(d);
    Map<String, String> status = status(l);
    assertThat(status).containsEntry("foreign-agent", FA1.toString());

    dumpcap.destroy();
    assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).isTrue();
    List<Handover> handovers = handovers(capture, moves, route);
    StringBuilder table =
        new StringBuilder(
            "| handover | interruption (ms) | registration round trip (ms) | bound (ms) |\n"
                + "|---|---|---|---|\n");
    String[] names = {"FA1 → FA2", "FA2 → FA1"};
    for (int i = 0; i < handovers.size(); i++) {
      Handover h = handovers.get(i);
      double bound = h.registrationRoundTrip() + advertisementInterval(lan1);
      table.append(
          "| %s | %.0f | %.0f | %.0f |%n"
              .formatted(
                  names[i],
                  1000 * h.interruption(),
                  1000 * h.registrationRoundTrip(),
                  1000 * bound));
    }
    Files.writeString(Path.of("target/roaming-handovers.md"), table);
    System.out.print(table);
    for (Handover h : handovers) {
      assertThat(h.interruption())
          .as("interruption moving to %s: %s", h.to(), h)
          .isLessThanOrEqualTo(h.registrationRoundTrip() + advertisementInterval(lan1));
    }
  }

  /** The site's file, its download by the laptop, and where the download has got to. */
  record Download(Path served, Path progress, Path received, Process process) {}

  /**
   * Serves 24 MiB from the site's kernel (socat) and starts the laptop's paced download of it, from
   * the home address.
   */
  private Download startDownload(Laptop l) throws Exception {
    byte[] file = new byte[BYTES];
    new Random(16).nextBytes(file);
    Path served = Files.write(dir.resolve("download"), file);
    lab.start(
        l.site(),
        ProcessBuilder.Redirect.DISCARD,
        "socat",
        "-u", // from the first address to the second: the file into the connection
        "OPEN:" + served + ",rdonly",
        "TCP-LISTEN:5002,bind=" + HOST_AT_HOME + ",reuseaddr");
    Path progress = dir.resolve("progress");
    Path received = dir.resolve("received");
    Process download =
        lab.start(
            l.namespace(),
            ProcessBuilder.Redirect.to(dir.resolve("download.txt").toFile()),
            NetnsLab.PYTHON.toString(),
            "-c",
            PACED_DOWNLOAD,
            HOST_AT_HOME,
            "5002",
            progress.toString(),
            received.toString());
    return new Download(served, progress, received, download);
  }

  /** The download ended well, every byte as served. */
  private void assertIntact(Download d) throws Exception {
    assertThat(d.process().waitFor(120, TimeUnit.SECONDS)).as("the download ended").isTrue();
    Result done =
        new Result(d.process().exitValue(), Files.readString(dir.resolve("download.txt")));
    assertThat(done.exit()).as("download: %s", done.output()).isZero();
    assertThat(Files.size(d.received())).isEqualTo(BYTES);
    assertThat(sha256(d.received())).as("the downloaded file").isEqualTo(sha256(d.served()));
  }

  /** A network the laptop visits: the bridge its link joins, what "DHCP" gives it there. */
  record Stop(String name, String bridge, String address, String gateway, String attachment) {}

  /**
   * {@code mode: auto} across every kind of network: the laptop starts at home (its home address on
   * its own interface, no tunnel), roams to the first agent's network, the second's, a network that
   * gives it an address and a default route but has no agent (a co-located care-of address, RFC
   * 3519 tunnelling), and home again (deregistration), while its kernel downloads 24 MiB from the
   * site's. Every network is behind the same 20 ms relay; the agents' uplinks and the co-located
   * network's router reach the home agent over the 20 ms internet segment. Interruptions come from
   * a capture at the site (the longest silence in the laptop's advancing acknowledgements around
   * each move), registration round trips from a capture on the laptop's link.
   */
  @Test
  void aDownloadRunningWhileTheLaptopGoesHomeToTwoAgentsToACoLocatedAddressAndHomeCompletesIntact()
      throws Exception {
    KernelLab.requireKernel("socat", "dumpcap");
    internet(LinkProperties.IDEAL.withDelay(DELAY));
    AccessNetwork lan1 = accessNetwork("lan1", FA1);
    AccessNetwork lan2 = accessNetwork("lan2", FA2);
    ethernetHome = true;
    homeAgents("acme");
    String cafe = colocatedNetwork();
    startLaptop("acme", 0, 0, null, "mode: auto\nagentWaitMillis: " + AGENT_WAIT_MILLIS + "\n");
    Laptop l = laptops.get("acme");
    Stop home = new Stop("home", homeBridge, "10.1.0.5/16", "10.1.0.1", "home");
    List<Stop> route =
        List.of(
            new Stop("FA1", lan1.bridge, null, null, "fa " + FA1),
            new Stop("FA2", lan2.bridge, null, null, "fa " + FA2),
            new Stop(
                "co-located",
                cafe,
                CAFE_ADDRESS + "/24",
                "10.200.0.1",
                "colocated " + CAFE_ADDRESS),
            home);
    String relayEnd = delayedAccessLink(l, homeBridge);
    configure(l, home);
    awaitAt(l, home, 0);
    Path capture = dir.resolve("laptop.pcapng");
    Process dumpcap = capture(accessNamespace, l.port(), capture);
    Path siteCapture = dir.resolve("site.pcapng");
    Process siteDumpcap = capture(l.site(), homeSiteNic, siteCapture);

    Download d = startDownload(l);
    Path progress = d.progress();
    Process download = d.process();

    List<Double> moves = new ArrayList<>();
    awaitProgress(l, progress, 2 << 20, download);
    for (int i = 0; i < route.size(); i++) {
      Stop next = route.get(i);
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "down");
      moves.add(epochSeconds(Instant.now()));
      lab.in(l.namespace(), "ip", "addr", "flush", "dev", l.nic());
      lab.in(accessNamespace, "ip", "link", "set", relayEnd, "master", next.bridge());
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "up");
      configure(l, next);
      awaitAt(l, next, i + 1);
      // Data on this network before the next move: 2 MiB more than when the laptop got here.
      awaitProgress(l, progress, bytesSoFar(progress) + (2 << 20), download);
    }

    assertIntact(d);
    Map<String, String> status = status(l);
    assertThat(status)
        .containsEntry("state", NodeStatus.AT_HOME)
        .containsEntry("mode", "auto")
        .containsEntry("attachment", "home");
    assertThat(store.bindings(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5")))
        .as("no binding left at home")
        .isEmpty();

    dumpcap.destroy();
    siteDumpcap.destroy();
    assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(siteDumpcap.waitFor(10, TimeUnit.SECONDS)).isTrue();
    List<Handover> handovers = silences(siteCapture, capture, moves, route);
    double interval = advertisementInterval(lan1);
    StringBuilder table =
        new StringBuilder(
            "| handover | interruption (ms) | registration round trip (ms) | bound (ms) |\n"
                + "|---|---|---|---|\n");
    Stop from = home;
    for (int i = 0; i < handovers.size(); i++) {
      Handover h = handovers.get(i);
      table.append(
          "| %s → %s | %.0f | %.0f | %.0f |%n"
              .formatted(
                  from.name(),
                  route.get(i).name(),
                  1000 * h.interruption(),
                  1000 * h.registrationRoundTrip(),
                  1000 * (h.registrationRoundTrip() + interval)));
      from = route.get(i);
    }
    Files.writeString(Path.of("target/roaming-full-handovers.md"), table);
    System.out.print(table);
    for (Handover h : handovers) {
      assertThat(h.interruption())
          .as("interruption moving to %s: %s", h.to(), h)
          .isLessThanOrEqualTo(h.registrationRoundTrip() + interval);
    }
  }

  /** What the network's DHCP would do, done by hand: the address and the default route. */
  private void configure(Laptop l, Stop stop) throws Exception {
    if (stop.address() != null) {
      lab.in(l.namespace(), "ip", "addr", "add", stop.address(), "dev", l.nic());
      // With the device, as DHCP clients set it: the tunnel's route to the home network may
      // still be there when the laptop comes home, and would carry the gateway otherwise.
      lab.in(l.namespace(), "ip", "route", "add", "default", "via", stop.gateway(), "dev", l.nic());
    }
  }

  /** Waits, at most 10 s, until the node says it is attached at {@code stop} and can carry data. */
  private void awaitAt(Laptop l, Stop stop, int move) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(move == 0 ? 30 : 10);
    Map<String, String> now = statusOnceUp(l);
    while (!(stop.attachment().equals(now.get("attachment"))
            && NodeStatus.connected(now.get("state")))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = statusOnceUp(l);
    }
    assertThat(now)
        .as("move %d to %s: %s", move, stop.name(), Files.readString(dir.resolve("acme.log")))
        .containsEntry("attachment", stop.attachment());
    assertThat(NodeStatus.connected(now.get("state")))
        .as(
            "move %d: %s; routes: %s; neighbours: %s; node log: %s",
            move,
            now,
            lab.in(l.namespace(), "ip", "route"),
            lab.in(l.namespace(), "ip", "neigh"),
            Files.readString(dir.resolve(l.tenant() + ".log")))
        .isTrue();
  }

  /** The node's status; nothing while it has not opened its control socket yet. */
  private Map<String, String> statusOnceUp(Laptop l) throws Exception {
    try {
      return status(l);
    } catch (java.io.IOException e) {
      return Map.of();
    }
  }

  /**
   * The co-located network: a bridge in the access namespace, which routes for it (10.200.0.1) as a
   * café's router would; its uplink is a TUN device into a VRF of its own on the 20 ms internet
   * segment, as the agents' uplinks are.
   */
  private String colocatedNetwork() throws Exception {
    String bridge = lab.device("bc");
    lab.in(accessNamespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.in(accessNamespace, "ip", "addr", "add", "10.200.0.1/24", "dev", bridge);
    lab.in(accessNamespace, "ip", "link", "set", bridge, "up");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
    String tun = lab.device("cu");
    // Ethernet's MTU, as the café's uplink would have: the RFC 3519 tunnel adds 32 bytes to the
    // laptop's datagrams of up to its TUN's 1400.
    TunTransport toRouter = TunTransport.open(tun, 1500);
    Vrf uplink = vrf("cafe-uplink");
    Prefix cafe = Prefix.parse("10.200.0.0/24");
    onLoop(
        () -> {
          Interface down =
              uplink.addInterface("cafe-router", Ipv4Address.parse("10.200.1.1"), 30, toRouter);
          Interface up = uplink.addInterface("cafe-internet", CAFE_UPLINK, 24, internetPort());
          uplink.addRoute(new Route(cafe, null, down, Route.Origin.STATIC));
          uplink.addRoute(
              new Route(Prefix.parse("198.51.100.0/24"), PUBLIC_SIDE, up, Route.Origin.STATIC));
          publicVrf.addRoute(cafe, CAFE_UPLINK, Route.Origin.STATIC);
          return null;
        });
    lab.moveInto(tun, accessNamespace, "10.200.1.2/30");
    lab.in(accessNamespace, "ip", "route", "add", "198.51.100.0/24", "via", "10.200.1.1");
    return bridge;
  }

  private static long bytesSoFar(Path progress) throws Exception {
    String text = Files.exists(progress) ? Files.readString(progress).trim() : "";
    return text.isEmpty() ? 0 : Long.parseLong(text);
  }

  /**
   * For each move: the longest silence in the laptop's advancing acknowledgements as the site saw
   * them, from before the move until the next one, and the first registration request on the
   * laptop's link after the move (through an agent, straight to the home agent, or the
   * deregistration at home) with the reply that followed.
   */
  private static List<Handover> silences(
      Path siteCapture, Path laptopCapture, List<Double> moves, List<Stop> route) throws Exception {
    List<Double> acks = new ArrayList<>();
    long acked = -1;
    for (String line :
        Tshark.fields(siteCapture, List.of(), "frame.time_epoch", "ip.src", "tcp.ack")
            .lines()
            .toList()) {
      String[] f = line.split("\\|", -1);
      if (f[1].equals("10.1.0.5") && !f[2].isEmpty() && Long.parseLong(f[2]) > acked) {
        acked = Long.parseLong(f[2]);
        acks.add(Double.parseDouble(f[0]));
      }
    }
    List<String[]> registrations =
        Tshark.fields(laptopCapture, List.of(), "frame.time_epoch", "mip.type")
            .lines()
            .map(line -> line.split("\\|", -1))
            .filter(f -> f[1].equals("1") || f[1].equals("3"))
            .toList();
    List<Handover> handovers = new ArrayList<>();
    for (int i = 0; i < moves.size(); i++) {
      double moved = moves.get(i);
      double until = i + 1 < moves.size() ? moves.get(i + 1) : Double.MAX_VALUE;
      double lastBefore = Double.NaN;
      double firstAfter = Double.NaN;
      for (int k = 1; k < acks.size(); k++) {
        double a = acks.get(k - 1);
        double b = acks.get(k);
        boolean around = b > moved && a < until && a > moved - 1;
        if (around && (Double.isNaN(firstAfter) || b - a > firstAfter - lastBefore)) {
          lastBefore = a;
          firstAfter = b;
        }
      }
      double request = Double.NaN;
      double reply = Double.NaN;
      for (String[] f : registrations) {
        double t = Double.parseDouble(f[0]);
        if (t > moved && f[1].equals("1") && Double.isNaN(request)) {
          request = t;
        } else if (!Double.isNaN(request) && f[1].equals("3") && Double.isNaN(reply)) {
          reply = t;
        }
      }
      assertThat(List.of(lastBefore, firstAfter, request, reply))
          .as("move %d in the captures", i + 1)
          .noneMatch(d -> d.isNaN());
      handovers.add(
          new Handover(route.get(i).name(), moved, lastBefore, firstAfter, request, reply));
    }
    return handovers;
  }

  /**
   * The laptop's access link with 20 ms each way: its veth's far end ({@code port}) and one end of
   * a second veth pair are bridged by the relay; the pair's other end, returned, is the port of an
   * access network's bridge, and moves between bridges as the laptop roams.
   */
  private String delayedAccessLink(Laptop l, String bridge) throws Exception {
    String near = lab.device("rn");
    String far = lab.device("rf");
    lab.in(accessNamespace, "ip", "link", "add", near, "type", "veth", "peer", "name", far);
    for (String dev : List.of(near, far)) {
      lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
    }
    lab.in(accessNamespace, "ip", "link", "set", far, "master", bridge, "up");
    lab.in(accessNamespace, "ip", "link", "set", near, "promisc", "on", "up");
    lab.in(accessNamespace, "ip", "link", "set", l.port(), "promisc", "on", "up");
    DelayRelay.start(lab, accessNamespace, l.port(), near, DELAY, dir, "relay");
    return far;
  }

  private void awaitProgress(Laptop l, Path progress, long bytes, Process download)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && download.isAlive()) {
      if (Files.exists(progress)) {
        String text = Files.readString(progress).trim();
        if (!text.isEmpty() && Long.parseLong(text) >= bytes) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        ("the download did not reach %d bytes: at %s; %s; laptop's TCP: %s; routes: %s;"
                + " node: %s; its log: %s")
            .formatted(
                bytes,
                Files.exists(progress) ? Files.readString(progress) : "nothing",
                Files.readString(dir.resolve("download.txt")),
                lab.in(l.namespace(), "ss", "-tin"),
                lab.in(l.namespace(), "ip", "route"),
                status(l),
                Files.readString(dir.resolve(l.tenant() + ".log"))));
  }

  /**
   * For each move: when the laptop last acknowledged new data from the site before it and first
   * after it, and the first registration request to the new agent after it with the reply that
   * followed. The capture is on the relay's side of the laptop's link, so a frame to the laptop
   * there may have died on its downed link; what the laptop sends it did send, and an
   * acknowledgement that advances says the data arrived.
   */
  private static List<Handover> handovers(
      Path capture, List<Double> moves, List<AccessNetwork> route) throws Exception {
    String fields =
        Tshark.fields(
            capture,
            List.of(), // relative sequence numbers: no wrap within the download
            "frame.time_epoch",
            "ip.src",
            "ip.dst",
            "tcp.ack",
            "mip.type");
    List<String[]> frames = fields.lines().map(line -> line.split("\\|", -1)).toList();
    List<Handover> handovers = new ArrayList<>();
    for (int i = 0; i < moves.size(); i++) {
      double moved = moves.get(i);
      String agent = route.get(i).careOf.toString();
      double lastBefore = Double.NaN;
      double firstAfter = Double.NaN;
      double request = Double.NaN;
      double reply = Double.NaN;
      long acked = -1;
      for (String[] f : frames) {
        double t = Double.parseDouble(f[0]);
        boolean fromLaptop = f[1].equals("10.1.0.5") && f[2].equals(HOST_AT_HOME);
        long ack = fromLaptop && !f[3].isEmpty() ? Long.parseLong(f[3]) : -1;
        if (ack > acked) {
          acked = ack;
          if (t < moved) {
            lastBefore = t;
          } else if (Double.isNaN(firstAfter)) {
            firstAfter = t;
          }
        }
        if (t > moved && f[4].equals("1") && f[2].equals(agent) && Double.isNaN(request)) {
          request = t;
        } else if (!Double.isNaN(request) && f[4].equals("3") && Double.isNaN(reply)) {
          reply = t;
        }
      }
      assertThat(List.of(lastBefore, firstAfter, request, reply))
          .as("move %d in the capture", i + 1)
          .noneMatch(d -> d.isNaN());
      // Nothing reaches the laptop through the new agent before the home agent accepted.
      assertThat(firstAfter).as("move %d: data again after the reply", i + 1).isGreaterThan(reply);
      handovers.add(new Handover(agent, moved, lastBefore, firstAfter, request, reply));
    }
    return handovers;
  }

  private static double advertisementInterval(AccessNetwork n) {
    return n.config.advertisementIntervalNanos() / 1e9;
  }

  private static double epochSeconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  /**
   * Downloads from the site's port at about 3 MB/s (the laptop's application reads no faster, so
   * the transfer lasts through both moves), from the home address; writes the bytes so far to the
   * progress file every tenth of a second, and the bytes to the received file.
   */
  private static final String PACED_DOWNLOAD =
      """
      import os, socket, sys, time
      host, port, progress, received = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
      def connect():
          s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
          s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)
          s.bind(("10.1.0.5", 0)); s.connect((host, port))
          return s
      for attempt in range(40):
          try:
              s = connect(); break
          except OSError:
              time.sleep(0.25)
      s.settimeout(60)
      rate, total, start, shown = 3_000_000, 0, time.monotonic(), 0.0
      with open(received, "wb") as out:
          while True:
              data = s.recv(65536)
              if not data:
                  break
              out.write(data); total += len(data)
              now = time.monotonic()
              if now - shown >= 0.1:
                  with open(progress + ".new", "w") as p:
                      p.write(str(total))
                  os.replace(progress + ".new", progress); shown = now
              ahead = total / rate - (now - start)
              if ahead > 0:
                  time.sleep(ahead)
      with open(progress + ".new", "w") as p:
          p.write(str(total))
      os.replace(progress + ".new", progress)
      print(total)
      """;
}
