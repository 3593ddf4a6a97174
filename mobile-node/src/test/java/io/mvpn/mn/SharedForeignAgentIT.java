package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.cfg;
import static io.mvpn.mn.LaptopProcesses.sha256;
import static io.mvpn.mn.LaptopProcesses.wrapper;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.transport.tap.FrameDrop;
import io.mvpn.net.transport.tap.TapTransport;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.TunTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
class SharedForeignAgentIT extends EnginesInThisJvm {

  private static final Ipv4Address PUBLIC_SIDE = Ipv4Address.parse("203.0.113.1");
  private static final String HOST_AT_HOME = "10.1.0.100";
  private static final int MTU = 1400;

  private final Map<String, Laptop> laptops = new LinkedHashMap<>();
  private Vrf publicVrf;
  private ForeignAgent agent;
  private TapTransport tap;
  private Ipv4Address careOf;

  /**
   * One tenant: its site's namespace and LAN, its laptop's namespace and config, and what the
   * laptop exchanges with the site (distinct counts, so a datagram at the wrong site shows).
   */
  private record Laptop(
      String tenant,
      int pings,
      int udps,
      String site,
      Interface lan,
      String namespace,
      Path config,
      Process node) {}

  @Override
  void stopEngines() throws Exception {
    if (agent != null) {
      onLoop(
          () -> {
            agent.stop();
            return null;
          });
    }
  }

  @Test
  void twoTenantsLaptopsWithOneHomeAddressBehindTheSharedAgentEachReachOnlyTheirOwnSite()
      throws Exception {
    KernelLab.requireKernel("ping", "socat", "dumpcap");
    String bridge = accessNetwork();
    homeAgents("acme", "globex");
    Path capture = dir.resolve("access.pcapng");
    Process dumpcap =
        lab.start(
            accessNamespace,
            ProcessBuilder.Redirect.DISCARD,
            "dumpcap",
            "-q",
            "-i",
            bridge,
            "-w",
            capture.toString());
    // The first advertisements must be in the file: wait (bounded) until dumpcap has started it.
    long opened = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(capture) && Files.size(capture) > 0)
        && dumpcap.isAlive()
        && System.nanoTime() < opened) {
      Thread.sleep(20);
    }
    assertThat(capture).as("dumpcap started its capture file").isNotEmptyFile();
    startLaptop("acme", 3, 2);
    startLaptop("globex", 2, 4);

    for (Laptop l : laptops.values()) {
      Map<String, String> status = NodeStatus.fields(awaitRegistered(l).output());
      assertThat(status)
          .containsEntry("home-address", "10.1.0.5")
          .containsEntry("care-of-address", careOf.toString())
          .containsEntry("foreign-agent", careOf.toString())
          .containsEntry("tunnel", "reverse tunnel by the foreign agent (RFC 3024)");
    }
    // One home address, two visitors, told apart by the MAC each registered from.
    assertThat(onLoop(() -> agent.visitors()))
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
    onLoop(
        () -> {
          agent.stop();
          agent = new ForeignAgent(faConfig, accessVrf, accessInterface, uplinkVrf);
          agent.start();
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (onLoop(() -> agent.visitors()).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(onLoop(() -> agent.visitors())).as("visitors after the restart").hasSize(2);
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
    assertThat(tap.dropped(FrameDrop.BAD_ARP) + tap.dropped(FrameDrop.BAD_IPV4)).isZero();
  }

  private String accessNamespace;
  private ForeignAgent.Config faConfig;
  private Vrf accessVrf;
  private Vrf uplinkVrf;
  private Interface accessInterface;
  private String bridgeName;

  /**
   * The access network: a bridge in its own namespace with the agent's TAP device as one port; the
   * agent's two VRFs, its uplink on a memory segment with the public VRF. Returns the bridge.
   */
  private String accessNetwork() throws Exception {
    Properties fa = cfg("io.mvpn.foreignagent-lan1.cfg.disabled");
    faConfig =
        new ForeignAgent.Config(
            Ipv4Address.parse(fa.getProperty("careOf").split("/")[0]),
            Integer.parseInt(fa.getProperty("maxLifetime")),
            TimeUnit.MILLISECONDS.toNanos(
                Long.parseLong(fa.getProperty("advertisementIntervalMs"))));
    String[] address = fa.getProperty("careOf").split("/");
    careOf = Ipv4Address.parse(address[0]);
    int length = Integer.parseInt(address[1]);
    assertThat(fa.getProperty("access.transport")).startsWith("tap:");
    String tapDevice = lab.device("f");
    tap = TapTransport.open(tapDevice, TapTransport.DEFAULT_MTU);
    MemorySegment internet = new MemorySegment("internet", LinkProperties.IDEAL, 1);
    publicVrf = vrf("public");
    Vrf access = vrf("lan1-access");
    Vrf uplink = vrf("lan1-uplink");
    accessVrf = access;
    uplinkVrf = uplink;
    agent =
        onLoop(
            () -> {
              publicVrf.addInterface("public-internet", PUBLIC_SIDE, 24, internet.newPort());
              accessInterface = access.addInterface("lan1-access", careOf, length, tap);
              Interface up = uplink.addInterface("lan1-uplink", careOf, length, internet.newPort());
              uplink.addRoute(
                  new Route(Prefix.parse("198.51.100.0/24"), PUBLIC_SIDE, up, Route.Origin.STATIC));
              ForeignAgent started = new ForeignAgent(faConfig, access, accessInterface, uplink);
              started.start();
              return started;
            });
    accessNamespace = lab.namespace("lan");
    String bridge = lab.device("b");
    lab.in(accessNamespace, "ip", "link", "add", bridge, "type", "bridge");
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
    lab.moveInto(tapDevice, accessNamespace);
    lab.in(accessNamespace, "ip", "link", "set", tapDevice, "master", bridge);
    lab.in(accessNamespace, "ip", "link", "set", bridge, "up");
    bridgeName = bridge;
    return bridge;
  }

  /** Each tenant's home agent on the public VRF, its VRF with the LAN moved into its site. */
  private void homeAgents(String... tenants) throws Exception {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    List<VirtualHomeAgent> agents = new ArrayList<>();
    Dispatcher dispatcher = onLoop(() -> new Dispatcher(publicVrf));
    onLoop(
        () -> {
          dispatcher.open();
          return null;
        });
    for (String tenant : tenants) {
      Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
      Properties lanCfg = cfg("io.mvpn.interface-" + ha.getProperty("homeInterface") + ".cfg");
      Vrf vrf = vrf(tenant);
      String lanDevice = lab.device(tenant.substring(0, 1));
      TunTransport lanTun = TunTransport.open(lanDevice, MTU);
      String[] lanAddress = lanCfg.getProperty("address").split("/");
      int length = Integer.parseInt(lanAddress[1]);
      Interface lan =
          onLoop(
              () ->
                  vrf.addInterface(
                      lanCfg.getProperty("name"),
                      Ipv4Address.parse(lanAddress[0]),
                      length,
                      lanTun));
      String site = lab.namespace(tenant + "-site");
      lab.moveInto(lanDevice, site, HOST_AT_HOME + "/" + length);
      HomeAgentConfig config = LaptopProcesses.homeAgentConfig(tenant);
      agents.add(
          onLoop(
              () -> {
                VirtualHomeAgent agent =
                    new VirtualHomeAgent(
                        config, publicVrf, vrf, store.onClock(epochOffset), epochOffset);
                agent.start();
                dispatcher.add(agent);
                return agent;
              }));
      laptops.put(tenant, new Laptop(tenant, 0, 0, site, lan, null, null, null));
    }
  }

  /**
   * The tenant's laptop: a namespace whose only link is a veth into the access network's bridge,
   * without an IPv4 address, and the launcher in foreign-agent mode on it.
   */
  private void startLaptop(String tenant, int pings, int udps) throws Exception {
    Laptop known = laptops.get(tenant);
    Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
    String namespace = lab.namespace(tenant + "-laptop");
    String port = lab.device(tenant.substring(0, 1) + "p");
    String nic = lab.device(tenant.substring(0, 1) + "n");
    NetnsLab.run(
        "ip",
        "link",
        "add",
        port,
        "netns",
        accessNamespace,
        "type",
        "veth",
        "peer",
        "name",
        nic,
        "netns",
        namespace);
    lab.in(accessNamespace, "sysctl", "-q", "-w", "net.ipv6.conf." + port + ".disable_ipv6=1");
    lab.in(accessNamespace, "ip", "link", "set", port, "master", bridgeName, "up");
    lab.in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf." + nic + ".disable_ipv6=1");
    lab.in(namespace, "ip", "link", "set", nic, "up");
    String[] words = ha.getProperty("mobileNodes").trim().split("\\s+");
    Path config =
        Files.writeString(
            dir.resolve(tenant + ".yaml"),
            """
            mode: foreign-agent
            accessInterface: %s
            homeAddress: %s
            homeAgent: %s
            spi: %s
            algorithm: %s
            key: %s
            lifetime: 300
            tunDevice: %s
            routes: [10.1.0.0/16]
            control: %s
            """
                .formatted(
                    nic,
                    words[0],
                    ha.getProperty("address"),
                    words[1],
                    words[2],
                    words[3],
                    lab.device(tenant.substring(0, 1) + "m"),
                    dir.resolve(tenant + ".sock")));
    Process node =
        lab.start(
            namespace,
            ProcessBuilder.Redirect.to(dir.resolve(tenant + ".log").toFile()),
            "env",
            "JAVA_HOME=" + System.getProperty("java.home"),
            wrapper(),
            "up",
            "--config",
            config.toString());
    laptops.put(
        tenant,
        new Laptop(tenant, pings, udps, known.site(), known.lan(), namespace, config, node));
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
    assertThat(frames.stream().filter(f -> f[1].equals("9") && f[5].equals(careOf.toString())))
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

  /** Polls {@code mvpn-mn status} until it exits 0; at most 30 s. */
  private Result awaitRegistered(Laptop l) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Result last = null;
    while (System.nanoTime() < deadline && l.node().isAlive()) {
      last = mvpnMn(l, "status");
      if (last.exit() == 0) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        l.tenant()
            + " not registered: "
            + last
            + "; node log: "
            + Files.readString(dir.resolve(l.tenant() + ".log")));
  }

  private Result mvpnMn(Laptop l, String verb) throws Exception {
    String javaHome = "JAVA_HOME=" + System.getProperty("java.home");
    return LaptopProcesses.command(
        lab,
        dir,
        l.namespace(),
        "env",
        javaHome,
        wrapper(),
        verb,
        "--config",
        l.config().toString());
  }
}
