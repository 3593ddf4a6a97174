package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.homeagent.UdpEchoHost;
import io.mvpn.ipsec.esp.EspException.Reason;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.fabric.FabricService;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The security gateway engine in this JVM with both interfaces on real Linux TUN devices, and
 * scapy's ESP (written by others, run by a real kernel) as the mobile node: plain ESP, IP protocol
 * 50, AES-GCM-16 with manually installed keys. The outside device leads into an {@code access}
 * namespace (the node's care-of address), the inside one into a {@code site} namespace whose kernel
 * is the host 10.1.0.100 (ping and a UDP echo server). Real time; every wait is bounded.
 *
 * <p>Needs root, /dev/net/tun, ip, python3-scapy and python3-cryptography; fails without them under
 * CI=true, naming what is missing. Run under {@code flock /tmp/mvpn-netns.lock}.
 */
class ScapyEspOverTunTest {

  private static final Path SCRIPT = Path.of("src/test/scripts/scapy-esp-node.py");
  private static final Ipv4Address GATEWAY = Ipv4Address.parse("203.0.113.1");
  private static final String CARE_OF = "203.0.113.61";
  private static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");
  private static final String SITE_HOST = "10.1.0.100";
  private static final int ECHO_PORT = 7;
  private static final int MTU = 1400;
  private static final int PINGS = 3;
  private static final int UDPS = 2;
  // Inbound to the gateway (what scapy seals) and outbound (what scapy opens): key, then salt.
  private static final int SPI_IN = 0x1000;
  private static final int SPI_OUT = 0x1001;
  private static final String KEY_IN = "feffe9928665731c6d6a8f9467308308cafebabe";
  private static final String KEY_OUT = "00112233445566778899aabbccddeeff01020304";

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  private final List<Vrf> vrfs = new ArrayList<>();
  private final NetnsLab lab = new NetnsLab(); // one per test: JUnit makes an instance for each
  private SecurityGateway gateway;

  @AfterEach
  void tearDown() throws Exception {
    try {
      // Closing the transports closes the TUN devices, wherever they are, before their namespaces.
      onLoop(
          () -> {
            if (gateway != null) {
              gateway.stop();
            }
            for (Vrf vrf : vrfs) {
              vrf.interfaces().forEach(i -> vrf.removeInterface(i.name()));
            }
            return null;
          });
    } finally {
      lab.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void scapysTunnelModeEspReachesTheSiteAndItsReplayedTamperedAndMisaddressedPacketsDoNot()
      throws Exception {
    NetnsLab.requireRootWithPython(
        Map.of(
            "scapy.layers.ipsec", "python3-scapy",
            "cryptography.hazmat.primitives.ciphers.aead", "python3-cryptography"));
    // access (care-of) -- TUN -- outside VRF | gateway | inside VRF -- TUN -- site (10.1.0.100)
    Vrf outside = vrf("gw-outside");
    String outsideDevice = lab.device("e");
    TunTransport outsideTun = TunTransport.open(outsideDevice, MTU);
    onLoop(() -> outside.addInterface("gw-internet", GATEWAY, 24, outsideTun));
    Vrf inside = vrf("gw-inside");
    String siteDevice = lab.device("s");
    TunTransport siteTun = TunTransport.open(siteDevice, MTU);
    Interface lan =
        onLoop(() -> inside.addInterface("gw-lan", Ipv4Address.parse("10.1.0.1"), 16, siteTun));
    String access = lab.namespace("esp-access");
    lab.moveInto(outsideDevice, access, CARE_OF + "/24");
    String site = lab.namespace("esp-site");
    lab.moveInto(siteDevice, site, SITE_HOST + "/16");

    SecurityGatewayTunnels tunnels = startGateway(outside, inside);
    // As a keying function hands it over (EspTunnelService), with the keys an operator wrote.
    tunnels.install(
        new EspTunnel(
            HOME,
            EspSaKeys.aesGcm(SPI_IN, HexFormat.of().parseHex(KEY_IN), true),
            EspSaKeys.aesGcm(SPI_OUT, HexFormat.of().parseHex(KEY_OUT), true),
            Ipv4Address.parse(CARE_OF),
            0,
            EspTunnel.NAT_T_PORT,
            64,
            SaLifetime.UNLIMITED));
    long[] accessBefore = lab.packets(access, outsideDevice);
    long[] siteBefore = lab.packets(site, siteDevice);
    UdpEchoHost echo = UdpEchoHost.start(lab, site, SITE_HOST, ECHO_PORT, UDPS);

    Path output = Files.createTempFile("mvpn-scapy-esp", ".txt");
    Process node =
        lab.start(
            access,
            ProcessBuilder.Redirect.to(output.toFile()),
            NetnsLab.PYTHON.toString(),
            SCRIPT.toString(),
            CARE_OF,
            GATEWAY.toString(),
            HOME.toString(),
            SITE_HOST,
            spi(SPI_IN),
            KEY_IN,
            spi(SPI_OUT),
            KEY_OUT,
            Integer.toString(PINGS),
            Integer.toString(UDPS),
            Integer.toString(ECHO_PORT));
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("scapy's node").isTrue();
    List<String> printed = Files.readAllLines(output);
    Files.delete(output);
    assertThat(node.exitValue()).as("scapy's node: %s", printed).isZero();
    assertThat(printed).containsExactlyElementsOf(expectedNodeLines());

    // Only the authentic packets reached the site, and its kernel answered each of them.
    int delivered = PINGS + UDPS + 1;
    int attacks = 3;
    assertThat(echo.finish())
        .containsExactly("from 10.1.0.5:40001 esp udp 1", "from 10.1.0.5:40002 esp udp 2");
    assertThat(lab.snmp(site))
        .containsEntry("Icmp.InEchos", (long) PINGS + 1)
        .containsEntry("Icmp.OutEchoReps", (long) PINGS + 1)
        .containsEntry("Udp.InDatagrams", (long) UDPS)
        .containsEntry("Udp.OutDatagrams", (long) UDPS);
    long[] siteAfter = lab.packets(site, siteDevice);
    assertThat(siteAfter[0] - siteBefore[0]).as("site rx").isEqualTo(delivered);
    assertThat(siteAfter[1] - siteBefore[1]).as("site tx").isEqualTo(delivered);
    assertThat(onLoop(() -> lan.counters().sent())).isEqualTo(delivered);
    long[] accessAfter = lab.packets(access, outsideDevice);
    assertThat(accessAfter[1] - accessBefore[1]).as("access tx").isEqualTo(delivered + attacks);
    assertThat(accessAfter[0] - accessBefore[0]).as("access rx").isEqualTo(delivered);

    // Each refusal counted by its reason, as mvpn:sa counters shows them.
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.ESP_RECEIVED)))
        .isEqualTo(delivered + attacks);
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.ESP_ACCEPTED))).isEqualTo(delivered);
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.ESP_SENT))).isEqualTo(delivered);
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.UNKNOWN_SPI))).isEqualTo(1);
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.ESP_REFUSED))).isEqualTo(2);
    assertThat(onLoop(() -> gateway.counter(GatewayCounter.INBOUND_SELECTOR_MISS))).isZero();
    assertThat(onLoop(gateway::refusals))
        .containsExactlyInAnyOrderEntriesOf(Map.of(Reason.REPLAY, 1L, Reason.ICV, 1L));
    // The inbound SA saw the authentic packets up to the last sequence number scapy used.
    EspSecurityAssociation in = onLoop(() -> gateway.tunnel(HOME).inbound());
    assertThat(onLoop(in::packets)).isEqualTo(delivered);
    assertThat(onLoop(in::sequence)).isEqualTo(delivered);
    assertThat(onLoop(() -> in.refused(Reason.REPLAY))).isEqualTo(1);
    assertThat(onLoop(() -> in.refused(Reason.ICV))).isEqualTo(1);
    assertThat(onLoop(() -> gateway.tunnel(HOME).outbound().sequence())).isEqualTo(delivered);
  }

  /** The gateway as the appliance runs it, with the service a keying function installs through. */
  private SecurityGatewayTunnels startGateway(Vrf outside, Vrf inside) {
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    gateway =
        onLoop(
            () -> {
              SecurityGateway g =
                  new SecurityGateway(
                      new SecurityGateway.Config(
                          GATEWAY, SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
                      outside,
                      inside,
                      epochOffset);
              g.start();
              return g;
            });
    return new SecurityGatewayTunnels("gw-scapy", gateway, outside);
  }

  /** What scapy-esp-node.py prints when every field was as expected. */
  private static List<String> expectedNodeLines() {
    String exchange = "%s sent-spi=%s sent-seq=%d answer-spi=%s answer-seq=%d checked";
    List<String> lines = new ArrayList<>();
    IntStream.rangeClosed(1, PINGS)
        .forEach(i -> lines.add(exchange.formatted("echo-" + i, spi(SPI_IN), i, spi(SPI_OUT), i)));
    IntStream.rangeClosed(1, UDPS)
        .forEach(
            i -> {
              int seq = PINGS + i;
              lines.add(exchange.formatted("udp-" + i, spi(SPI_IN), seq, spi(SPI_OUT), seq));
            });
    int last = PINGS + UDPS;
    lines.add("replayed spi=%s seq=%d unanswered".formatted(spi(SPI_IN), last));
    lines.add("tampered spi=%s seq=%d unanswered".formatted(spi(SPI_IN), last + 1));
    lines.add("unknown-spi spi=%s seq=%d unanswered".formatted(spi(SPI_IN ^ 0x10000), last + 1));
    // The refused packets moved nothing: their sequence number is still good.
    lines.add(
        exchange.formatted("echo-" + (PINGS + 1), spi(SPI_IN), last + 1, spi(SPI_OUT), last + 1));
    lines.add("done sent=%d answered=%d refused=3".formatted(last + 1, last + 1));
    return lines;
  }

  private static String spi(int spi) {
    return String.format("0x%08x", spi);
  }

  private Vrf vrf(String name) {
    Vrf vrf = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    vrfs.add(vrf);
    return vrf;
  }

  /** Work on the engines' event loop, awaited (bounded). */
  private <T> T onLoop(Supplier<T> work) {
    return FabricService.awaitOn(scheduler, work);
  }
}
