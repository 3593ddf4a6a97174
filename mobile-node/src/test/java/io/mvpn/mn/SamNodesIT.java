package io.mvpn.mn;

import static io.mvpn.mn.LaptopProcesses.cfg;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.NetnsLab;
import io.mvpn.mn.LaptopProcesses.Result;
import io.mvpn.mn.compare.Dumpcap;
import io.mvpn.mn.sam.SamSiteInNamespace;
import io.mvpn.net.Vrf;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.transport.tun.TunTransport;
import io.mvpn.packet.mip.AssociationSpec;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 between two laptops: two {@code mvpn-mn} processes, each co-located in a namespace of
 * its own with a {@code sam:} block naming the other as its correspondent, registered with acme's
 * home agent (the appliance's engine in this JVM, on real TUN devices). acme's site is a namespace
 * behind the home network's TUN device, where a JVM of its own runs the realm's KDC and the SA
 * manager on 10.1.0.200 ({@link SamSiteInNamespace}): the nodes fetch their tickets and speak KINK
 * through their Mobile IP tunnels, as a laptop away from home does.
 *
 * <p>The first laptop's kernel sends UDP datagrams from its home address to the second's, which
 * echoes them: the first session asks the manager once (one SA pair granted by the manager's
 * counters; one request exchange on the first laptop's link and that and one install exchange on
 * the home network, each exchange known by its KINK transaction ID, so a request or install sent
 * again after its 1 s retry wait on a loaded host is no second exchange); a second session, after
 * the sender is started anew, rides the SA held, with no KINK frame at all (at the site, and on the
 * first laptop's link, where tshark opens the RFC 3519 tunnel). The site's JVM makes one ticket
 * exchange with its KDC before it says it is ready, so the first request does not wait on a cold
 * JVM. Every datagram each kernel got came out of ESP (the nodes count them). A copy of the first
 * laptop's ESP, taken from a capture on the second laptop's link, with its sequence number raised
 * (so it is no replay) is refused by the second node and counted, and its kernel never sees it.
 * {@code mvpn-mn status} shows each node's SA.
 *
 * <p>Needs root, /dev/net/tun, ip, python3, dumpcap and tshark; fails without them under CI=true.
 * Run under {@code flock /tmp/mvpn-netns.lock}. Real time; every wait is bounded.
 */
class SamNodesIT extends EnginesInThisJvm {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final Ipv4Address PUBLIC_SIDE = Ipv4Address.parse("203.0.113.1");
  private static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  private static final String SITE = "10.1.0.200";
  private static final Ipv4Address MN2 = Ipv4Address.parse("10.1.0.6");
  private static final String MN2_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  private static final int VOICE_PORT = 5004;
  private static final int MTU = 1400;

  /** One laptop: its namespace, link, config file and node process. */
  private record Laptop(
      String name, String namespace, String nic, Ipv4Address home, Path config, Process node) {}

  private Process site;
  private Path siteOutput;
  private String access;
  private String siteNamespace;
  private Process siteAll;
  private Path siteAllFile;
  private Vrf acme;

  @Override
  void stopEngines() throws Exception {
    if (site != null) {
      site.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSessionBetweenTwoLaptopsAsksTheManagerOnceTheNextRidesTheSaAndTamperedEspIsRefused()
      throws Exception {
    NetnsLab.requireRootWithPython(Map.of(), "dumpcap", "tshark");
    Properties ha = cfg("io.mvpn.homeagent-acme.cfg");
    AssociationSpec first = AssociationSpec.parse(ha.getProperty("mobileNodes"));
    String firstKey = ha.getProperty("mobileNodes").trim().split("\\s+")[3];
    siteNamespace = appliance(first);
    startSite(siteNamespace, first.peer());
    // Everything at the site, for the message when a node gets no keys.
    siteAllFile = dir.resolve("site-all.pcapng");
    siteAll = Dumpcap.start(lab, siteNamespace, "any", siteAllFile);

    Laptop mn1 = laptop("mn1", 1, first.peer(), first.spi(), firstKey, "mn2", MN2);
    Laptop mn2 = laptop("mn2", 2, MN2, 1001, MN2_KEY, "mn1", first.peer());
    for (Laptop l : List.of(mn1, mn2)) {
      awaitKeys(l);
    }
    Path kink = dir.resolve("kink.pcapng");
    Process kinkCapture = Dumpcap.start(lab, siteNamespace, "any", kink, "-f", "udp port 910");
    Path link = dir.resolve("mn2-link.pcapng");
    Process linkCapture = Dumpcap.start(lab, mn2.namespace(), mn2.nic(), link, "-f", "udp");
    Path link1 = dir.resolve("mn1-link.pcapng");
    Process link1Capture = Dumpcap.start(lab, mn1.namespace(), mn1.nic(), link1, "-f", "udp");
    Process echo = echoServer(mn2);
    long listening = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(dir.resolve("echo.log")).contains("listening")
        && System.nanoTime() < listening) {
      Thread.sleep(20);
    }

    // The first session: cold, one request to the manager.
    Result session1 = session(mn1, "one");
    assertThat(echoes(session1)).as(() -> "echoes: " + session1 + "; " + why(mn1, mn2)).hasSize(5);
    double between = epochSeconds(Instant.now());
    String stats1 = siteStats();
    // One SA pair keyed: a request the node sent again (its retry after 1 s) may be counted as a
    // request, but a second grant would have keyed a second pair.
    assertThat(stats1).contains(" grants=1 ", "pairs=1 ");
    // The manager pushed the second node's half before the first node's grant went out.
    assertThat(stats1).contains("installs_sent=1 ", "installs_acknowledged=1 ");
    String requestsOfTheFirstSession = status(mn1).get("sam-requests");

    // The stream restarted: a new sender, a new socket, the SA held.
    Result session2 = session(mn1, "two");
    assertThat(echoes(session2)).as(() -> "echoes: " + session2 + "; " + why(mn1, mn2)).hasSize(5);
    assertThat(siteStats()).isEqualTo(stats1);

    Map<String, String> status1 = status(mn1);
    Map<String, String> status2 = status(mn2);
    assertThat(status1)
        .containsEntry("sam-keys", "held")
        .as("no request in the second session")
        .containsEntry("sam-requests", requestsOfTheFirstSession);
    assertThat(status1.get("sam-esp-sent")).isEqualTo("10");
    assertThat(status1.get("sam-esp-received")).isEqualTo("10");
    assertThat(status2).containsEntry("sam-requests", "0");
    assertThat(status2.get("sam-esp-received")).isEqualTo("10");
    String sa1 = rawStatus(mn1);
    String sa2 = rawStatus(mn2);
    assertThat(sa1).containsPattern("(?m)^sa: mn2 out 0x[0-9a-f]{8} in 0x[0-9a-f]{8} \\d+ s left$");
    assertThat(sa2).containsPattern("(?m)^sa: mn1 out 0x[0-9a-f]{8} in 0x[0-9a-f]{8} \\d+ s left$");

    // A tampered copy of the first node's last ESP, sent on from the home network.
    Dumpcap.stop(linkCapture);
    byte[] esp = lastEspFrom(link, mn1.home());
    int seqAt = 20 + 4;
    int seq = java.nio.ByteBuffer.wrap(esp, seqAt, 4).getInt();
    java.nio.ByteBuffer.wrap(esp, seqAt, 4).putInt(seq + 1000);
    onLoop(
        () -> {
          acme.getInterface("acme-lan").receive(Unpooled.wrappedBuffer(esp));
          return null;
        });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!rawStatus(mn2).contains("sam-esp-refused: 1") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(rawStatus(mn2)).contains("sam-esp-refused: 1 (icv 1)");
    assertThat(status(mn2).get("sam-esp-received")).isEqualTo("10");
    assertThat(Files.readAllLines(dir.resolve("heard.txt"))).hasSize(10);

    Dumpcap.stop(kinkCapture);
    Dumpcap.stop(link1Capture);
    String linkFrames = Tshark.fields(link, List.of(), "ip.proto", "ip.src", "ip.dst");
    // Exchanges by their KINK transaction ID, so a retransmission is no second exchange; on the
    // first laptop's link KINK rides in the RFC 3519 tunnel, which tshark opens.
    KinkFrames atSite = KinkFrames.in(kink, between);
    KinkFrames onLink1 = KinkFrames.in(link1, between);
    System.out.printf(
        "SAM on mvpn-mn: KINK on the first laptop's link: first session %d frames of %d"
            + " exchanges, second session %d frames; on the home network: first session %d frames"
            + " of %d exchanges (%s), second session %d frames; frames on the second laptop's"
            + " link: %d; first datagram's echo: cold %s ms, SA held %s ms; ESP the second node"
            + " held for its install: %s%n",
        onLink1.cold(),
        onLink1.coldExchanges().size(),
        onLink1.warm(),
        atSite.cold(),
        atSite.coldExchanges().size(),
        stats1.trim(),
        atSite.warm(),
        linkFrames.lines().count(),
        firstEcho(session1),
        firstEcho(session2),
        status2.get("sam-esp-held-for-install"));
    // The first node's request exchange; nothing for the second session.
    assertThat(onLink1.coldExchanges()).as("exchanges on the first laptop's link").hasSize(1);
    assertThat(onLink1.warm()).as("KINK frames of the second session").isZero();
    // The first node's request and the second node's install: one exchange each.
    assertThat(atSite.coldExchanges()).as("exchanges on the home network").hasSize(2);
    assertThat(atSite.coldExchanges()).containsAll(onLink1.coldExchanges());
    assertThat(atSite.warm()).as("KINK frames of the second session").isZero();
    echo.destroy();
  }

  /**
   * The KINK frames of a capture split at {@code between} (seconds since the epoch): how many came
   * before and after, and the transaction IDs of those before.
   */
  private record KinkFrames(long cold, long warm, Set<String> coldExchanges) {
    static KinkFrames in(Path capture, double between) throws Exception {
      long cold = 0;
      long warm = 0;
      Set<String> exchanges = new TreeSet<>();
      for (String line :
          Tshark.fields(capture, List.of(), "frame.time_epoch", "kink.transactionId")
              .lines()
              .toList()) {
        String[] f = line.split("\\|", -1);
        if (f.length < 2 || f[1].isEmpty()) {
          continue;
        }
        if (Double.parseDouble(f[0]) < between) {
          cold++;
          exchanges.add(f[1]);
        } else {
          warm++;
        }
      }
      return new KinkFrames(cold, warm, exchanges);
    }
  }

  private static List<String> echoes(Result session) {
    return session.output().lines().filter(l -> l.startsWith("echo ")).toList();
  }

  /** Milliseconds from the session's first datagram until its echo, as the sender timed it. */
  private static String firstEcho(Result session) {
    return session
        .output()
        .lines()
        .filter(l -> l.startsWith("first-echo-ms "))
        .map(l -> l.substring("first-echo-ms ".length()))
        .findFirst()
        .orElse("?");
  }

  /** The laptop's sender: five datagrams to the other laptop, their echoes printed, bounded. */
  private Result session(Laptop from, String tag) throws Exception {
    return LaptopProcesses.command(
        lab,
        dir,
        from.namespace(),
        NetnsLab.PYTHON.toString(),
        "-c",
        SENDER,
        from.home().toString(),
        MN2.toString(),
        String.valueOf(VOICE_PORT),
        tag);
  }

  /** The second laptop's kernel echoes each datagram and notes it in heard.txt. */
  private Process echoServer(Laptop l) throws Exception {
    return lab.start(
        l.namespace(),
        ProcessBuilder.Redirect.to(dir.resolve("echo.log").toFile()),
        NetnsLab.PYTHON.toString(),
        "-c",
        ECHO,
        l.home().toString(),
        String.valueOf(VOICE_PORT),
        dir.resolve("heard.txt").toString());
  }

  /**
   * The last ESP datagram the home agent tunnelled to the second laptop from {@code from}: the
   * inner IPv4 datagram of an RFC 3519 tunnel data message (its 4-byte header stripped).
   */
  private static byte[] lastEspFrom(Path capture, Ipv4Address from) throws Exception {
    byte[] last = null;
    for (String line :
        Tshark.fields(capture, List.of(), "ip.src", "udp.srcport", "udp.payload")
            .lines()
            .toList()) {
      String[] f = line.split("\\|", -1);
      if (!f[0].startsWith(HA.toString()) || !f[1].equals("434") || f[2].isEmpty()) {
        continue;
      }
      byte[] payload = HexFormat.of().parseHex(f[2].replace(":", ""));
      if (payload.length > 4 + 20 && payload[0] == 4 && (payload[4 + 9] & 0xFF) == 50) {
        byte[] inner = java.util.Arrays.copyOfRange(payload, 4, payload.length);
        if (Ipv4Address.of(java.nio.ByteBuffer.wrap(inner, 12, 4).getInt()).equals(from)) {
          last = inner;
        }
      }
    }
    assertThat(last).as("ESP from %s in %s", from, capture).isNotNull();
    return last;
  }

  /**
   * The appliance: its public VRF on a TUN device routed by the access namespace, acme's VRF with
   * its home agent (the shipped node and a second one), the home network's TUN device in acme's
   * site namespace, which holds SITE. Returns the site namespace.
   */
  private String appliance(AssociationSpec first) throws Exception {
    Vrf publicVrf = vrf("public");
    String publicDevice = lab.device("p");
    TunTransport publicTun = TunTransport.open(publicDevice, MTU);
    onLoop(() -> publicVrf.addInterface("public-internet", PUBLIC_SIDE, 24, publicTun));
    access = lab.namespace("samit-access");
    lab.moveInto(publicDevice, access, "203.0.113.2/25");
    lab.in(access, "ip", "route", "add", "198.51.100.0/24", "dev", publicDevice);
    lab.in(access, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

    acme = vrf("acme");
    String lanDevice = lab.device("s");
    TunTransport lanTun = TunTransport.open(lanDevice, MTU);
    onLoop(() -> acme.addInterface("acme-lan", Ipv4Address.parse("10.1.0.1"), 16, lanTun));
    String siteNamespace = lab.namespace("samit-site");
    lab.moveInto(lanDevice, siteNamespace, SITE + "/16");

    HomeAgentConfig shipped = LaptopProcesses.homeAgentConfig("acme");
    HomeAgentConfig config =
        new HomeAgentConfig(
            shipped.tenant(),
            shipped.address(),
            shipped.homeRealms(),
            List.of(first, AssociationSpec.parse(MN2 + " 1001 hmac-md5 " + MN2_KEY)),
            shipped.maxLifetimeSeconds(),
            shipped.replayToleranceSeconds(),
            shipped.homeInterface());
    long epochOffset = System.currentTimeMillis() * 1_000_000L - scheduler.nanoTime();
    startHomeAgent(config, publicVrf, acme, epochOffset);
    return siteNamespace;
  }

  /** The KDC and the manager in the site namespace, once both listen (at most 120 s). */
  private void startSite(String namespace, Ipv4Address mn1) throws Exception {
    siteOutput = dir.resolve("site.out");
    site =
        lab.start(
            namespace,
            ProcessBuilder.Redirect.to(siteOutput.toFile()),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            SamSiteInNamespace.class.getName(),
            REALM,
            SITE,
            dir.resolve("site").toString(),
            "mn1=" + mn1 + ",mn2=" + MN2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(siteOutput).contains("ready")
        && site.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(Files.readString(siteOutput)).as("the site: %s", siteOutput).contains("ready");
  }

  /** The manager's counters, as the site writes them once more after this call. */
  private String siteStats() throws Exception {
    Path stats = dir.resolve("site").resolve("stats");
    FileTime asked = FileTime.from(Instant.now());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(stats) && Files.getLastModifiedTime(stats).compareTo(asked) > 0) {
        return Files.readString(stats).trim() + " ";
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the site wrote no stats: " + Files.readString(siteOutput));
  }

  /**
   * A laptop namespace with a veth into the access namespace (203.0.113.{32n+2}/27, the access side
   * .{32n+1}), and its node up, registered, with a sam: block naming {@code peer}.
   */
  private Laptop laptop(
      String name, int n, Ipv4Address home, long spi, String key, String peer, Ipv4Address peerAt)
      throws Exception {
    String namespace = lab.namespace("samit-" + name);
    String outer = lab.device("a" + n);
    String inner = lab.device("l" + n);
    veth(access, outer, inner, namespace);
    String careOf = "203.0.113." + (128 + 32 * (n - 1) + 2);
    String router = "203.0.113." + (128 + 32 * (n - 1) + 1);
    lab.in(access, "ip", "addr", "add", router + "/27", "dev", outer);
    lab.in(access, "ip", "link", "set", outer, "up");
    lab.in(namespace, "ip", "addr", "add", careOf + "/27", "dev", inner);
    lab.in(namespace, "ip", "link", "set", inner, "up");
    lab.in(namespace, "ip", "route", "add", "default", "via", router);
    Path site = dir.resolve("site");
    Path config =
        Files.writeString(
            dir.resolve(name + ".yaml"),
            """
            homeAddress: %s
            homeAgent: %s
            careOfAddress: %s
            spi: %d
            algorithm: hmac-md5
            key: %s
            lifetime: 300
            tunDevice: %s
            routes: [10.1.0.0/16]
            control: %s
            sam:
              manager: %s
              managerPrincipal: kink/sam@%s
              principal: kink/%s@%s
              keytab: %s
              krb5ConfDir: %s
              correspondents: [%s=%s]
            """
                .formatted(
                    home,
                    HA,
                    careOf,
                    spi,
                    key,
                    lab.device("m" + n),
                    dir.resolve(name + ".sock"),
                    SITE,
                    REALM,
                    name,
                    REALM,
                    site.resolve(name + ".keytab"),
                    site.resolve("kdc"),
                    peer,
                    peerAt));
    Path log = dir.resolve(name + ".log");
    Process node = LaptopProcesses.up(lab, namespace, config, log);
    Laptop l = new Laptop(name, namespace, inner, home, config, node);
    LaptopProcesses.awaitRegistered(node, log, () -> run(l, "status"));
    return l;
  }

  /** Waits, at most 30 s, until the node holds its Kerberos keys. */
  private void awaitKeys(Laptop l) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"held".equals(status(l).get("sam-keys")) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (!"held".equals(status(l).get("sam-keys"))) {
      Dumpcap.stop(siteAll);
      throw new AssertionError(
          "%s: no keys; site: %s; sockets: %s; frames at the site: %s"
              .formatted(
                  l.name(),
                  Files.readString(siteOutput),
                  lab.in(siteNamespace, "ss", "-tuan"),
                  Tshark.fields(
                          siteAllFile,
                          List.of(),
                          "frame.time_relative",
                          "ip.src",
                          "ip.dst",
                          "_ws.col.Protocol",
                          "_ws.col.Info")
                      .lines()
                      .limit(40)
                      .toList()));
    }
  }

  /**
   * What both nodes and the manager counted, for the message when a session got no echo; asked only
   * then (each part costs a command or a wait for the site's stats).
   */
  private String why(Laptop mn1, Laptop mn2) {
    try {
      return "mn1: %s; mn2: %s; manager: %s; heard by mn2's kernel: %s"
          .formatted(
              rawStatus(mn1),
              rawStatus(mn2),
              siteStats(),
              Files.exists(dir.resolve("heard.txt"))
                  ? Files.readAllLines(dir.resolve("heard.txt"))
                  : "nothing");
    } catch (Exception | AssertionError e) {
      return "no counts: " + e;
    }
  }

  private Map<String, String> status(Laptop l) throws Exception {
    return NodeStatus.fields(rawStatus(l));
  }

  private String rawStatus(Laptop l) throws Exception {
    Result status = run(l, "status");
    assertThat(status.exit()).as("status of %s: %s", l.name(), status.output()).isZero();
    return status.output();
  }

  private Result run(Laptop l, String verb) throws Exception {
    return LaptopProcesses.mvpnMn(lab, dir, l.namespace(), l.config(), verb);
  }

  private static double epochSeconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  /**
   * Sends a datagram from the home address to the peer's port and prints how long its echo took,
   * then four more (20 ms apart); prints each echo, waiting at most 5 s for each.
   */
  private static final String SENDER =
      """
      import socket, sys, time
      home, peer, port, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind((home, 0))
      s.settimeout(5)
      got = 0
      start = time.monotonic()
      s.sendto(("%s 0" % tag).encode(), (peer, port))
      try:
          data, _ = s.recvfrom(2048)
          print("first-echo-ms %.2f" % (1000 * (time.monotonic() - start)))
          print(data.decode()); got += 1
          for n in range(1, 5):
              s.sendto(("%s %d" % (tag, n)).encode(), (peer, port))
              time.sleep(0.02)
          while got < 5:
              data, _ = s.recvfrom(2048)
              print(data.decode()); got += 1
      except socket.timeout:
          pass
      sys.exit(0 if got == 5 else 1)
      """;

  /** Echoes every datagram to its sender, each noted on a line of the file. */
  private static final String ECHO =
      """
      import socket, sys
      home, port, heard = sys.argv[1], int(sys.argv[2]), sys.argv[3]
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind((home, port))
      print("listening", flush=True)
      while True:
          data, sender = s.recvfrom(2048)
          with open(heard, "a") as f:
              f.write("%s %s\\n" % (sender[0], data.decode()))
          s.sendto(b"echo " + data, sender)
      """;
}
