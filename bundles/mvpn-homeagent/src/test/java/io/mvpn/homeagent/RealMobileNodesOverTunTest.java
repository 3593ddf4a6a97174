package io.mvpn.homeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.config.ConfigList;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.testing.ShippedConfiguration;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.homeagent.lab.LeakWatch;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.store.InMemoryBindingStore;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The appliance's engines in this JVM on real Linux TUN devices, real kernels on the other ends:
 * the public VRF's link leads into an {@code access} namespace where scapy plays two mobile nodes,
 * acme's and globex's, both home address 10.1.0.5; each tenant's LAN leads into its own site
 * namespace, whose kernel is the host 10.1.0.100 (ping and a UDP echo server). Configuration comes
 * from the shipped etc/ files. A second lab puts an nftables masquerade between acme's node and the
 * appliance (RFC 3519). Real time throughout: the kernels do not run on virtual time; every wait is
 * bounded.
 *
 * <p>Needs root, /dev/net/tun, ip, python3-scapy (and nft for the NAT); fails without them under
 * CI=true, naming what is missing. Run under {@code flock /tmp/mvpn-netns.lock}.
 */
class RealMobileNodesOverTunTest {

  private static final Path ETC = Path.of("../../etc");
  private static final Path SCRIPTS = Path.of("src/test/scripts");
  private static final Ipv4Address PUBLIC_SIDE = Ipv4Address.parse("203.0.113.1");
  private static final String HOST_AT_HOME = "10.1.0.100";
  private static final int ECHO_PORT = 7;
  private static final int MTU = 1400;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Vrf> vrfs = new ArrayList<>();
  private final InMemoryBindingStore store = new InMemoryBindingStore();
  private final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  private NetnsLab lab;
  private Vrf publicVrf;
  private Dispatcher dispatcher;
  private String publicDevice;
  private Interface internet;

  /** One tenant as shipped, and what its node does: distinct counts tell the tenants apart. */
  private record Site(
      String tenant,
      String careOf,
      int pings,
      int udps,
      int keepalives,
      HomeAgentConfig config,
      String[] association,
      Vrf vrf,
      String lanDevice,
      String namespace) {

    /** Datagrams between the node and the site's host, each way. */
    int exchanges() {
      return pings + udps;
    }

    /** Tunnelled datagrams from the node, each answered through the tunnel. */
    int tunnelled() {
      return pings + udps + keepalives;
    }
  }

  @BeforeEach
  void newLab() {
    lab = new NetnsLab();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      // Closing the transports closes the TUN devices, wherever they are, before their namespaces.
      for (Vrf vrf : vrfs) {
        onLoop(
            vrf,
            () -> {
              vrf.interfaces().forEach(i -> vrf.removeInterface(i.name()));
              return null;
            });
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void twoTenantsNodesWithOneHomeAddressReachOnlyTheirOwnSitesThroughIpInIpOverRealTunDevices()
      throws Exception {
    NetnsLab.requireRootWithScapy();
    publicLink();
    Site acme = site("acme", "203.0.113.61", 3, 2, 0);
    Site globex = site("globex", "203.0.113.62", 2, 4, 0);
    String access = lab.namespace("access");
    lab.moveInto(publicDevice, access, acme.careOf() + "/24", globex.careOf() + "/24");
    lab.in(access, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
    List<VirtualHomeAgent> agents = homeAgents(acme, globex);
    List<Site> sites = List.of(acme, globex);
    long[] publicBefore = lab.packets(access, publicDevice);
    Map<Site, long[]> lanBefore = new HashMap<>();
    Map<Site, UdpEchoHost> echoServers = new HashMap<>();
    for (Site s : sites) {
      lanBefore.put(s, lab.packets(s.namespace(), s.lanDevice()));
      echoServers.put(s, UdpEchoHost.start(lab, s.namespace(), HOST_AT_HOME, ECHO_PORT, s.udps()));
    }

    // Both nodes at once, in one kernel: each sees the other's tunnelled datagrams too.
    // Low 32 bits: the script puts the time in the high ones as its request leaves.
    Map<Site, Path> outputs = new HashMap<>();
    Map<Site, Process> nodes = new HashMap<>();
    for (Site s : sites) {
      outputs.put(s, Files.createTempFile("mvpn-" + s.tenant() + "-node", ".txt"));
      long identification = s.careOf().hashCode() & 0xFFFF;
      nodes.put(s, node("ipip", access, s, identification, outputs.get(s)));
    }

    for (Site s : sites) {
      assertThat(nodes.get(s).waitFor(60, TimeUnit.SECONDS)).as("%s's node", s.tenant()).isTrue();
      List<String> printed = Files.readAllLines(outputs.get(s));
      Files.delete(outputs.get(s));
      assertThat(nodes.get(s).exitValue()).as("%s's node: %s", s.tenant(), printed).isZero();
      assertThat(printed).containsExactlyElementsOf(expectedNodeLines(s));
    }
    for (Site s : sites) {
      // The site's host saw its own tenant's datagrams and only those, counted by its kernel...
      assertThat(echoServers.get(s).finish()).containsExactlyElementsOf(expectedEchoLines(s));
      Map<String, Long> snmp = lab.snmp(s.namespace());
      assertThat(snmp)
          .as("%s site's kernel", s.tenant())
          .containsEntry("Icmp.InEchos", (long) s.pings())
          .containsEntry("Icmp.OutEchoReps", (long) s.pings())
          .containsEntry("Udp.InDatagrams", (long) s.udps())
          .containsEntry("Udp.OutDatagrams", (long) s.udps());
      long[] lan = lab.packets(s.namespace(), s.lanDevice());
      assertThat(lan[0] - lanBefore.get(s)[0])
          .as("%s site rx", s.tenant())
          .isEqualTo(s.exchanges());
      assertThat(lan[1] - lanBefore.get(s)[1])
          .as("%s site tx", s.tenant())
          .isEqualTo(s.exchanges());
      // ...and at its LAN interface by the tenant VRF, and by the TUN transport's reader (IPv6
      // the kernel may have sent before the device moved into the site is not the tenant's).
      Interface lanInterface = onLoop(s.vrf(), () -> s.vrf().getInterface(s.tenant() + "-lan"));
      assertThat(onLoop(s.vrf(), () -> lanInterface.counters().sent())).isEqualTo(s.exchanges());
      assertThat(onLoop(s.vrf(), () -> lanInterface.counters().received()))
          .isEqualTo(s.exchanges());
      TunTransport lanTun = (TunTransport) lanInterface.transport();
      assertThat(lanTun.received() - lanTun.nonIpv4()).isEqualTo(s.exchanges());
    }
    // The public link: two registrations and every tunnelled datagram, each way.
    long publicPackets = 2 + acme.exchanges() + globex.exchanges();
    long[] publicAfter = lab.packets(access, publicDevice);
    assertThat(publicAfter[1] - publicBefore[1]).isEqualTo(publicPackets);
    assertThat(publicAfter[0] - publicBefore[0]).isEqualTo(publicPackets);
    assertThat(onLoop(publicVrf, () -> internet.counters().received())).isEqualTo(publicPackets);
    assertThat(onLoop(publicVrf, () -> internet.counters().sent())).isEqualTo(publicPackets);
    assertThat(onLoop(publicVrf, () -> dispatcher.unknownDestination())).isZero();
    for (int i = 0; i < sites.size(); i++) {
      Site s = sites.get(i);
      RegistrationStats stats = agents.get(i).stats();
      assertThat(onLoop(publicVrf, stats::accepted)).isEqualTo(1);
      assertThat(onLoop(publicVrf, stats::tunnelledAccepted)).isEqualTo(s.tunnelled());
      assertThat(onLoop(publicVrf, stats::tunnelledRefused)).isZero();
      assertThat(store.bindings(MvpnId.of(s.tenant()), TwoTenants.MN_HOME))
          .singleElement()
          .satisfies(b -> assertThat(b.careOfAddress()).hasToString(s.careOf()));
    }
  }

  @Test
  void aNodeBehindARealNatTunnelsInUdpAndKeepsItsBindingWithKeepalives() throws Exception {
    NetnsLab.requireRootWithScapy("nft");
    publicLink();
    Site acme = site("acme", "10.77.0.2", 2, 2, 2);
    // access (10.77.0.2) -- veth -- nat (10.77.0.1, masquerading as 203.0.113.70) -- TUN -- mvpn
    String nat = lab.namespace("nat");
    String access = lab.namespace("access");
    lab.moveInto(publicDevice, nat, "203.0.113.70/24");
    lab.in(nat, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
    String inside = lab.device("i");
    String outside = lab.device("o");
    NetnsLab.run(
        "ip", "link", "add", inside, "netns", access, "type", "veth", "peer", "name", outside,
        "netns", nat);
    lab.in(access, "ip", "addr", "add", acme.careOf() + "/24", "dev", inside);
    lab.in(access, "ip", "link", "set", inside, "up");
    lab.in(access, "ip", "route", "add", "default", "via", "10.77.0.1");
    lab.in(nat, "ip", "addr", "add", "10.77.0.1/24", "dev", outside);
    lab.in(nat, "ip", "link", "set", outside, "up");
    lab.in(nat, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    String ha = acme.config().address().toString();
    lab.in(nat, "nft", "add", "table", "ip", "mvpn");
    lab.in(nat, "nft", "add chain ip mvpn post { type nat hook postrouting priority srcnat ; }");
    lab.in(nat, "nft", "add rule ip mvpn post oifname " + publicDevice + " masquerade");
    // Counted by the NAT's kernel: what goes to the home agent's port 434 and what comes back.
    lab.in(nat, "nft", "add chain ip mvpn counted { type filter hook forward priority filter ; }");
    lab.in(nat, "nft", "add rule ip mvpn counted ip daddr " + ha + " udp dport 434 counter");
    lab.in(nat, "nft", "add rule ip mvpn counted ip saddr " + ha + " udp sport 434 counter");
    List<VirtualHomeAgent> agents = homeAgents(acme);
    long[] lanBefore = lab.packets(acme.namespace(), acme.lanDevice());
    UdpEchoHost echo =
        UdpEchoHost.start(lab, acme.namespace(), HOST_AT_HOME, ECHO_PORT, acme.udps());

    Path output = Files.createTempFile("mvpn-acme-node", ".txt");
    Process node = node("udp", access, acme, 0x3519, output);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("acme's node").isTrue();
    List<String> printed = Files.readAllLines(output);
    Files.delete(output);
    assertThat(node.exitValue()).as("acme's node: %s", printed).isZero();
    assertThat(printed).containsExactlyElementsOf(expectedNodeLines(acme));

    assertThat(echo.finish()).containsExactlyElementsOf(expectedEchoLines(acme));
    long[] lan = lab.packets(acme.namespace(), acme.lanDevice());
    assertThat(lan[0] - lanBefore[0]).as("site rx").isEqualTo(acme.exchanges());
    assertThat(lan[1] - lanBefore[1]).as("site tx").isEqualTo(acme.exchanges());
    // The registration and every tunnelled datagram crossed the NAT, each way.
    List<Long> natCounts =
        Pattern.compile("packets (\\d+)")
            .matcher(lab.in(nat, "nft", "list", "chain", "ip", "mvpn", "counted"))
            .results()
            .map(m -> Long.parseLong(m.group(1)))
            .toList();
    assertThat(natCounts).containsExactly(1L + acme.tunnelled(), 1L + acme.tunnelled());
    RegistrationStats stats = agents.get(0).stats();
    assertThat(onLoop(publicVrf, stats::accepted)).isEqualTo(1);
    assertThat(onLoop(publicVrf, stats::tunnelledAccepted)).isEqualTo(acme.tunnelled());
    assertThat(onLoop(publicVrf, stats::tunnelledRefused)).isZero();
    assertThat(onLoop(publicVrf, () -> internet.counters().received()))
        .isEqualTo(1L + acme.tunnelled());
    // Bound to the NAT's address and port, not to the private care-of address.
    assertThat(store.bindings(MvpnId.of("acme"), TwoTenants.MN_HOME))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.careOfAddress()).hasToString("203.0.113.70");
              assertThat(b.source()).hasToString("203.0.113.70");
              assertThat(b.encapsulation()).isEqualTo(Binding.Encapsulation.UDP);
            });
  }

  /**
   * The soak on the TUN data path, in real time: scapy's node for acme registers and pings its home
   * host through the tunnel, 40 echoes a run, run after run for {@code mvpn.tunSoak.seconds} (60;
   * docs/benchmarks.md runs 1800), each run registering again with a newer identification and
   * checking every answer. The heap after GC is sampled every {@code mvpn.tunSoak.sampleSeconds}:
   * from the first sample to the last it may grow by less than 8 MiB; Netty's leak detector at
   * PARANOID must report nothing.
   */
  @Test
  void aNodePingingThroughTheTunDataPathRunAfterRunLeavesTheHeapFlatAndLeaksNoBuffer()
      throws Exception {
    NetnsLab.requireRootWithScapy();
    long seconds = Long.getLong("mvpn.tunSoak.seconds", 60);
    long sampleNanos = TimeUnit.SECONDS.toNanos(Long.getLong("mvpn.tunSoak.sampleSeconds", 10));
    try (LeakWatch watch = new LeakWatch()) {
      publicLink();
      Site acme = site("acme", "203.0.113.61", 40, 0, 0);
      String access = lab.namespace("access");
      lab.moveInto(publicDevice, access, acme.careOf() + "/24");
      lab.in(access, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
      RegistrationStats stats = homeAgents(acme).get(0).stats();
      List<String> curve = new ArrayList<>();
      List<Long> heap = new ArrayList<>();
      long started = System.nanoTime();
      long sampled = started;
      int runs = 0;
      while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(seconds)) {
        Path output = Files.createTempFile("mvpn-tun-soak-node", ".txt");
        // Each run's identification is newer: a later time, or the same second and a higher count.
        Process node = node("ipip", access, acme, ++runs, output);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("run %d", runs).isTrue();
        List<String> printed = Files.readAllLines(output);
        Files.delete(output);
        assertThat(node.exitValue()).as("run %d: %s", runs, printed).isZero();
        assertThat(printed).containsExactlyElementsOf(expectedNodeLines(acme));
        if (System.nanoTime() - sampled >= sampleNanos) {
          sampled = System.nanoTime();
          heap.add(LeakWatch.heapAfterGc());
          curve.add(
              "| %d | %d | %.2f |"
                  .formatted(
                      (sampled - started) / 1_000_000_000L,
                      runs * acme.pings(),
                      heap.get(heap.size() - 1) / 1048576.0));
        }
      }
      List<String> leaks = watch.leaks();
      String report =
          "| seconds | echoes answered | heap after GC MiB |\n"
              + String.join("\n", curve)
              + "\nruns %d, registrations %d, tunnelled %d; leaks %d"
                  .formatted(
                      runs,
                      onLoop(publicVrf, stats::accepted),
                      onLoop(publicVrf, stats::tunnelledAccepted),
                      leaks.size());
      System.out.println(report);
      assertThat(leaks).as(report).isEmpty();
      assertThat(onLoop(publicVrf, stats::accepted)).isEqualTo(runs);
      assertThat(onLoop(publicVrf, stats::tunnelledRefused)).isZero();
      assertThat(heap).as(report).hasSizeGreaterThan(1);
      assertThat(heap.get(heap.size() - 1) - heap.get(0)).as(report).isLessThan(8L << 20);
    }
  }

  /** The public VRF with its Internet-side interface on a TUN device, not yet moved anywhere. */
  private void publicLink() throws Exception {
    publicVrf = vrf("public");
    publicDevice = lab.device("p");
    TunTransport tun = TunTransport.open(publicDevice, MTU);
    internet =
        onLoop(publicVrf, () -> publicVrf.addInterface("public-internet", PUBLIC_SIDE, 24, tun));
  }

  /** The dispatcher and the sites' home agents on the public VRF, as the appliance runs them. */
  private List<VirtualHomeAgent> homeAgents(Site... sites) throws Exception {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    return onLoop(
        publicVrf,
        () -> {
          dispatcher = new Dispatcher(publicVrf);
          dispatcher.open();
          List<VirtualHomeAgent> started = new ArrayList<>();
          for (Site s : sites) {
            VirtualHomeAgent ha =
                new VirtualHomeAgent(
                    s.config(), publicVrf, s.vrf(), store.onClock(epochOffset), epochOffset);
            ha.start();
            dispatcher.add(ha);
            started.add(ha);
          }
          return started;
        });
  }

  /** A tenant as etc/ ships it: its VRF with the LAN on a TUN device moved into its site. */
  private Site site(String tenant, String careOf, int pings, int udps, int keepalives)
      throws Exception {
    Properties ha = cfg("io.mvpn.homeagent-" + tenant + ".cfg");
    Properties lan = cfg("io.mvpn.interface-" + ha.getProperty("homeInterface") + ".cfg");
    List<Prefix> realms =
        ConfigList.items(cfg("io.mvpn.tenant-" + tenant + ".cfg").getProperty("homeRealms"))
            .stream()
            .map(Prefix::parse)
            .toList();
    String[] association = ha.getProperty("mobileNodes").trim().split("\\s+");
    HomeAgentConfig config =
        new HomeAgentConfig(
            MvpnId.of(tenant),
            Ipv4Address.parse(ha.getProperty("address")),
            realms,
            List.of(AssociationSpec.parse(ha.getProperty("mobileNodes"))),
            Integer.parseInt(ha.getProperty("maxLifetime")),
            Integer.parseInt(ha.getProperty("replayTolerance")),
            ha.getProperty("homeInterface"));
    Vrf vrf = vrf(tenant);
    String device = lab.device(tenant.substring(0, 1));
    TunTransport tun = TunTransport.open(device, MTU);
    String[] address = lan.getProperty("address").split("/");
    int prefixLength = Integer.parseInt(address[1]);
    onLoop(
        vrf,
        () ->
            vrf.addInterface(
                lan.getProperty("name"), Ipv4Address.parse(address[0]), prefixLength, tun));
    String namespace = lab.namespace(tenant + "-site");
    lab.moveInto(device, namespace, HOST_AT_HOME + "/" + prefixLength);
    return new Site(
        tenant, careOf, pings, udps, keepalives, config, association, vrf, device, namespace);
  }

  private Vrf vrf(String name) {
    Vrf vrf = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    vrfs.add(vrf);
    return vrf;
  }

  private static Properties cfg(String file) throws IOException {
    return ShippedConfiguration.cfg(ETC, file);
  }

  /**
   * scapy's mobile node for a site, run in the access namespace; its output goes to a file. The
   * script puts the time into the identification's high 32 bits as its request leaves, so a slow
   * start on a busy host cannot make the request stale; {@code identification} is the low 32 bits.
   */
  private Process node(String mode, String access, Site s, long identification, Path output)
      throws IOException {
    String[] a = s.association(); // HOME SPI ALGORITHM HEXKEY, as shipped
    return lab.start(
        access,
        ProcessBuilder.Redirect.to(output.toFile()),
        NetnsLab.PYTHON.toString(),
        SCRIPTS.resolve("scapy-mobile-node.py").toString(),
        mode,
        s.tenant(),
        s.careOf(),
        s.config().address().toString(),
        a[0],
        HOST_AT_HOME,
        a[1],
        a[2],
        a[3],
        Long.toUnsignedString(identification),
        Integer.toString(s.pings()),
        Integer.toString(s.udps()),
        Integer.toString(ECHO_PORT));
  }

  private static List<String> expectedNodeLines(Site s) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "registered %s code=0 lifetime=300 home=10.1.0.5 ha=%s coa=%s"
            .formatted(s.tenant(), s.config().address(), s.careOf()));
    // A node behind a NAT sends a keepalive first and last (scapy-mobile-node.py, MODE udp).
    String keepalive = "keepalive %s %d answered by the home agent";
    IntStream.rangeClosed(1, Math.min(1, s.keepalives()))
        .forEach(i -> lines.add(keepalive.formatted(s.tenant(), i)));
    IntStream.rangeClosed(1, s.pings())
        .forEach(
            i -> lines.add("echo %s seq=%d answered through the tunnel".formatted(s.tenant(), i)));
    IntStream.rangeClosed(1, s.udps())
        .forEach(i -> lines.add("udp %s %d answered through the tunnel".formatted(s.tenant(), i)));
    IntStream.rangeClosed(2, s.keepalives())
        .forEach(i -> lines.add(keepalive.formatted(s.tenant(), i)));
    lines.add("done %s pings=%d udp=%d".formatted(s.tenant(), s.pings(), s.udps()));
    return lines;
  }

  private static List<String> expectedEchoLines(Site s) {
    return IntStream.rangeClosed(1, s.udps())
        .mapToObj(i -> "from 10.1.0.5:%d %s udp %d".formatted(40000 + i, s.tenant(), i))
        .toList();
  }

  private static <T> T onLoop(Vrf vrf, Callable<T> work) throws Exception {
    return KernelLab.onLoop(vrf.scheduler(), work);
  }
}
