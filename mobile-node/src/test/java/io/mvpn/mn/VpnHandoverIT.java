package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.net.transport.tun.KernelLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The installed launcher in mode vpn (seed 001) on a laptop namespace with two access networks,
 * against the appliance's security gateway, IKEv2 responder and home agent in this JVM ({@link
 * SecurityGatewayNetworks}): 20 ms each way on the Internet and in the DMZ (the appliance's own
 * link emulation). The laptop pings the site and the site pings the laptop every 10 ms, a TCP
 * transfer runs from the site's kernel to the laptop's, and the laptop moves from network A to B:
 * its link goes down, changes bridges, comes up with B's address. Once with the fast handover (the
 * SAs re-pointed, the registration through the tunnel, the gateway told by the home agent), once
 * with a fresh IKE SA. dumpcap records the laptop's TUN device and the site's; the gaps come from
 * their timestamps, the table goes to target/vpn-handover.md.
 *
 * <p>Needs root, /dev/net/tun, ip, socat, ping, dumpcap and tshark; fails without them under
 * CI=true. Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
class VpnHandoverIT extends SecurityGatewayNetworks {

  private static final Duration DELAY = Duration.ofMillis(20);
  private static final int PINGS = 500;
  private static final double PING_INTERVAL = 0.01;
  private static final int BYTES = 4 << 20;

  /** What one run measured, times in seconds. */
  record Run(
      String handover,
      double moveTook,
      Gap down,
      Gap up,
      boolean transferIntact,
      Map<String, String> status,
      List<String> gatewayIkePeers) {}

  /** The longest silence between two consecutive echo requests seen, and those never seen. */
  record Gap(double seconds, int lost) {}

  @Test
  void theFastHandoverKeepsTrafficFlowingWithinTheRoundTripsAndBeatsAFreshTunnel()
      throws Exception {
    KernelLab.requireKernel("socat", "ping", "dumpcap", "tshark");
    appliance(DELAY, DELAY);
    AccessNetwork a = accessNetwork("10.200.1", Ipv4Address.parse("203.0.113.21"));
    AccessNetwork b = accessNetwork("10.200.2", Ipv4Address.parse("203.0.113.22"));
    String laptop = lab.namespace("laptop");
    String port = lab.device("lp");
    String nic = lab.device("ln");
    veth(accessNamespace, port, nic, laptop);
    lab.in(accessNamespace, "ip", "link", "set", port, "up");
    lab.in(laptop, "ip", "link", "set", "lo", "up");

    Run fast = run("fast", laptop, port, nic, a, b);
    Run slow = run("reestablish", laptop, port, nic, b, a);

    double rtts = 2 * 2 * DELAY.toMillis() / 1000.0; // MN-gateway and gateway-HA round trips
    StringBuilder table =
        new StringBuilder(
            "| handover | downstream gap (ms) | lost down | upstream gap (ms) | lost up |"
                + " move itself (ms) | TCP intact |\n|---|---:|---:|---:|---:|---:|---|\n");
    for (Run r : List.of(fast, slow)) {
      table.append(
          "| %s | %.0f | %d | %.0f | %d | %.0f | %s |%n"
              .formatted(
                  r.handover(),
                  1000 * r.down().seconds(),
                  r.down().lost(),
                  1000 * r.up().seconds(),
                  r.up().lost(),
                  1000 * r.moveTook(),
                  r.transferIntact()));
    }
    table.append(
        "%nRound trips: MN-gateway %.0f ms, gateway-HA %.0f ms (20 ms each way on each);"
                .formatted(1000 * rtts / 2, 1000 * rtts / 2)
            + " pings every %.0f ms both ways; moves noticed from rtnetlink (a %d ms poll"
                .formatted(1000 * PING_INTERVAL, MoveDetector.POLL_MILLIS)
            + " without it).\n");
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/vpn-handover.md"), table);
    System.out.print(table);

    assertThat(fast.transferIntact()).as(table.toString()).isTrue();
    assertThat(slow.transferIntact()).as(table.toString()).isTrue();
    assertThat(fast.status()).containsEntry("care-of-address", b.laptop());
    assertThat(slow.status()).containsEntry("care-of-address", a.laptop());
    // Only the ESP SAs move in seed 001's handover; once the home agent accepted, the node's
    // liveness check from B moved the gateway's IKE SA there too (RFC 7296 §2.23).
    assertThat(fast.gatewayIkePeers()).as("the gateway's IKE SA").containsExactly(b.laptop());
    // Seed 001's bound: one MN-gateway and one gateway-HA round trip, 10 ms, plus what the move
    // itself took (link down to address up, as the commands ran), one detection poll and one ping
    // interval (arrivals are only seen every 10 ms).
    double bound =
        rtts + 0.010 + fast.moveTook() + MoveDetector.POLL_MILLIS / 1000.0 + PING_INTERVAL;
    assertThat(fast.down().seconds()).as(table.toString()).isLessThanOrEqualTo(bound);
    // Beats a fresh tunnel once each move's own time is taken out: on a loaded machine the `ip`
    // commands of one move took 617 ms against 231 ms for the other, more than the handovers
    // differ.
    assertThat(fast.down().seconds() - fast.moveTook())
        .as(table.toString())
        .isLessThan(slow.down().seconds() - slow.moveTook());
  }

  /**
   * One handover: the laptop on {@code from}, the node up, pings both ways and a TCP transfer, the
   * move to {@code to}, and what the captures say.
   */
  private Run run(
      String handover, String laptop, String port, String nic, AccessNetwork from, AccessNetwork to)
      throws Exception {
    attach(laptop, port, nic, from);
    Path config = nodeConfig(handover, nic, tun(handover), GATEWAY);
    Path log = dir.resolve("mn-" + handover + ".log");
    Process node = LaptopProcesses.up(lab, laptop, config, log);
    Result registered =
        LaptopProcesses.awaitRegistered(node, log, () -> mvpnMn(laptop, config, "status"));
    assertThat(registered.output()).contains("mode: vpn", "spi in 0x");

    Path payload = dir.resolve("payload-" + handover);
    byte[] bytes = new byte[BYTES];
    new Random(7).nextBytes(bytes);
    Files.write(payload, bytes);
    Path received = dir.resolve("received-" + handover);
    lab.start(
        site,
        ProcessBuilder.Redirect.DISCARD,
        "socat",
        "-u",
        "OPEN:" + payload,
        "TCP-LISTEN:5001,reuseaddr");
    Thread.sleep(200);
    Path atLaptop = dir.resolve("laptop-" + handover + ".pcapng");
    Path atSite = dir.resolve("site-" + handover + ".pcapng");
    Process laptopCapture = capture(laptop, tun(handover), atLaptop, "-f", "icmp");
    Process siteCapture = capture(site, siteDevice, atSite, "-f", "icmp");
    Process up = ping(laptop, SITE_HOST);
    Process down = ping(site, HOME.toString());
    Process transfer =
        lab.start(
            laptop,
            ProcessBuilder.Redirect.DISCARD,
            "socat",
            "-u",
            "TCP:" + SITE_HOST + ":5001,connect-timeout=5",
            "CREATE:" + received);

    Thread.sleep(1500);
    double took = move(laptop, port, nic, to);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Process p : List.of(up, down, transfer)) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
      }
    }
    Map<String, String> status = NodeStatus.fields(mvpnMn(laptop, config, "status").output());
    // Where the gateway's IKE SAs send (their answers, re-keys, the reply to the Delete at down).
    List<String> ikePeers =
        onLoop(
            () ->
                gatewayIke.engine().sas().stream()
                    .map(sa -> sa.remote().address().toString())
                    .toList());
    boolean intact = Files.exists(received) && sha256(received).equals(sha256(payload));
    laptopCapture.destroy();
    siteCapture.destroy();
    laptopCapture.waitFor(10, TimeUnit.SECONDS);
    siteCapture.waitFor(10, TimeUnit.SECONDS);
    Gap downGap = gap(atLaptop, SITE_HOST);
    Gap upGap = gap(atSite, HOME.toString());

    // The node's own account of the handover, for whoever reads the report.
    Files.readAllLines(log).stream()
        .filter(l -> l.contains("VpnNodeHost") || l.contains("LoopHost"))
        .forEach(System.out::println);
    Result stopped = mvpnMn(laptop, config, "down");
    assertThat(stopped.exit()).as(stopped.output() + Files.readString(log)).isZero();
    assertThat(node.waitFor(15, TimeUnit.SECONDS)).isTrue();
    return new Run(handover, took, downGap, upGap, intact, status, ikePeers);
  }

  /** The laptop's link on {@code n}'s bridge with its address and default route there. */
  private void attach(String laptop, String port, String nic, AccessNetwork n) throws Exception {
    lab.in(accessNamespace, "ip", "link", "set", port, "master", n.bridge());
    lab.in(laptop, "ip", "link", "set", nic, "up");
    lab.in(laptop, "ip", "addr", "replace", n.laptop() + "/24", "dev", nic);
    lab.in(laptop, "ip", "route", "replace", "default", "via", n.router(), "dev", nic);
  }

  /** A Wi-Fi roam as the laptop sees it: link down, another network, link up with its address. */
  private double move(String laptop, String port, String nic, AccessNetwork to) throws Exception {
    Instant start = Instant.now();
    lab.in(laptop, "ip", "link", "set", nic, "down");
    lab.in(laptop, "ip", "addr", "flush", "dev", nic);
    lab.in(accessNamespace, "ip", "link", "set", port, "nomaster");
    attach(laptop, port, nic, to);
    return Duration.between(start, Instant.now()).toNanos() / 1e9;
  }

  /** The node's TUN device in this run. */
  private String tun(String handover) {
    return lab.device("m" + handover.charAt(0));
  }

  private Result mvpnMn(String laptop, Path config, String verb) throws Exception {
    return LaptopProcesses.mvpnMn(lab, dir, laptop, config, verb);
  }

  /** Pings {@code target} every {@link #PING_INTERVAL}, {@link #PINGS} times, from a namespace. */
  private Process ping(String namespace, String target) throws Exception {
    return lab.start(
        namespace,
        ProcessBuilder.Redirect.DISCARD,
        "ping",
        "-q",
        "-i",
        Double.toString(PING_INTERVAL),
        "-c",
        Integer.toString(PINGS),
        target);
  }

  /**
   * Echo requests from {@code source} in a capture: the longest time between two consecutive
   * arrivals, and how many of the sequence numbers never arrived.
   */
  private Gap gap(Path capture, String source) throws Exception {
    Process tshark =
        new ProcessBuilder(
                "tshark",
                "-r",
                capture.toString(),
                "-T",
                "fields",
                "-e",
                "frame.time_epoch",
                "-e",
                "icmp.seq",
                "-Y",
                "ip.src==" + source + " && icmp.type==8")
            .redirectErrorStream(false)
            .start();
    String out = new String(tshark.getInputStream().readAllBytes());
    assertThat(tshark.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Map<Integer, Double> arrivals = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2) {
        arrivals.putIfAbsent(Integer.parseInt(f[1]), Double.parseDouble(f[0]));
      }
    }
    List<Double> times = new ArrayList<>(arrivals.values());
    times.sort(Double::compare);
    double longest = 0;
    for (int i = 1; i < times.size(); i++) {
      longest = Math.max(longest, times.get(i) - times.get(i - 1));
    }
    return new Gap(longest, PINGS - arrivals.size());
  }
}
