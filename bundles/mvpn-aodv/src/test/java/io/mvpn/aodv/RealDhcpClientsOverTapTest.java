package io.mvpn.aodv;

import static io.mvpn.net.transport.tun.KernelLab.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.dhcp.DhcpHello;
import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.api.workgroup.Member;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.msm.SiteAuthority;
import io.mvpn.net.Vrf;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.transport.tap.TapTransport;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.NamespaceLab;
import io.mvpn.store.InMemoryWorkgroupDirectory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 002 c57-62 against real DHCP clients: the sink's engine runs in this JVM on a TAP device
 * bridged (in a namespace of its own) to two client namespaces, one running busybox's udhcpc, the
 * other ISC dhclient, each sending its DHCP hello as a fixed option 224. Both get their own
 * addresses through the sink, which asks the in-JVM MSM. Each then sends datagrams to a far
 * mobility router (in the JVM, on a memory link) the sink has no route to: the sink holds them,
 * discovers the route on the nodes' behalf and delivers them, counted at the far router. tshark
 * reads the DHCP exchange captured on the sink's TAP interface with nothing malformed.
 */
class RealDhcpClientsOverTapTest {

  private static final String ACME = "acme.example";
  private static final int SPI = 0x100;
  private static final Ipv4Address SINK = Ipv4Address.parse("10.1.0.1");
  private static final Ipv4Address FAR = Ipv4Address.parse("10.1.2.1");

  /** One DHCP client: its namespace role, NAI, key, home address and MAC. */
  private record Client(String role, String nai, byte[] key, Ipv4Address home, String mac) {
    byte[] macBytes() {
      return HexFormat.ofDelimiter(":").parseHex(mac);
    }

    String helloHex() {
      return HexFormat.of()
          .formatHex(
              DhcpHello.toOption(
                  DhcpHello.sign(home, macBytes(), nai, SPI, System.currentTimeMillis(), key)));
    }
  }

  private static final Client UDHCPC =
      new Client(
          "dhu",
          "udhcpc@" + ACME,
          SiteWorld.key("udhcpc's key"),
          Ipv4Address.parse("10.1.0.20"),
          "02:00:00:5e:10:14");
  private static final Client DHCLIENT =
      new Client(
          "dhd",
          "dhclient@" + ACME,
          SiteWorld.key("dhclient's key"),
          Ipv4Address.parse("10.1.0.21"),
          "02:00:00:5e:10:15");

  @TempDir Path tmp;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final NamespaceLab ns = new NamespaceLab("mvd");
  private final List<Integer> atFar = Collections.synchronizedList(new ArrayList<>());
  private Lab lab;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (lab != null) {
        onLoop(
            lab.scheduler("s"),
            () -> {
              lab.close();
              return null;
            });
      }
    } finally {
      ns.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void udhcpcAndDhclientLeaseTheirAddressesAndTheirEarlyDatagramsArriveOnceTheRouteExists()
      throws Exception {
    KernelLab.requireKernel("udhcpc", "dhclient", "python3");
    TopologyBuilder b = new TopologyBuilder(2026).segment("s-f", "1ms");
    b.node("s").vrf("site").iface("to-f", "s-f", SINK + "/32");
    b.node("f").vrf("site").iface("to-s", "s-f", FAR + "/32");
    lab = Lab.realTime(b.build(), group);
    Vrf s = lab.vrf("s", "site");
    Vrf f = lab.vrf("f", "site");
    String tap = ns.device("t");
    TapTransport transport = TapTransport.open(tap, TapTransport.DEFAULT_MTU);
    Path pcap = tmp.resolve("dhcp.pcapng");
    MobilityRouter sink =
        onLoop(
            s.scheduler(),
            () -> {
              s.addInterface("tap", SINK, 32, transport).startCapture(pcap, 0);
              MobilityRouter r =
                  new MobilityRouter(
                      SINK, s, List.of(s.getInterface("to-f")), AodvParameters.defaults());
              r.setSitePolicy(new SitePolicy(msm(), ACME, FAR, Set.of()));
              r.setDhcpAccess(new DhcpAccess(Set.of("tap"), 24, 600, List.of()));
              r.start();
              MobilityRouter far =
                  new MobilityRouter(
                      FAR, f, List.of(f.getInterface("to-s")), AodvParameters.defaults());
              far.start();
              f.bindUdp(
                  9000, (v, in, d) -> atFar.add(d.payload().getInt(d.payload().readerIndex())));
              return r;
            });
    String lan = ns.namespace("dlan");
    NamespaceLab.run("ip", "link", "set", tap, "netns", lan);
    ns.in(lan, "ip", "link", "add", "br0", "type", "bridge");
    ns.in(lan, "ip", "link", "set", tap, "master", "br0");
    ns.in(lan, "ip", "link", "set", tap, "up");
    ns.in(lan, "ip", "link", "set", "br0", "up");
    String udhcpcNs = attach(lan, UDHCPC, "u");
    String dhclientNs = attach(lan, DHCLIENT, "d");

    Process udhcpc =
        ns.start(
            udhcpcNs,
            ProcessBuilder.Redirect.to(tmp.resolve("udhcpc.log").toFile()),
            "udhcpc",
            "-f",
            "-q",
            "-n",
            "-t",
            "10",
            "-T",
            "1",
            "-i",
            "eth0",
            "-r",
            UDHCPC.home().toString(),
            "-x",
            "0xe0:" + UDHCPC.helloHex(),
            "-s",
            script("udhcpc.sh", UDHCPC_SCRIPT));
    ns.start(
        dhclientNs,
        ProcessBuilder.Redirect.to(tmp.resolve("dhclient.log").toFile()),
        "dhclient",
        "-4",
        "-d",
        "-v",
        "-1",
        "-sf",
        script("dhclient.sh", DHCLIENT_SCRIPT),
        "-cf",
        dhclientConf(),
        "-lf",
        tmp.resolve("dhclient.leases").toString(),
        "-pf",
        tmp.resolve("dhclient.pid").toString(),
        "eth0");

    waitFor(
        () -> hasAddress(udhcpcNs, UDHCPC) && hasAddress(dhclientNs, DHCLIENT),
        "both clients configured: " + logs());
    List<DhcpLease> leases = onLoop(s.scheduler(), sink::dhcpLeases);
    assertThat(leases)
        .extracting(DhcpLease::identity, DhcpLease::address, DhcpLease::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(UDHCPC.nai(), UDHCPC.home(), DhcpLease.State.BOUND),
            org.assertj.core.groups.Tuple.tuple(
                DHCLIENT.nai(), DHCLIENT.home(), DhcpLease.State.BOUND));
    assertThat(udhcpc.waitFor(10, TimeUnit.SECONDS)).as("udhcpc -q quits once bound").isTrue();
    assertThat(onLoop(s.scheduler(), () -> sink.activeRoute(FAR))).isEmpty();

    // Three datagrams from each node, sent at once: no route to the far router exists yet.
    for (String client : List.of(udhcpcNs, dhclientNs)) {
      int base = client.equals(udhcpcNs) ? 10 : 20;
      ns.in(
          client,
          "python3",
          "-c",
          "import socket,struct\n"
              + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
              + "for i in range(3): s.sendto(struct.pack('!i',"
              + base
              + "+i),('"
              + FAR
              + "',9000))");
    }
    waitFor(() -> atFar.size() >= 6, "six datagrams at the far router, got " + atFar);

    assertThat(atFar).containsExactlyInAnyOrder(10, 11, 12, 20, 21, 22);
    long buffered = onLoop(s.scheduler(), () -> sink.counter(AodvCounter.PROXY_BUFFERED));
    long delivered = onLoop(s.scheduler(), () -> sink.counter(AodvCounter.PROXY_DELIVERED));
    assertThat(buffered).as("held while the route was discovered").isPositive();
    assertThat(delivered).isEqualTo(buffered);
    assertThat(onLoop(s.scheduler(), () -> sink.counter(AodvCounter.PROXY_DROPPED))).isZero();
    assertThat(onLoop(s.scheduler(), () -> sink.counter(AodvCounter.DHCP_AUTH_REQUESTS)))
        .isEqualTo(2);

    System.out.printf(
        "leases %s; held %d, delivered %d at the far router%n", leases, buffered, delivered);

    onLoop(s.scheduler(), () -> s.getInterface("tap").stopCapture());
    List<String> frames =
        Tshark.fields(pcap, List.of(), "frame.protocols", "ip.src", "dhcp.option.dhcp")
            .lines()
            .toList();
    assertThat(frames).noneMatch(row -> row.contains("malformed"));
    List<String> dhcp =
        frames.stream()
            .filter(row -> row.contains(":dhcp"))
            .map(row -> row.split("\\|", 2)[1])
            .toList();
    System.out.println("DHCP on the TAP link (source|type): " + dhcp);
    // DISCOVER, OFFER, REQUEST, ACK for each client; the clients send from 0.0.0.0.
    assertThat(dhcp).contains("0.0.0.0|1", "10.1.0.1|2", "0.0.0.0|3", "10.1.0.1|5");
    assertThat(dhcp.stream().filter(t -> t.endsWith("|5")).count()).isGreaterThanOrEqualTo(2);
  }

  private SiteAuthority msm() {
    InMemoryWorkgroupDirectory directory = new InMemoryWorkgroupDirectory();
    SiteAuthority acme = new SiteAuthority(directory);
    acme.addSite(new SiteAuthority.Site(MvpnId.of("acme"), ACME, Prefix.parse("10.1.0.0/16"), FAR));
    for (Client c : List.of(UDHCPC, DHCLIENT)) {
      MemberId id = new MemberId(MvpnId.of("acme"), c.home());
      directory.putMember(
          new Member(id, c.role() + ".acme.example", Ipv4Address.parse("198.51.100.40")));
      acme.addNode(new SiteAuthority.NodeKey(c.nai(), id, SPI, c.key()));
    }
    return acme;
  }

  /** A namespace for {@code c} whose eth0 (with c's MAC) is a port of the LAN's bridge. */
  private String attach(String lan, Client c, String suffix) throws Exception {
    String namespace = ns.namespace(c.role());
    String port = ns.device("p" + suffix);
    ns.in(
        lan, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    ns.in(lan, "ip", "link", "set", port, "master", "br0");
    ns.in(lan, "ip", "link", "set", port, "up");
    ns.in(namespace, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    ns.in(namespace, "ip", "link", "set", "eth0", "address", c.mac());
    ns.in(namespace, "ip", "link", "set", "eth0", "up");
    return namespace;
  }

  private boolean hasAddress(String namespace, Client c) {
    try {
      return ns.in(namespace, "ip", "-4", "addr", "show", "dev", "eth0").contains(c.home() + "/24");
    } catch (Exception e) {
      return false;
    }
  }

  private static final String UDHCPC_SCRIPT =
      """
      #!/bin/sh
      case "$1" in
        deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
        bound|renew)
          ip -4 addr flush dev "$interface"
          ip addr add "$ip/$subnet" dev "$interface"
          ip route replace default via "$router" dev "$interface" ;;
      esac
      exit 0
      """;

  private static final String DHCLIENT_SCRIPT =
      """
      #!/bin/sh
      case "$reason" in
        PREINIT) ip link set "$interface" up ;;
        BOUND|RENEW|REBIND|REBOOT)
          ip -4 addr flush dev "$interface"
          ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface"
          ip route replace default via "$new_routers" dev "$interface" ;;
      esac
      exit 0
      """;

  private String script(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p.toString();
  }

  private String dhclientConf() throws Exception {
    String hello = DHCLIENT.helloHex().replaceAll("(..)(?!$)", "$1:");
    Path p = tmp.resolve("dhclient.conf");
    Files.writeString(
        p,
        "option mvpn-hello code 224 = string;\n"
            + "send mvpn-hello "
            + hello
            + ";\n"
            + "send dhcp-requested-address "
            + DHCLIENT.home()
            + ";\n"
            + "request subnet-mask, routers, dhcp-lease-time;\n"
            + "timeout 30;\n");
    return p.toString();
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    for (String log : List.of("udhcpc.log", "dhclient.log")) {
      try {
        out.append("\n--- ").append(log).append(":\n").append(Files.readString(tmp.resolve(log)));
      } catch (Exception e) {
        out.append("\n--- ").append(log).append(": none");
      }
    }
    return out.toString();
  }

  /** Waits up to 40 s, polling every 100 ms. */
  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
