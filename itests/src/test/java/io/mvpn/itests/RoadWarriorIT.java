package io.mvpn.itests;

import static io.mvpn.api.testing.Requirements.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mvpn.itests.RoadWarrior.ClientDefaults;
import io.mvpn.net.transport.tun.KernelLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ordinary IPsec client reaches a tenant's site through the appliance: strongSwan's charon
 * (kernel-libipsec) in a namespace connects over a real network to the security gateway of the
 * assembly started as an operator starts it, whose outside interface is a TUN device and whose
 * inside interface is a TUN device into the site's namespace. IKEv2 with certificates of the
 * appliance CA, the node's home address as virtual IP from the configuration payload; once direct
 * and once behind an nftables masquerade; with the proposals Apple's and Windows' built-in clients
 * send by default; and refused, with a certificate of a CA the appliance does not trust. The cfg
 * files, swanctl.conf and strongswan.conf are in {@code src/test/resources/roadwarrior/}, for
 * scripts to reuse.
 *
 * <p>Needs root, /dev/net/tun, charon with kernel-libipsec, swanctl, tshark, dumpcap, nft and
 * socat; missing under CI=true it fails. Run under {@code flock /tmp/mvpn-netns.lock}.
 */
class RoadWarriorIT {

  private static final long WAIT_SECONDS = 120;
  private static final int TRANSFER_BYTES = 10 * 1024 * 1024;
  private static final int SHORT_TRANSFER_BYTES = 1024 * 1024;
  private static final String SITE_HOST = RoadWarriorNetwork.SITE_HOST;
  private static final Path WORK = Path.of("target/roadwarrior").toAbsolutePath();

  private static RoadWarriorNetwork network;
  private static ApplianceProcess appliance;
  private static Path blob;
  private static Path shortBlob;

  private final List<AutoCloseable> perTest = new ArrayList<>();

  @BeforeAll
  static void applianceBetweenTheNetworks() throws Exception {
    KernelLab.requireKernel("swanctl", "tshark", "dumpcap", "nft", "socat");
    require(Files.isExecutable(RoadWarrior.CHARON), "strongSwan's charon (strongswan-charon)");
    require(
        Files.exists(RoadWarrior.KERNEL_LIBIPSEC),
        "charon's kernel-libipsec plugin (libcharon-extra-plugins)");
    network = new RoadWarriorNetwork();
    network.build();
    appliance =
        ApplianceProcess.unpack(
            System.getProperty("mvpn.assembly.archive"),
            WORK.resolve("appliance"),
            List.of("io.mvpn.demo.cfg"));
    Map<String, String> devices =
        Map.of("@PUBLIC_TUN@", network.publicTun, "@SITE_TUN@", network.siteTun);
    for (String cfg : List.of("io.mvpn.securitygateway-rw.cfg", "io.mvpn.ike.gateway-rwike.cfg")) {
      appliance.writeEtc(cfg, RoadWarrior.template(cfg, devices));
    }
    appliance.start();
    appliance.awaitShell(
        "mvpn:interfaces",
        out -> out.contains("tun:" + network.publicTun) && out.contains("tun:" + network.siteTun),
        WAIT_SECONDS);
    appliance.awaitShell("mvpn:ike sas", out -> out.contains("rwike on"), WAIT_SECONDS);
    network.adopt();
    blob = WORK.resolve("blob");
    byte[] bytes = new byte[TRANSFER_BYTES];
    new Random(7).nextBytes(bytes);
    Files.write(blob, bytes);
    shortBlob = WORK.resolve("short-blob");
    Files.write(shortBlob, Arrays.copyOf(bytes, SHORT_TRANSFER_BYTES));
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      if (appliance != null) {
        appliance.close(); // its TUN devices go with it, out of the namespaces
      }
    } finally {
      if (network != null) {
        network.close();
      }
    }
  }

  @AfterEach
  void closePerTest() throws Exception {
    for (int i = perTest.size() - 1; i >= 0; i--) {
      perTest.get(i).close();
    }
  }

  /**
   * Apple's client defaults (macOS, iOS): swanctl.conf's AES-GCM-256 with ECP-256 is exactly those.
   */
  @Test
  void aRoadWarriorGetsItsHomeAddressAndReachesTheSiteHostThroughTheTunDevices() throws Exception {
    String sa =
        reachesTheSiteHost(
            "laptop.acme.example", network.direct, "10.9.0.5", 5001, ClientDefaults.APPLE);

    assertTrue(sa.contains(RoadWarriorNetwork.DIRECT_CLIENT), "sends to the client: " + sa);
    // The other way the site's full-size TCP segments learn the tunnel's MTU (1400-byte TUN)
    // from the gateway's ICMP fragmentation needed.
    assertTransfers(network.site, "10.9.0.5", network.direct, 5002, blob);
    String counters = appliance.shell("mvpn:sa counters");
    Matcher tooBig = Pattern.compile("too_big_for_tunnel\\s+(\\d+)").matcher(counters);
    assertTrue(tooBig.find() && Long.parseLong(tooBig.group(1)) > 0, counters);
  }

  @Test
  void aRoadWarriorBehindANatReachesTheSiteHostInUdp4500() throws Exception {
    String sa =
        reachesTheSiteHost(
            "natlaptop.acme.example", network.behindNat, "10.9.0.6", 5003, ClientDefaults.APPLE);

    assertTrue(sa.contains(RoadWarriorNetwork.NAT_PUBLIC), "sends to the NAT's address: " + sa);
  }

  /**
   * Windows' built-in client proposes AES-CBC-256 with HMAC-SHA2-256 and MODP-2048 in IKE,
   * AES-CBC-256 with HMAC-SHA2-256 in ESP: the gateway's defaults take it, both ends show that
   * suite, and pings and a megabyte reach the site host.
   */
  @Test
  void windowsDefaultProposalsEstablishAndCarryAMegabyteToTheSiteHost() throws Exception {
    RoadWarrior node =
        connect("winlaptop.acme.example", network.direct, "10.9.0.7", ClientDefaults.WINDOWS);
    assertNegotiated(node, "10.9.0.7");
    assertPingsAnswered(network.direct, 3);
    assertTransfers(network.direct, SITE_HOST, network.site, 5004, shortBlob);
    assertGatewayShows("10.9.0.7", node.spis());
  }

  /**
   * A client whose certificate (for a name the responder lists) comes from a CA the appliance does
   * not trust gets AUTHENTICATION_FAILED; the appliance logs why, naming the issuer, and counts the
   * refusal where {@code mvpn:ike sas} shows it.
   */
  @Test
  void aCertificateFromAnUntrustedCaIsRefusedWithAuthenticationFailedAndALoggedReason()
      throws Exception {
    long before = untrustedRefusals();
    RoadWarrior node =
        new RoadWarrior(
            "laptop.acme.example",
            WORK.resolve("untrusted"),
            ClientDefaults.APPLE,
            network,
            network.direct);
    perTest.add(node);
    node.start();
    UntrustedCa.issue(node, "CN=Elsewhere Road Warrior CA");

    String refused = node.initiate();

    assertFalse(refused.contains("initiate completed successfully"), refused);
    awaitText(node.dir.resolve("charon.log"), "received AUTHENTICATION_FAILED notify error", 10);
    awaitText(
        appliance.home().resolve("data/log/karaf.log"),
        "untrusted_chain/unknown_ca: certificate \"CN=laptop.acme.example\": issuer"
            + " \"CN=Elsewhere Road Warrior CA\" is not a trusted CA",
        10);
    assertEquals(before + 1, untrustedRefusals(), appliance.shell("mvpn:ike sas"));
    assertTrue(node.listSas().isBlank(), "no SA left: " + node.listSas());
  }

  /** The responder's count of peers refused for a certificate of an unknown CA. */
  private static long untrustedRefusals() throws Exception {
    Matcher m =
        Pattern.compile("untrusted_chain/unknown_ca=(\\d+)")
            .matcher(appliance.shell("mvpn:ike sas"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /**
   * A node connects from {@code namespace} while the public TUN is captured, pings the site host
   * and sends it 10 MB; both sides show the same SPI pair and the same algorithms, and tshark
   * decrypts the capture with charon's keys. Returns the gateway's outbound SA row.
   */
  private String reachesTheSiteHost(
      String identity, String namespace, String home, int port, ClientDefaults proposals)
      throws Exception {
    Capture capture = capture(namespace);
    RoadWarrior node = connect(identity, namespace, home, proposals);
    assertNegotiated(node, home);
    assertPingsAnswered(namespace, 5);
    assertTransfers(namespace, SITE_HOST, network.site, port, blob);
    String sa = assertGatewayShows(home, node.spis());
    assertDecrypts(capture.stop(), node, home);
    return sa;
  }

  @Test
  void aChildSaRekeyKeepsThePingsFlowingAndBothSidesShowTheNewSpis() throws Exception {
    RoadWarrior node =
        connect("laptop.acme.example", network.direct, "10.9.0.5", ClientDefaults.APPLE);
    RoadWarrior.Spis before = node.spis();
    assertGatewayShows("10.9.0.5", before);

    // 10 s of pings, 5 a second: before, during and after the re-key.
    Path out = WORK.resolve("rekey-ping.txt");
    Process ping =
        network.start(
            network.direct, out, "ping", "-n", "-c", "50", "-i", "0.2", "-W", "2", SITE_HOST);
    awaitText(out, "icmp_seq=10 ", 20); // two seconds of answers before the re-key
    String rekey = node.rekeyChild();
    assertTrue(rekey.contains("rekey completed successfully"), rekey);
    assertTrue(ping.waitFor(30, TimeUnit.SECONDS), "ping ended");
    Matcher counts =
        Pattern.compile("(\\d+) packets transmitted, (\\d+) received")
            .matcher(Files.readString(out));
    assertTrue(counts.find(), Files.readString(out));
    int lost = Integer.parseInt(counts.group(1)) - Integer.parseInt(counts.group(2));
    assertTrue(lost <= 1, "pings lost across the re-key: " + lost);

    RoadWarrior.Spis after = node.spis();
    assertNotEquals(before.in(), after.in());
    assertNotEquals(before.out(), after.out());
    assertGatewayShows("10.9.0.5", after);
    assertPingsAnswered(network.direct, 3);
  }

  /** Waits, bounded, until a program's output file holds {@code text}. */
  private static void awaitText(Path file, String text, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      assertTrue(
          System.nanoTime() < deadline,
          "no '" + text + "' in " + file + " within " + seconds + " s");
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /**
   * A charon for {@code identity} in {@code namespace}, its credentials from the appliance CA,
   * connected: the virtual address the gateway's configuration payload gave is the node's {@code
   * home} address of the responder's cfg.
   */
  private RoadWarrior connect(
      String identity, String namespace, String home, ClientDefaults proposals) throws Exception {
    RoadWarrior node =
        new RoadWarrior(identity, WORK.resolve(namespace), proposals, network, namespace);
    perTest.add(node);
    node.start();
    String issued = appliance.shell(node.credentialCommands());
    assertTrue(Files.exists(node.p12File()) && Files.exists(node.caFile()), issued);
    assertEquals(home, node.connect(RoadWarriorNetwork.PROTECTED), "virtual address");
    return node;
  }

  /** A dumpcap running, and the file it writes. */
  private record Capture(Process dumpcap, Path file) {

    /** Stops the capture (SIGTERM: dumpcap ends its file) and returns the file. */
    Path stop() throws InterruptedException {
      RoadWarriorNetwork.stop(dumpcap);
      return file;
    }
  }

  /** Captures the public TUN, in the internet namespace, from now to {@link Capture#stop}. */
  private Capture capture(String name) throws IOException {
    Path file = WORK.resolve(name + ".pcapng");
    Files.deleteIfExists(file);
    Process p =
        network.start(
            network.internet,
            WORK.resolve(name + "-dumpcap.txt"),
            "dumpcap",
            "-q",
            "-i",
            network.publicTun,
            "-w",
            file.toString());
    perTest.add(() -> RoadWarriorNetwork.stop(p));
    return new Capture(p, file);
  }

  private static void assertPingsAnswered(String namespace, int count) throws Exception {
    String ping =
        network.in(namespace, "ping", "-n", "-c", "" + count, "-i", "0.3", "-W", "3", SITE_HOST);
    assertTrue(ping.contains(count + " received"), ping);
  }

  /**
   * The algorithms charon negotiated ({@code swanctl --list-sas}) are the client's defaults, and
   * the appliance shows the same: {@code mvpn:ike sas} for the node's IKE and Child SA, {@code
   * mvpn:sa list} for both ESP directions of its tunnel.
   */
  private static void assertNegotiated(RoadWarrior node, String home) throws Exception {
    ClientDefaults expected = node.proposals;
    String client = ClientDefaults.normalized(node.listSas());
    assertTrue(client.contains(expected.ikeAlgorithms()), expected.client() + ": " + client);
    assertTrue(
        client.contains("ESP:" + expected.espAlgorithms()), expected.client() + ": " + client);
    String ikeLine = "IKE " + expected.ikeAlgorithms();
    String espLine = "ESP " + expected.espAlgorithms() + "/NO_EXT_SEQ";
    appliance.awaitShell(
        "mvpn:ike sas",
        out ->
            ikeSaOf(out, node.identity).contains(ikeLine)
                && ikeSaOf(out, node.identity).contains(espLine),
        30);
    appliance.awaitShell(
        "mvpn:sa list",
        out ->
            suite(row(out, home, "inbound")).equals(expected.suite())
                && suite(row(out, home, "outbound")).equals(expected.suite()),
        30);
  }

  /** The Suite cell of a {@code mvpn:sa list} row. */
  private static String suite(String row) {
    String[] cells = row.split("\\|");
    return cells.length > 4 ? cells[4].trim() : "";
  }

  /** The lines of {@code mvpn:ike sas} about the IKE SA with {@code identity}. */
  private static String ikeSaOf(String sas, String identity) {
    StringBuilder ours = new StringBuilder();
    boolean in = false;
    for (String line : sas.split("\n")) {
      if (line.startsWith("  ") && !line.startsWith("    ")) {
        in = line.contains("[" + identity + "]");
      }
      if (in) {
        ours.append(line).append('\n');
      }
    }
    return ours.toString();
  }

  /**
   * {@code data} over TCP from {@code from} to a socat listening at {@code to} in {@code listener}:
   * the same SHA-256 at both ends.
   */
  private static void assertTransfers(String from, String to, String listener, int port, Path data)
      throws Exception {
    Path received = WORK.resolve("received-" + port);
    Files.deleteIfExists(received);
    Process server =
        network.start(
            listener,
            WORK.resolve("socat-" + port + ".txt"),
            "timeout",
            "120",
            "socat",
            "-u",
            "TCP-LISTEN:" + port + ",reuseaddr",
            "OPEN:" + received + ",creat,trunc");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    boolean sent = false;
    while (!sent && System.nanoTime() < deadline) {
      try {
        network.in(from, "timeout", "100", "socat", "-u", "OPEN:" + data, "TCP:" + to + ":" + port);
        sent = true;
      } catch (IOException refused) {
        TimeUnit.MILLISECONDS.sleep(200); // the listener is not up yet
      }
    }
    assertTrue(sent, "socat to " + to + ":" + port + " never connected");
    assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the listener ended");
    assertEquals(sha256(data), sha256(received), "SHA-256 at both ends");
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /**
   * {@code mvpn:sa list} shows the node's tunnel with charon's SPI pair mirrored: the gateway's
   * inbound SA is charon's out, its outbound charon's in. Returns the outbound row.
   */
  private static String assertGatewayShows(String home, RoadWarrior.Spis spis) throws Exception {
    String inbound = "0x" + spis.out();
    String outbound = "0x" + spis.in();
    String table =
        appliance.awaitShell(
            "mvpn:sa list",
            out ->
                row(out, home, "inbound").contains(inbound)
                    && row(out, home, "outbound").contains(outbound),
            30);
    return row(table, home, "outbound");
  }

  private static String row(String table, String home, String direction) {
    for (String line : table.split("\n")) {
      String[] cells = line.split("\\|");
      if (cells.length > 3 && cells[1].trim().equals(home) && cells[2].trim().equals(direction)) {
        return line;
      }
    }
    return "";
  }

  /**
   * tshark, with the keys charon logged, decrypts the capture's ESP: no malformed packet, and the
   * node's ICMP and TCP to the site host inside.
   */
  private static void assertDecrypts(Path capture, RoadWarrior node, String home) throws Exception {
    RoadWarrior.Spis spis = node.spis();
    RoadWarrior.Keys keys = node.latestKeys();
    List<String> options =
        List.of(
            "-o",
            "esp.enable_encryption_decode:TRUE",
            "-o",
            "uat:esp_sa:" + saRow(spis.out(), keys.initiator()),
            "-o",
            "uat:esp_sa:" + saRow(spis.in(), keys.responder()));
    assertEquals("", tshark(capture, options, "-Y", "_ws.malformed"), "malformed packets");
    String up = "ip.src == " + home + " && ip.dst == " + SITE_HOST;
    String down = "ip.src == " + SITE_HOST + " && ip.dst == " + home;
    assertTrue(count(capture, options, "esp && icmp.type == 8 && " + up) > 0, "pings inside");
    assertTrue(count(capture, options, "esp && icmp.type == 0 && " + down) > 0, "replies inside");
    assertTrue(count(capture, options, "esp && tcp && " + up) > 100, "TCP inside");
  }

  /** One row of Wireshark's ESP SA table: any addresses (NAT), AES-GCM-16, key with salt. */
  private static String saRow(String spi, String key) {
    return "\"IPv4\",\"*\",\"*\",\"0x"
        + spi
        + "\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x"
        + key
        + "\",\"NULL\",\"\"";
  }

  private static long count(Path capture, List<String> options, String filter) throws Exception {
    String out = tshark(capture, options, "-Y", filter, "-T", "fields", "-e", "frame.number");
    return out.lines().filter(l -> !l.isBlank()).count();
  }

  private static String tshark(Path capture, List<String> options, String... more)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
    command.addAll(options);
    command.addAll(List.of(more));
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectOutput(WORK.resolve("tshark.out").toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tshark did not finish");
    }
    return Files.readString(WORK.resolve("tshark.out")).strip();
  }
}
