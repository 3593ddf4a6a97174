package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.cfg;
import static io.mvpn.mn.LaptopProcesses.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.transport.tap.FrameDrop;
import io.mvpn.net.transport.tun.KernelLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two tenants' laptops with the same home address on one Ethernet access network behind the shared
 * foreign agent, each the real {@code mvpn-mn} launcher in foreign-agent mode in a namespace of its
 * own. The agent's access side is a TAP device on the access network's bridge (etc's disabled lan1
 * example), its uplink a memory segment to the appliance's public VRF with both tenants' home
 * agents; each tenant's site is a namespace whose kernel is 10.1.0.100 on the tenant's LAN TUN
 * device. Each laptop pings, exchanges UDP and moves a file over TCP with its own site; each site
 * counts only its own tenant's datagrams. tshark reads the access link.
 *
 * <p>Needs root, /dev/net/tun, ip, ping, socat, python3 and tshark; fails without them under
 * CI=true. Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
class SharedForeignAgentIT extends ForeignAgentNetworks {

  private AccessNetwork lan1;

  @Test
  void twoTenantsLaptopsWithOneHomeAddressBehindTheSharedAgentEachReachOnlyTheirOwnSite()
      throws Exception {
    KernelLab.requireKernel("ping", "socat", "dumpcap");
    lan1 = accessNetwork("lan1", lan1CareOf());
    String bridge = lan1.bridge;
    homeAgents("acme", "globex");
    Path capture = dir.resolve("access.pcapng");
    // The first advertisements must be in the file.
    Process dumpcap = capture(accessNamespace, bridge, capture);
    startLaptop("acme", 3, 2, bridge);
    startLaptop("globex", 2, 4, bridge);

    for (Laptop l : laptops.values()) {
      Map<String, String> status = NodeStatus.fields(awaitRegistered(l).output());
      assertThat(status)
          .containsEntry("home-address", "10.1.0.5")
          .containsEntry("care-of-address", lan1.careOf.toString())
          .containsEntry("foreign-agent", lan1.careOf.toString())
          .containsEntry("tunnel", "reverse tunnel by the foreign agent (RFC 3024)");
    }
    // One home address, two visitors, told apart by the MAC each registered from.
    assertThat(onLoop(() -> lan1.agent.visitors()))
        .hasSize(2)
        .allSatisfy(v -> assertThat(v.homeAddress()).hasToString("10.1.0.5"))
        .extracting(v -> v.station())
        .doesNotHaveDuplicates();

    Map<String, Map<String, Long>> siteBefore = new LinkedHashMap<>();
    for (Laptop l : laptops.values()) {
      siteBefore.put(l.tenant(), lab.snmp(l.site()));
    }
    for (Laptop l : laptops.values()) {
      String ping =
          lab.in(
              l.namespace(),
              "ping",
              "-c",
              Integer.toString(l.pings()),
              "-W",
              "5",
              "-I",
              "10.1.0.5",
              HOST_AT_HOME);
      assertThat(ping).contains(l.pings() + " packets transmitted, " + l.pings() + " received");
      assertThat(udpExchange(l)).containsExactlyElementsOf(udpLines(l));
    }
    for (Laptop l : laptops.values()) {
      Map<String, Long> after = lab.snmp(l.site());
      Map<String, Long> before = siteBefore.get(l.tenant());
      assertThat(after.get("Icmp.InEchos") - before.get("Icmp.InEchos"))
          .as("%s site's echo requests", l.tenant())
          .isEqualTo(l.pings());
      assertThat(after.get("Udp.InDatagrams") - before.get("Udp.InDatagrams"))
          .as("%s site's UDP datagrams", l.tenant())
          .isEqualTo(l.udps());
      // The tenant VRF's LAN interface: the same datagrams, out to the site and back.
      int exchanged = l.pings() + l.udps();
      assertThat(onLoop(() -> l.lan().counters().sent())).isEqualTo(exchanged);
      assertThat(onLoop(() -> l.lan().counters().received())).isEqualTo(exchanged);
    }

    // A file over TCP each, different bytes per tenant, echoed by the site's kernel.
    for (Laptop l : laptops.values()) {
      tcpEcho(l);
    }

    // The agent restarts and forgets its visitors; its advertisements count from 0 again, which
    // tells both laptops to register anew (RFC 5944 §2.3.2).
    Map<String, Long> requestsBefore = new LinkedHashMap<>();
    for (Laptop l : laptops.values()) {
      requestsBefore.put(l.tenant(), Long.parseLong(status(l).get("registration-requests")));
    }
    lan1.restart();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (onLoop(() -> lan1.agent.visitors()).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(onLoop(() -> lan1.agent.visitors())).as("visitors after the restart").hasSize(2);
    for (Laptop l : laptops.values()) {
      // The node itself registered again (not a refresh at half the 300 s lifetime).
      Map<String, String> after = status(l);
      assertThat(Long.parseLong(after.get("registration-requests")))
          .as("%s's registration requests after the agent's restart", l.tenant())
          .isGreaterThan(requestsBefore.get(l.tenant()));
      assertThat(after).containsEntry("attachment", "fa " + lan1.careOf);
    }
    for (Laptop l : laptops.values()) {
      assertThat(
              lab.in(l.namespace(), "ping", "-c", "1", "-W", "5", "-I", "10.1.0.5", HOST_AT_HOME))
          .contains("1 packets transmitted, 1 received");
    }

    Result down = mvpnMn(laptops.get("acme"), "down");
    assertThat(down.exit()).as("down: %s", down.output()).isZero();
    assertThat(laptops.get("acme").node().waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(store.bindings(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"))).isEmpty();
    assertThat(store.bindings(MvpnId.of("globex"), Ipv4Address.parse("10.1.0.5"))).hasSize(1);

    dumpcap.destroy();
    assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertAccessLinkAsWiresharkReadsIt(capture);
    assertThat(lan1.tap.dropped(FrameDrop.BAD_ARP) + lan1.tap.dropped(FrameDrop.BAD_IPV4)).isZero();
  }

  /**
   * The laptop's interface goes down and up twenty times in a row while it pings its site: each
   * time the kernel drops the routes through it, the node notices (the link down, then up, or a
   * flap between two looks by the carrier count) and registers through the agent again, setting the
   * routes anew once the home agent accepted. Each round waits, bounded, only for that.
   */
  @Test
  void aLaptopWhoseLinkFlapsTwentyTimesEndsRegisteredThroughTheAgentAndReachesItsSite()
      throws Exception {
    KernelLab.requireKernel("ping", "socat");
    lan1 = accessNetwork("lan1", lan1CareOf());
    homeAgents("acme");
    startLaptop("acme", 0, 0, lan1.bridge);
    Laptop l = laptops.get("acme");
    awaitRegistered(l);
    Map<String, String> before = status(l);
    Process pinging =
        lab.start(
            l.namespace(),
            ProcessBuilder.Redirect.to(dir.resolve("ping.txt").toFile()),
            "ping",
            "-i",
            "0.2",
            "-w",
            "120",
            "-I",
            "10.1.0.5",
            HOST_AT_HOME);

    int flaps = 20;
    for (int i = 1; i <= flaps; i++) {
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "down");
      lab.in(l.namespace(), "ip", "link", "set", l.nic(), "up");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Map<String, String> now = status(l);
      while (!(Long.parseLong(now.get("moves-detected")) >= i
              && now.get("state").equals(NodeStatus.REGISTERED)
              && routedThrough(l, lan1.careOf))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
        now = status(l);
      }
      assertThat(now)
          .as("flap %d: %s", i, Files.readString(dir.resolve("acme.log")))
          .containsEntry("state", NodeStatus.REGISTERED);
      assertThat(routedThrough(l, lan1.careOf))
          .as("flap %d: the route through the agent", i)
          .isTrue();
    }

    Map<String, String> after = status(l);
    assertThat(Long.parseLong(after.get("moves-detected"))).isEqualTo(flaps);
    assertThat(Long.parseLong(after.get("link-downs"))).isEqualTo(flaps);
    assertThat(
            Long.parseLong(after.get("registration-requests"))
                - Long.parseLong(before.get("registration-requests")))
        .as("registrations again, one per flap at least")
        .isGreaterThanOrEqualTo(flaps);
    assertThat(onLoop(() -> lan1.agent.visitors())).hasSize(1);
    assertThat(store.bindings(MvpnId.of("acme"), Ipv4Address.parse("10.1.0.5"))).hasSize(1);
    assertThat(lab.in(l.namespace(), "ping", "-c", "3", "-W", "5", "-I", "10.1.0.5", HOST_AT_HOME))
        .contains("3 packets transmitted, 3 received");
    pinging.destroy();
    assertThat(pinging.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String pings = Files.readString(dir.resolve("ping.txt"));
    assertThat(pings).as("echo replies while the link flapped").contains("bytes from 10.1.0.100");
    System.out.printf(
        "flaps: %d, moves detected %s, registration requests %s -> %s, ping replies %d%n",
        flaps,
        after.get("moves-detected"),
        before.get("registration-requests"),
        after.get("registration-requests"),
        pings.lines().filter(line -> line.contains("bytes from")).count());
  }

  /** The care-of address etc's disabled lan1 example gives its agent. */
  private static Ipv4Address lan1CareOf() throws Exception {
    return Ipv4Address.parse(
        cfg("io.mvpn.foreignagent-lan1.cfg.disabled").getProperty("careOf").split("/")[0]);
  }

  /** UDP datagrams from the home address to the site's echo server, and what came back. */
  private List<String> udpExchange(Laptop l) throws Exception {
    Path ready = dir.resolve(l.tenant() + ".echo-ready");
    Process server =
        lab.start(
            l.site(),
            ProcessBuilder.Redirect.DISCARD,
            NetnsLab.PYTHON.toString(),
            "-c",
            ECHO_SERVER,
            HOST_AT_HOME,
            Integer.toString(l.udps()),
            ready.toString());
    // A datagram sent before the server binds would reach a closed port and be sent again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(ready) && server.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ready).as("%s site's echo server bound", l.tenant()).exists();
    Result client =
        LaptopProcesses.command(
            lab,
            dir,
            l.namespace(),
            NetnsLab.PYTHON.toString(),
            "-c",
            ECHO_CLIENT,
            HOST_AT_HOME,
            Integer.toString(l.udps()),
            l.tenant());
    assertThat(client.exit()).as("udp client: %s", client.output()).isZero();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return client.output().lines().toList();
  }

  private static List<String> udpLines(Laptop l) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < l.udps(); i++) {
      lines.add("10.1.0.100:7 " + l.tenant() + " " + i);
    }
    return lines;
  }

  /** Echoes {@code count} datagrams on port 7, then exits; at most 30 s. Says when bound. */
  private static final String ECHO_SERVER =
      """
      import socket, sys
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind((sys.argv[1], 7)); s.settimeout(30)
      open(sys.argv[3], "w").close()
      for _ in range(int(sys.argv[2])):
          data, peer = s.recvfrom(2048); s.sendto(data, peer)
      """;

  /** Sends {@code count} datagrams from the home address, one at a time, printing each echo. */
  private static final String ECHO_CLIENT =
      """
      import socket, sys
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind(("10.1.0.5", 0)); s.settimeout(5)
      for i in range(int(sys.argv[2])):
          for attempt in range(20):
              try:
                  s.sendto(("%s %d" % (sys.argv[3], i)).encode(), (sys.argv[1], 7))
                  data, peer = s.recvfrom(2048)
                  break
              except socket.timeout:
                  continue
          print("%s:%d %s" % (peer[0], peer[1], data.decode()))
      """;

  /** 256 KiB over TCP, echoed back by the site's socat; the site sees the home address. */
  private void tcpEcho(Laptop l) throws Exception {
    byte[] file = new byte[256 * 1024];
    new Random(l.tenant().hashCode()).nextBytes(file);
    Path sent = Files.write(dir.resolve(l.tenant() + ".sent"), file);
    Path back = dir.resolve(l.tenant() + ".back");
    Path peer = dir.resolve(l.tenant() + ".peer");
    long opensBefore = lab.snmp(l.site()).get("Tcp.PassiveOpens");
    lab.start(
        l.site(),
        ProcessBuilder.Redirect.DISCARD,
        "socat",
        "TCP-LISTEN:5001,bind=" + HOST_AT_HOME + ",reuseaddr",
        "SYSTEM:echo $SOCAT_PEERADDR > " + peer + "; exec cat");
    String connect = "TCP:" + HOST_AT_HOME + ":5001,bind=10.1.0.5,retry=40,interval=0.25";
    Result transfer =
        LaptopProcesses.command(
            lab,
            dir,
            l.namespace(),
            "sh",
            "-c",
            "socat -t 10 -T 30 - " + connect + " < " + sent + " > " + back);
    assertThat(transfer.exit()).as("%s transfer: %s", l.tenant(), transfer.output()).isZero();
    assertThat(sha256(back)).as("%s's file back", l.tenant()).isEqualTo(sha256(sent));
    assertThat(Files.readString(peer).trim()).isEqualTo("10.1.0.5");
    assertThat(lab.snmp(l.site()).get("Tcp.PassiveOpens") - opensBefore)
        .as("connections %s's site accepted", l.tenant())
        .isEqualTo(1);
  }

  /**
   * What Wireshark's dissectors make of the access link: the agent's advertisements (ICMP type 9
   * with the mobility agent extension), ARP both ways, registration requests and replies for both
   * laptops, and nothing malformed.
   */
  private void assertAccessLinkAsWiresharkReadsIt(Path capture) throws Exception {
    String fields =
        Tshark.fields(
            capture,
            List.of(),
            "frame.protocols",
            "icmp.type",
            "arp.opcode",
            "mip.type",
            "_ws.malformed",
            "icmp.mip.coa");
    List<String[]> frames = fields.lines().map(line -> line.split("\\|", -1)).toList();
    assertThat(frames).as("frames on the access link").isNotEmpty();
    assertThat(frames).noneMatch(f -> !f[4].isEmpty() || f[0].contains("malformed"));
    assertThat(frames.stream().filter(f -> f[1].equals("9") && f[5].equals(lan1.careOf.toString())))
        .as("agent advertisements offering the care-of address")
        .isNotEmpty();
    assertThat(frames.stream().filter(f -> f[2].equals("1"))).as("ARP requests").isNotEmpty();
    assertThat(frames.stream().filter(f -> f[2].equals("2"))).as("ARP replies").isNotEmpty();
    assertThat(frames.stream().filter(f -> f[3].equals("1")).count())
        .as("registration requests")
        .isGreaterThanOrEqualTo(3); // both registrations and acme's deregistration
    assertThat(frames.stream().filter(f -> f[3].equals("3")).count())
        .as("registration replies")
        .isGreaterThanOrEqualTo(3);
  }
}
