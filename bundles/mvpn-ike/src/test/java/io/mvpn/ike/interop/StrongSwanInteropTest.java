package io.mvpn.ike.interop;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.ike.sa.UdpEncapsulation;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * mvpn's IKEv2 engine against strongSwan's charon over real UDP: charon runs in a network namespace
 * at one end of a veth pair, the engine in the root namespace at the other. Needs root and the
 * strongswan-charon and strongswan-swanctl packages (.ci/run installs them); skipped otherwise.
 * charon's log of each run is kept in target/strongswan-interop/.
 */
class StrongSwanInteropTest {

  static final String PSK = "correct horse battery staple";
  static final String CHARON_ID = "mn1.example.net";
  static final Path LOGS = Path.of("target", "strongswan-interop");

  /** What mvpn's default policies accept, so charon may pick any of it. */
  static final String IKE_PROPOSALS =
      "aes256gcm16-aes128gcm16-prfsha256-prfsha384-ecp256-ecp384-curve25519-modp2048";

  /** kernel-libipsec installs no SA with extended sequence numbers ("ESN not supported"). */
  static final String ESP_PROPOSALS = "aes256gcm16-aes128gcm16-noesn";

  @BeforeAll
  static void requirements() throws Exception {
    require(Files.isExecutable(Charon.CHARON), "strongswan-charon is not installed");
    require(Files.isExecutable(Charon.SWANCTL), "strongswan-swanctl is not installed");
    require(
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
        "iproute2 is not installed");
    require(NetNamespace.run("id", "-u").trim().equals("0"), "needs root for namespaces");
    require(
        Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
        "iputils-ping is not installed");
  }

  /** A host behind mvpn, in its traffic selector 10.2.0.0/16: the runner answers its pings. */
  static final Ipv4Address MVPN_HOST = Ipv4Address.parse("10.2.0.1");

  /** The host behind charon, in its namespace: its kernel answers pings. */
  static final Ipv4Address CHARON_HOST = Ipv4Address.parse(NetNamespace.INNER_ADDRESS);

  static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  static TrafficSelector range(String start, String end) {
    return TrafficSelector.ipv4(Ipv4Address.parse(start), Ipv4Address.parse(end));
  }

  /** mvpn as a gateway for 10.2.0.0/16, admitting 10.1.0.0/24 behind charon. */
  static PeerConfig mvpnConfig(String address) {
    return PeerConfig.of(
        Identity.ipv4(Ipv4Address.parse(address)),
        Identity.fqdn(CHARON_ID),
        new PskAuthenticator(PSK.getBytes(StandardCharsets.US_ASCII)),
        List.of(range("10.2.0.0", "10.2.255.255")),
        List.of(range("10.1.0.0", "10.1.0.255")));
  }

  static String swanctlConf(NetNamespace ns) {
    return swanctlConf(ns, IKE_PROPOSALS, ESP_PROPOSALS);
  }

  /** charon's connection to mvpn, proposing {@code ike} for the IKE SA and {@code esp} for ESP. */
  static String swanctlConf(NetNamespace ns, String ike, String esp) {
    return String.join(
        "\n",
        "connections {",
        "  mvpn {",
        "    version = 2",
        "    local_addrs = " + ns.nsAddress,
        "    remote_addrs = " + ns.rootAddress,
        "    proposals = " + ike,
        "    local {",
        "      auth = psk",
        "      id = " + CHARON_ID,
        "    }",
        "    remote {",
        "      auth = psk",
        "      id = " + ns.rootAddress,
        "    }",
        "    children {",
        "      net {",
        "        local_ts = 10.1.0.0/24",
        "        remote_ts = 10.2.0.0/16",
        "        esp_proposals = " + esp,
        "        mode = tunnel",
        "      }",
        "    }",
        "  }",
        "}",
        "secrets {",
        "  ike-mvpn {",
        "    id-1 = " + CHARON_ID,
        "    id-2 = " + ns.rootAddress,
        "    secret = \"" + PSK + "\"",
        "  }",
        "}",
        "");
  }

  private NetNamespace ns;
  private UdpIkeRunner mvpn;
  private Charon charon;

  /** The namespace, mvpn's engine on its side of the veth and charon, its connection loaded. */
  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    ns = new NetNamespace("mvpnike");
    mvpn = new UdpIkeRunner(Ipv4Address.parse(ns.rootAddress), mvpnConfig(ns.rootAddress));
    charon = new Charon(dir, ns.name);
    charon.start(swanctlConf(ns));
    charon.routeTunnel("10.2.0.0/16", NetNamespace.INNER_ADDRESS);
    mvpn.hosts.add(MVPN_HOST);
    Charon.Result load = charon.swanctl(20, "--load-all");
    assertThat(load.exitCode()).as(load.output()).isZero();
  }

  /** Stops everything that started, whatever failed, and keeps charon's log. */
  @AfterEach
  void stop(TestInfo test) throws Exception {
    stop(charon, mvpn, ns, test.getTestMethod().orElseThrow().getName() + ".log");
  }

  /** Stops whichever of them started, whatever fails, keeping charon's log as {@code log}. */
  static void stop(Charon charon, UdpIkeRunner mvpn, NetNamespace ns, String log) throws Exception {
    try {
      if (charon != null) {
        keepLog(charon, log);
        charon.close();
      }
    } finally {
      try {
        if (mvpn != null) {
          mvpn.close();
        }
      } finally {
        if (ns != null) {
          ns.close();
        }
      }
    }
  }

  @Test
  void charonInitiatesToMvpn() throws Exception {

    Charon.Result initiate = charon.swanctl(40, "--initiate", "--child", "net", "--timeout", "20");
    IkeSa sa = mvpn.established.poll(5, TimeUnit.SECONDS);
    String listed = charon.swanctl(20, "--list-sas").output();
    String context = initiate.output() + "\n" + listed + "\n" + String.join("\n", mvpn.trace);

    assertThat(initiate.exitCode()).as(context).isZero();
    assertThat(listed).as(context).contains("ESTABLISHED").contains("INSTALLED");
    assertThat(sa).as(context).isNotNull();

    assertSameSas(listed, sa, mvpn);
    // kernel-libipsec makes charon fake a NAT (it only does UDP-encapsulated ESP), so it
    // floats to port 4500 after IKE_SA_INIT; mvpn must answer there (RFC 7296 §2.11, §2.23).
    assertThat(mvpn.trace.stream().filter(t -> t.startsWith("-> ")).skip(1))
        .as(context)
        .allMatch(t -> t.contains(":4500 > ") && t.contains(":4500 "));

    assertPingsBothWays(sa);

    // Closing the Child SA alone: mvpn answers with the other half of the pair (§1.4.1).
    Charon.Result closeChild =
        charon.swanctl(30, "--terminate", "--child", "net", "--timeout", "10");
    assertThat(closeChild.exitCode()).as(closeChild.output()).isZero();
    assertThat(charon.logText()).containsPattern("parsed INFORMATIONAL response \\d+ \\[ D \\]");
    assertThat(mvpn.call(sa::childSas)).isEmpty();
    assertThat(mvpn.call(mvpn.sad::all)).isEmpty();

    // Closing the IKE SA ends it at mvpn too.
    Charon.Result closeIke = charon.swanctl(30, "--terminate", "--ike", "mvpn", "--timeout", "10");
    assertThat(closeIke.exitCode()).as(closeIke.output()).isZero();
    assertThat(mvpn.call(() -> mvpn.engine().sas())).isEmpty();
    assertThat(mvpn.ended).containsExactly(sa);
  }

  @Test
  void mvpnInitiatesToCharon() throws Exception {

    mvpn.call(() -> mvpn.engine().initiate(Endpoint.of(ns.nsAddress, Endpoint.IKE_PORT)));
    IkeSa sa = mvpn.established.poll(20, TimeUnit.SECONDS);
    String listed = charon.swanctl(20, "--list-sas").output();
    String context = listed + "\n" + String.join("\n", mvpn.trace);
    assertThat(sa).as(context).isNotNull();
    assertThat(mvpn.call(sa::childFailure)).as(context).isZero();
    assertThat(listed).as(context).contains("ESTABLISHED").contains("INSTALLED");
    assertSameSas(listed, sa, mvpn);
    // charon fakes a NAT for kernel-libipsec: mvpn moves to 4500 after IKE_SA_INIT (§2.23).
    // IKE_SA_INIT may go twice: mvpn's KE is X25519, and charon, ecp256 first, asks for 19.
    assertThat(mvpn.trace.stream().filter(t -> t.startsWith("-> ") && !t.contains(" 34 mid 0 ")))
        .as(context)
        .isNotEmpty()
        .allMatch(t -> t.contains(":4500 > ") && t.contains(":4500 "));

    assertPingsBothWays(sa);

    // mvpn closes the IKE SA; charon lets it go.
    mvpn.call(
        () -> {
          mvpn.engine().delete(sa);
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (mvpn.ended.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(mvpn.ended).as(context).containsExactly(sa);
    assertThat(charon.swanctl(20, "--list-sas").output()).doesNotContain("ESTABLISHED");
  }

  /**
   * ESP through the Child SA, in UDP on 4500 at both ends: mvpn pings charon's host and gets its
   * kernel's replies back through charon's outbound SA; charon's host pings mvpn's and the runner
   * answers through mvpn's. charon then counts bytes in both directions.
   */
  void assertPingsBothWays(IkeSa sa) throws Exception {
    assertPingsBothWays(mvpn, charon, ns, sa);
  }

  /** The pings of {@link #assertPingsBothWays(IkeSa)} through the first Child SA of {@code sa}. */
  static void assertPingsBothWays(UdpIkeRunner mvpn, Charon charon, NetNamespace ns, IkeSa sa)
      throws Exception {
    ChildSa child = mvpn.call(() -> sa.childSas().get(0));
    int[] before = packets(charon.swanctl(20, "--list-sas").output());
    int answeredBefore = mvpn.call(mvpn.echoesAnswered::get);
    assertThat(mvpn.call(sa::udpEncapsulation))
        .contains(
            new UdpEncapsulation(
                Endpoint.of(ns.rootAddress, Endpoint.NAT_T_PORT),
                Endpoint.of(ns.nsAddress, Endpoint.NAT_T_PORT)));

    int id = 0x6d76;
    for (int seq = 1; seq <= 3; seq++) {
      ByteBuf request =
          IcmpBuilder.echoRequest(
              ALLOC,
              MVPN_HOST.toInt(),
              CHARON_HOST.toInt(),
              id,
              seq,
              Unpooled.wrappedBuffer("mvpn through charon".getBytes(StandardCharsets.US_ASCII)),
              64);
      try {
        mvpn.call(
            () -> {
              mvpn.sendEsp(sa, child, request);
              return null;
            });
      } finally {
        request.release();
      }
      byte[] inner = mvpn.delivered.poll(5, TimeUnit.SECONDS);
      String context = "echo " + seq + ", refused: " + mvpn.espRefused + "\n" + charon.logText();
      assertThat(inner).as(context).isNotNull();
      Ipv4Packet ip = Ipv4Packet.parse(Unpooled.wrappedBuffer(inner));
      IcmpMessage reply = IcmpMessage.parse(ip);
      assertThat(ip.sourceAddress()).isEqualTo(CHARON_HOST);
      assertThat(ip.destinationAddress()).isEqualTo(MVPN_HOST);
      assertThat(reply.type()).isEqualTo(IcmpType.ECHO_REPLY);
      assertThat(reply.identifier()).isEqualTo(id);
      assertThat(reply.sequence()).isEqualTo(seq);
    }

    String ping = ping(ns, MVPN_HOST, 3);
    assertThat(ping).as("refused: " + mvpn.espRefused).contains("3 received");
    // Read on the engine's thread: ping may see the third reply before the runner counts it.
    assertThat(mvpn.call(mvpn.echoesAnswered::get)).isEqualTo(answeredBefore + 3);
    assertThat(mvpn.espRefused).isEmpty();

    // charon saw six more datagrams each way: three echoes of each side and their replies.
    String listed = charon.swanctl(20, "--list-sas").output();
    int[] after = packets(listed);
    assertThat(after[0] - before[0]).as(listed).isEqualTo(6);
    assertThat(after[1] - before[1]).as(listed).isEqualTo(6);
  }

  /** {@code ping}'s output for {@code count} echoes from the host behind charon to {@code to}. */
  static String ping(NetNamespace ns, Ipv4Address to, int count) throws Exception {
    return NetNamespace.run(
        "ip",
        "netns",
        "exec",
        ns.name,
        "ping",
        "-n",
        "-c",
        String.valueOf(count),
        "-W",
        "2",
        "-I",
        NetNamespace.INNER_ADDRESS,
        to.toString());
  }

  /** The packets charon counted in and out on the first Child SA it lists. */
  static int[] packets(String listed) {
    Matcher in =
        Pattern.compile("\\bin\\s+\\p{XDigit}{8}.*?(\\d+) bytes,\\s+(\\d+) packets")
            .matcher(listed);
    Matcher out =
        Pattern.compile("\\bout\\s+\\p{XDigit}{8}.*?(\\d+) bytes,\\s+(\\d+) packets")
            .matcher(listed);
    assertThat(in.find()).as(listed).isTrue();
    assertThat(out.find()).as(listed).isTrue();
    return new int[] {Integer.parseInt(in.group(2)), Integer.parseInt(out.group(2))};
  }

  /** charon's listing shows the IKE SA's SPIs and the Child SA's, paired the other way round. */
  static void assertSameSas(String listed, IkeSa sa, UdpIkeRunner mvpn) throws Exception {
    Matcher ike = Pattern.compile("(\\p{XDigit}{16})_i\\*? (\\p{XDigit}{16})_r").matcher(listed);
    assertThat(ike.find()).as(listed).isTrue();
    ChildSa child = mvpn.call(() -> sa.childSas().get(0));
    long[] spis = mvpn.call(() -> new long[] {sa.spiI(), sa.spiR()});
    assertThat(ike.group(1)).isEqualTo(String.format("%016x", spis[0]));
    assertThat(ike.group(2)).isEqualTo(String.format("%016x", spis[1]));
    // charon's inbound SPI is our outbound one, and the other way round.
    assertThat(spi(listed, "in")).isEqualTo(child.outbound().spi());
    assertThat(spi(listed, "out")).isEqualTo(child.inbound().spi());
  }

  static int spi(String listed, String direction) {
    Matcher m = Pattern.compile("\\b" + direction + "\\s+(\\p{XDigit}{8})").matcher(listed);
    assertThat(m.find()).as(listed).isTrue();
    return Integer.parseUnsignedInt(m.group(1), 16);
  }

  static void keepLog(Charon charon, String name) throws IOException {
    Files.createDirectories(LOGS);
    Files.writeString(LOGS.resolve(name), charon.logText());
  }
}
