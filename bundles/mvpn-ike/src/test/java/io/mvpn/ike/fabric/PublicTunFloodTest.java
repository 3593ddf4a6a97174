package io.mvpn.ike.fabric;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.pki.TestCertificateAuthorities;
import io.mvpn.ike.sa.EngineCounters;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.ipsec.gateway.SecurityGatewayTunnels;
import io.mvpn.net.Counters;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.net.transport.tun.KernelLab;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.ReplyCode;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.store.InMemoryBindingStore;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 10^5 bad packets written at line rate into the appliance's public TUN device, from the kernel's
 * side, while the appliance's engines listen on the public VRF as they do in the appliance: the
 * dispatcher with acme's home agent (UDP 434, IP in IP), a security gateway with its IKE responder
 * (UDP 500, ESP in UDP 4500). Every packet is counted once, by the reason it is bad, and dropped;
 * the TUN reader and the engines live on; a real host's pings through the appliance, to a second
 * TUN link, are answered during the flood and after it; and neither the heap nor the buffer pool
 * nor any per-reason table grows with the flood.
 *
 * <p>Needs root, /dev/net/tun, ip, ping and python3; fails without them under CI=true. Run under
 * {@code flock /tmp/mvpn-netns.lock}.
 */
class PublicTunFloodTest {

  private static final Path SCRIPT = Path.of("src/test/scripts/flood-public-tun.py");
  private static final Ipv4Address APPLIANCE = Ipv4Address.parse("203.0.113.1");
  private static final String ACCESS_HOST = "203.0.113.50";
  private static final Ipv4Address FAR_SIDE = Ipv4Address.parse("198.51.100.129");
  private static final String FAR_HOST = "198.51.100.130";
  private static final Ipv4Address HOME_AGENT = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address GATEWAY = Ipv4Address.parse("198.51.100.30");
  private static final int MTU = 1400;
  private static final int SEED = 20261205;

  /** Room in the device's queue for a whole kind's packets, so the kernel drops none of them. */
  private static final int TX_QUEUE = 20_000;

  /** What the flood may leave behind in the heap and in the buffer pool, after a GC. */
  private static final long HEAP_BOUND = 16L << 20;

  private static final long DIRECT_BOUND = 16L << 20;

  /** One kind of bad packet, how many the script sends, and the counter that counts each. */
  private record Kind(String name, int count, String countedAs) {}

  private static final List<Kind> KINDS =
      List.of(
          // Not IPv4 at all, or IPv4 with anything wrong: checked on its own below.
          new Kind("random", 16_000, null),
          // Shorter than their IPv4 total length: the TUN reader's check, before the VRF.
          new Kind("short", 7_000, "tun.truncated"),
          new Kind("bad-header-checksum", 7_000, "vrf.malformed.BAD_HEADER_CHECKSUM"),
          new Kind("bad-total-length", 7_000, "vrf.malformed.BAD_TOTAL_LENGTH"),
          new Kind("bad-ihl", 7_000, "vrf.malformed.BAD_IHL"),
          new Kind("bad-options", 7_000, "vrf.malformed.BAD_OPTIONS"),
          new Kind("bad-udp-checksum", 7_000, "vrf.malformed.BAD_UDP_CHECKSUM"),
          new Kind("bad-icmp-checksum", 7_000, "vrf.malformed.BAD_ICMP_CHECKSUM"),
          new Kind("unknown-protocol", 7_000, "vrf.drop.NO_PROTOCOL_HANDLER"),
          // Never completed: up to the reassembler's limit held (until they time out), the rest
          // given up at once.
          new Kind("fragments", 7_000, "fragments"),
          new Kind("mip-garbage", 7_000, "homeagent.malformed"),
          new Kind("ike-garbage", 7_000, "ike.malformed"),
          new Kind("esp-garbage", 7_000, "gateway.UNKNOWN_SPI"));

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
  private final List<Vrf> vrfs = new ArrayList<>();
  private final InMemoryBindingStore store = new InMemoryBindingStore();
  private final NetnsLab lab = new NetnsLab();
  private Vrf publicVrf;
  private TunTransport publicTun;
  private Dispatcher dispatcher;
  private VirtualHomeAgent homeAgent;
  private SecurityGateway gateway;
  private SecurityGatewayIke gatewayIke;

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (gatewayIke != null) {
        onLoop(() -> gatewayIke.close());
      }
      for (Vrf vrf : vrfs) {
        onLoop(() -> vrf.interfaces().forEach(i -> vrf.removeInterface(i.name())));
      }
    } finally {
      lab.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aFloodOfBadPacketsIsCountedByReasonAndDroppedWhileForwardingGoesOnAndTheHeapStaysFlat()
      throws Exception {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(NetnsLab.PYTHON)) {
      missing.add(NetnsLab.PYTHON + " (python3)");
    }
    KernelLab.requireKernel(missing);
    String access = lab.namespace("flood-access");
    String far = lab.namespace("flood-far");
    String publicDevice = lab.device("p");
    String farDevice = lab.device("f");
    publicVrf = vrf("public");
    publicTun = TunTransport.open(publicDevice, MTU);
    TunTransport farTun = TunTransport.open(farDevice, MTU);
    Interface internet =
        onLoop(() -> publicVrf.addInterface("public-internet", APPLIANCE, 24, publicTun));
    onLoop(() -> publicVrf.addInterface("public-far", FAR_SIDE, 25, farTun));
    lab.moveInto(publicDevice, access, ACCESS_HOST + "/24");
    lab.in(access, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
    lab.in(access, "ip", "link", "set", publicDevice, "txqueuelen", Integer.toString(TX_QUEUE));
    lab.moveInto(farDevice, far, FAR_HOST + "/25");
    lab.in(far, "ip", "route", "add", "203.0.113.0/24", "dev", farDevice);
    startEngines();

    // Warm up (classes loaded, pools filled) before the heap is measured.
    assertThat(ping(access, 20, FAR_HOST)).isEqualTo(20);
    long heapBefore = usedHeapAfterGc();
    long directBefore = usedDirectMemory();
    Path pingOutput = Files.createTempFile("mvpn-flood-ping", ".txt");
    Process pingDuringFlood =
        lab.start(
            access,
            ProcessBuilder.Redirect.to(pingOutput.toFile()),
            "ping",
            "-n",
            "-i",
            "0.05",
            "-W",
            "5",
            FAR_HOST);

    long sent = 0;
    long shedPings = 0; // echo requests the reader shed with the flood, counted as overruns
    for (Kind kind : KINDS) {
      Map<String, Long> before = snapshot();
      long floodStart = System.nanoTime();
      Map<String, Long> printed = flood(access, publicDevice, kind);
      assertThat(printed).as(kind.name()).containsEntry(kind.name(), (long) kind.count());
      Map<String, Long> delta = counted(access, publicDevice, before, kind.count());
      // The real host's echo requests (one each 50 ms) share the reader: on a busy machine the
      // overruns may take some of them too, but no more than were sent meanwhile.
      long pings = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodStart) / 50 + 1;
      // Each packet counted once, under one reason, and dropped.
      assertThat(dropped(delta))
          .as("%s: every packet dropped once: %s", kind, delta)
          .isBetween(
              (long) kind.count(), kind.count() + Math.min(pings, delta.get("tun.overruns")));
      shedPings += dropped(delta) - kind.count();
      if (kind.countedAs() == null) {
        assertThat(delta.get("tun.not-ipv4")).isLessThanOrEqualTo(printed.get("random-not-ipv4"));
      } else {
        // On a busy machine the reader may outrun the VRF: what it sheds is counted as overruns.
        assertThat(delta.get(kind.countedAs()) + delta.get("tun.overruns"))
            .as("%s: %s", kind, delta)
            .isBetween(
                (long) kind.count(), kind.count() + Math.min(pings, delta.get("tun.overruns")));
        assertThat(delta.get(kind.countedAs())).as("%s: %s", kind, delta).isPositive();
      }
      sent += kind.count();
    }
    assertThat(sent).isEqualTo(100_000);

    // The real host's pings through the appliance were all answered during the flood...
    assertThat(ping(access, 5, FAR_HOST)).isEqualTo(5);
    NetnsLab.run("kill", "-INT", Long.toString(pingDuringFlood.pid()));
    assertThat(pingDuringFlood.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String rxDropped = "/sys/class/net/" + publicDevice + "/statistics/rx_dropped";
    String summary =
        Files.readString(pingOutput) + "dropped by the kernel: " + lab.in(access, "cat", rxDropped);
    Files.delete(pingOutput);
    long[] duringFlood = pingSummary(summary);
    assertThat(duringFlood[0]).as(summary).isGreaterThanOrEqualTo(10);
    // (the request on its way when the ping was stopped may miss its answer; those the reader shed
    // were counted above)
    assertThat(duringFlood[1]).as(summary).isGreaterThanOrEqualTo(duringFlood[0] - 1 - shedPings);
    // ...and after it, through the appliance and to the appliance itself.
    assertThat(ping(access, 20, FAR_HOST)).isEqualTo(20);
    assertThat(ping(access, 5, APPLIANCE.toString())).isEqualTo(5);

    // Nothing stopped the reader or an engine, and the flood left nothing behind.
    assertThat(publicTun.failure()).isNull();
    // The interface counts what its reader dropped as the VRF does: not IPv4, overruns, cut short.
    assertThat(onLoop(() -> internet.counters().dropped(DropReason.LINK)))
        .isEqualTo(publicTun.nonIpv4() + publicTun.overruns());
    assertThat(
            onLoop(() -> internet.counters().malformed(MalformedPacketException.Reason.TRUNCATED)))
        .isGreaterThanOrEqualTo(publicTun.truncated());
    assertThat(onLoop(() -> publicVrf.counters().forwarded())).isGreaterThan(40);
    assertThat(onLoop(publicVrf::reassembliesInProgress)).isLessThanOrEqualTo(64);
    assertThat(onLoop(() -> gatewayIke.engine().sas())).isEmpty();
    assertThat(onLoop(gateway::tunnels)).isEmpty();
    assertThat(store.bindings(MvpnId.of("acme"))).isEmpty();
    RegistrationStats stats = homeAgent.stats();
    assertThat(onLoop(stats::repliesByCode)).containsOnlyKeys(ReplyCode.HA_POORLY_FORMED_REQUEST);
    assertThat(onLoop(dispatcher::unknownDestination)).isZero();
    // Thousands of undeliverable datagrams were not answered with thousands of ICMP errors.
    assertThat(onLoop(publicVrf::icmpErrorsRateLimited)).isGreaterThan(5_000);
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    long directGrowth = usedDirectMemory() - directBefore;
    assertThat(heapGrowth).as("heap growth").isLessThan(HEAP_BOUND);
    assertThat(directGrowth).as("buffer pool growth").isLessThan(DIRECT_BOUND);
  }

  /** acme's home agent behind the dispatcher, and a security gateway with its IKE responder. */
  private void startEngines() throws Exception {
    Vrf acme = vrf("acme");
    Vrf inside = vrf("gateway-inside");
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    HomeAgentConfig config =
        new HomeAgentConfig(
            MvpnId.of("acme"),
            HOME_AGENT,
            List.of(Prefix.parse("10.1.0.0/16")),
            List.of(
                AssociationSpec.parse("10.1.0.5 1000 hmac-md5 00112233445566778899aabbccddeeff")),
            600,
            7,
            "acme-lan");
    PeerConfig responder = gatewayPeer();
    onLoop(
        () -> {
          dispatcher = new Dispatcher(publicVrf);
          dispatcher.open();
          homeAgent =
              new VirtualHomeAgent(
                  config, publicVrf, acme, store.onClock(epochOffset), epochOffset);
          homeAgent.start();
          dispatcher.add(homeAgent);
          publicVrf.addLocalAddress(GATEWAY);
          gateway =
              new SecurityGateway(
                  new SecurityGateway.Config(
                      GATEWAY, SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
                  publicVrf,
                  inside,
                  epochOffset);
          gateway.start();
          gatewayIke =
              new SecurityGatewayIke(
                  new SecurityGatewayTunnels("sgw", gateway, publicVrf),
                  publicVrf,
                  responder,
                  EngineSettings.defaults(),
                  new SecureRandom(),
                  id -> null);
          gatewayIke.start();
        });
  }

  /** The gateway's responder: its own certificate, for any initiator and any traffic. */
  private static PeerConfig gatewayPeer() throws Exception {
    Instant from = Instant.now().minus(Duration.ofDays(1));
    CertificateAuthority ca =
        TestCertificateAuthorities.tenYearsFrom(
            "mvpn flood ca", KeyType.EC_P256, from, new SecureRandom());
    Instant until = from.plus(Duration.ofDays(30));
    TrafficSelector any =
        TrafficSelector.ipv4(Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("255.255.255.255"));
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(
            ca.issue(Subject.gateway("sgw", GATEWAY), KeyType.EC_P256, from, until),
            CertificateValidator.trusting(ca.certificate()),
            Instant::now);
    return PeerConfig.of(Identity.ipv4(GATEWAY), null, authenticator, List.of(any), List.of(any));
  }

  /** Runs the script for one kind in the access namespace; what it says it sent, by kind. */
  private Map<String, Long> flood(String access, String device, Kind kind) throws Exception {
    String out =
        lab.in(
            access,
            NetnsLab.PYTHON.toString(),
            SCRIPT.toString(),
            device,
            kind.name(),
            Integer.toString(kind.count()),
            Integer.toString(SEED + kind.name().hashCode()),
            ACCESS_HOST,
            APPLIANCE.toString(),
            HOME_AGENT.toString(),
            GATEWAY.toString());
    Map<String, Long> sent = new TreeMap<>();
    Matcher m = Pattern.compile("sent (\\S+) (\\d+)").matcher(out);
    while (m.find()) {
      sent.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return sent;
  }

  /**
   * Waits (bounded) until as many packets as the script sent have been dropped somewhere, which
   * they are in the order the reader took them, then gives the counters' changes. The kernel's own
   * count of what the device's queue dropped must stay zero: those never reached the reader.
   */
  private Map<String, Long> counted(
      String access, String device, Map<String, Long> before, long sent) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String txDropped = "/sys/class/net/" + device + "/statistics/tx_dropped";
    while (true) {
      assertThat(lab.in(access, "cat", txDropped).trim())
          .as("dropped by the kernel")
          .isEqualTo("0");
      Map<String, Long> delta = delta(before, snapshot());
      if (dropped(delta) >= sent || System.nanoTime() > deadline) {
        return delta;
      }
    }
  }

  /** Every counter a bad packet may land in, read on the VRFs' loop. */
  private Map<String, Long> snapshot() throws Exception {
    return onLoop(
        () -> {
          Map<String, Long> c = new TreeMap<>();
          c.put("tun.not-ipv4", publicTun.nonIpv4());
          c.put("tun.truncated", publicTun.truncated());
          c.put("tun.overruns", publicTun.overruns());
          Counters vrf = publicVrf.counters();
          for (MalformedPacketException.Reason r : MalformedPacketException.Reason.values()) {
            c.put("vrf.malformed." + r, vrf.malformed(r));
          }
          for (DropReason r : DropReason.values()) {
            c.put("vrf.drop." + r, vrf.dropped(r));
          }
          c.put("vrf.drops", vrf.droppedTotal());
          c.put("reassembling", (long) publicVrf.reassembliesInProgress());
          c.put("homeagent.malformed", homeAgent.stats().malformedDropped());
          EngineCounters ike = gatewayIke.engine().manager().counters();
          c.put("ike.malformed", ike.malformed());
          for (GatewayCounter g : GatewayCounter.values()) {
            c.put("gateway." + g, gateway.counter(g));
          }
          return c;
        });
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((name, value) -> delta.put(name, value - before.get(name)));
    delta.put("fragments", delta.get("vrf.drop.REASSEMBLY") + delta.get("reassembling"));
    return delta;
  }

  /**
   * Packets dropped over every place that drops: what the reader drops itself, what the VRF drops
   * (malformed included), what the engines behind it drop, and fragments held for reassembly.
   */
  private static long dropped(Map<String, Long> delta) {
    return delta.get("tun.not-ipv4")
        + delta.get("tun.truncated")
        + delta.get("tun.overruns")
        + delta.get("vrf.drops")
        + delta.get("reassembling")
        + delta.get("homeagent.malformed")
        + delta.get("ike.malformed")
        + delta.get("gateway.UNKNOWN_SPI");
  }

  /** Pings from a namespace; how many were answered. */
  private int ping(String namespace, int count, String host) throws Exception {
    String out;
    try {
      out =
          lab.in(
              namespace,
              "ping",
              "-n",
              "-q",
              "-c",
              Integer.toString(count),
              "-i",
              "0.05",
              "-W",
              "2",
              host);
    } catch (IOException e) {
      out = e.getMessage(); // ping exits 1 when some went unanswered; its summary says how many
    }
    return (int) pingSummary(out)[1];
  }

  /** {transmitted, received} from ping's summary line. */
  private static long[] pingSummary(String output) {
    Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long usedDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }

  private Vrf vrf(String name) {
    Vrf vrf = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    vrfs.add(vrf);
    return vrf;
  }

  private interface Work {
    void run() throws Exception;
  }

  private void onLoop(Work work) throws Exception {
    onLoop(
        () -> {
          work.run();
          return null;
        });
  }

  private <T> T onLoop(Callable<T> work) throws Exception {
    return KernelLab.onLoop(scheduler, work);
  }
}
