package io.mvpn.diameter.interop;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.AvpCode;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.nasreq.FramedRoute;
import io.mvpn.diameter.nasreq.Nasreq;
import io.mvpn.diameter.net.DiameterTcp;
import io.mvpn.diameter.net.DiameterTls;
import io.mvpn.diameter.peer.DiameterNode;
import io.mvpn.diameter.peer.DisconnectCause;
import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.Peer;
import io.mvpn.diameter.peer.PeerConfig;
import io.mvpn.diameter.peer.PeerState;
import io.mvpn.diameter.peer.RequestHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mvpn's Diameter base protocol against freeDiameter 1.2.1 (Debian's freediameterd) over loopback
 * TCP, both ways: capabilities exchange, watchdog, disconnect; Wireshark's dissector reads the
 * capture of every exchange without a malformed packet.
 */
class FreeDiameterInteropTest {

  private static final String REALM = "test.local";
  private static final String MVPN = "mvpn.test.local";
  private static final String FD = "fd.test.local";
  private static final Path TSHARK = Path.of("/usr/bin/tshark");

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private DiameterTcp tcp;
  private DiameterNode node;
  private int fdPort;
  private int mvpnPort;

  @BeforeEach
  void requirements() throws IOException {
    require(
        FreeDiameter.installed(),
        "freeDiameterd and its extensions are not installed (.ci/run installs freediameterd, freediameter-extensions)");
    LoopbackCapture.requireTools();
    fdPort = freePort();
    mvpnPort = freePort();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void freeDiameterConnectsToMvpnExchangesWatchdogsAndTakesADisconnect() throws Exception {
    LoopbackCapture capture = capture();
    startNode(new PeerConfig(FD, REALM, null));
    tcp.listen(new InetSocketAddress("127.0.0.1", mvpnPort), node);
    FreeDiameter fd =
        freeDiameter(
            "ConnectPeer = \""
                + MVPN
                + "\" { ConnectTo = \"127.0.0.1\"; Port = "
                + mvpnPort
                + "; No_TLS; };");
    Peer peer = node.peer(FD);

    awaitState(peer, PeerState.R_OPEN, fd);
    assertThat(onLoop(() -> peer.remoteCapabilities().isRelay())).isTrue();
    // Both Tw are 6 s: within 20 s freeDiameter has asked, or answered mvpn's question.
    await(() -> sent(fd, "Device-Watchdog-Request") || sent(fd, "Device-Watchdog-Answer"), 20, fd);
    assertThat(onLoop(peer::available)).isTrue();

    onLoop(
        () -> {
          node.stop(DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU);
          return null;
        });
    awaitState(peer, PeerState.CLOSED, fd);
    capture.close();

    assertDissected(capture.file, "CER", "CEA", "DWR", "DWA", "DPR", "DPA");
  }

  @Test
  void mvpnConnectsToFreeDiameterAndAnswersItsDisconnect() throws Exception {
    LoopbackCapture capture = capture();
    Path acl = dir.resolve("acl.conf");
    Files.writeString(acl, "ALLOW_IPSEC " + MVPN + "\n", StandardCharsets.UTF_8);
    FreeDiameter fd = freeDiameter("LoadExtension = \"acl_wl.fdx\" : \"" + acl + "\";");
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    startNode(new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdPort)));
    Peer peer = node.peer(FD);
    connectNode();

    awaitState(peer, PeerState.I_OPEN, fd);
    await(() -> sent(fd, "Device-Watchdog-Request") || sent(fd, "Device-Watchdog-Answer"), 20, fd);

    fd.terminate();
    awaitState(peer, PeerState.CLOSED, fd);
    capture.close();

    assertThat(onLoop(peer::lastDisconnectCause)).isNotNull();
    assertDissected(capture.file, "CER", "CEA", "DWR", "DWA", "DPR", "DPA");
  }

  @Test
  void anUnknownMvpnIsRefusedByFreeDiameterWith3010() throws Exception {
    FreeDiameter fd = freeDiameter("");
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    startNode(new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdPort)));
    connectNode();

    await(() -> onLoopQuietly(() -> node.stats().refusedByPeer() > 0), 15, fd);
    assertThat(onLoop(() -> node.peer(FD).state())).isNotIn(PeerState.I_OPEN, PeerState.R_OPEN);
  }

  @Test
  void anAaRequestCrossesAFreeDiameterRelayToTheHomeMsmAndItsRoutesAndFiltersComeBack()
      throws Exception {
    LoopbackCapture capture = capture();
    Path acl = dir.resolve("acl.conf");
    Files.writeString(
        acl, "ALLOW_IPSEC sink.acme.local\nALLOW_IPSEC msm.home.local\n", StandardCharsets.UTF_8);
    Path rt = dir.resolve("rt.conf");
    Files.writeString(
        rt, "dr=\"home.local\" : \"msm.home.local\" += 100 ;\n", StandardCharsets.UTF_8);
    FreeDiameter fd =
        freeDiameter(
            "LoadExtension = \"acl_wl.fdx\" : \""
                + acl
                + "\";\n"
                + "LoadExtension = \"rt_default.fdx\" : \""
                + rt
                + "\";");
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    PeerConfig relay = new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdPort));
    Running msm = start("msm.home.local", "home.local", relay);
    CompletableFuture<DiameterMessage> served = new CompletableFuture<>();
    Running sink = start("sink.acme.local", "acme.local", relay);
    msm.call(
        () -> {
          msm.node()
              .register(
                  Nasreq.APPLICATION_ID,
                  request -> {
                    served.complete(request);
                    return new RequestHandler.Answer(
                        "mn1@acme".equals(request.utf8(AvpCode.USER_NAME))
                            ? ResultCode.SUCCESS
                            : ResultCode.AUTHORIZATION_REJECTED,
                        Nasreq.grant(
                            List.of(new FramedRoute("10.1.0.0/16", "0.0.0.0", 1)),
                            List.of("permit in ip from 10.1.0.0/16 to 10.1.0.0/16")));
                  });
          msm.node().start();
          return null;
        });
    sink.call(
        () -> {
          sink.node().start();
          return null;
        });
    for (Running r : List.of(msm, sink)) {
      await(() -> callQuietly(r, () -> r.node().peer(FD).available()), 20, fd);
    }

    CompletableFuture<DiameterMessage> answer = new CompletableFuture<>();
    sink.call(
        () -> {
          sink.node()
              .send(
                  Nasreq.aaRequest(
                      Nasreq.sessionId("sink.acme.local", 1, 42),
                      "sink.acme.local",
                      "acme.local",
                      "home.local",
                      "mn1@acme",
                      null),
                  answer::complete);
          return null;
        });
    DiameterMessage aaa = answer.get(20, TimeUnit.SECONDS);
    capture.close();

    assertThat(aaa.resultCode()).as(fd.logText()).isEqualTo(ResultCode.SUCCESS);
    assertThat(aaa.utf8(AvpCode.ORIGIN_HOST)).isEqualTo("msm.home.local");
    assertThat(Nasreq.routes(aaa)).containsExactly(new FramedRoute("10.1.0.0/16", "0.0.0.0", 1));
    assertThat(Nasreq.filterRules(aaa))
        .containsExactly("permit in ip from 10.1.0.0/16 to 10.1.0.0/16");
    // The relay recorded the sink as the hop it took the request from (RFC 6733 §6.1.9).
    assertThat(served.get().utf8(AvpCode.ROUTE_RECORD)).isEqualTo("sink.acme.local");
    assertDissected(capture.file, "CER", "CEA", "AAR", "AAA");
  }

  @Test
  void mvpnConnectsToFreeDiameterOverTlsWithCertificatesFromOneCa() throws Exception {
    int fdSecPort = freePort();
    Certificates certs = Certificates.issue(dir, FD, MVPN);
    LoopbackCapture capture = LoopbackCapture.start(dir.resolve("tls.pcapng"), fdSecPort, fdPort);
    toClose.add(capture);
    Path acl = dir.resolve("acl.conf");
    Files.writeString(acl, MVPN + "\n", StandardCharsets.UTF_8);
    FreeDiameter fd =
        freeDiameter(
            tlsLines(certs, fdSecPort) + "LoadExtension = \"acl_wl.fdx\" : \"" + acl + "\";");
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    DiameterTcp tls =
        new DiameterTcp(DiameterTls.of(certs.keyStore(MVPN), Certificates.PASSWORD, certs.ca()));
    Running r =
        start(
            tls,
            MVPN,
            REALM,
            new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdSecPort)));
    tcp = r.tcp();
    node = r.node();
    Peer peer = node.peer(FD);
    connectNode();

    awaitState(peer, PeerState.I_OPEN, fd);
    assertThat(onLoop(() -> peer.connection().certifiedNames())).contains(FD);
    await(() -> sent(fd, "Device-Watchdog-Request") || sent(fd, "Device-Watchdog-Answer"), 20, fd);
    fd.terminate();
    awaitState(peer, PeerState.CLOSED, fd);
    capture.close();

    assertEncrypted(capture.file, fdSecPort);
  }

  @Test
  void freeDiameterConnectsToMvpnOverTlsAndTakesItsDisconnect() throws Exception {
    int fdSecPort = freePort();
    Certificates certs = Certificates.issue(dir, FD, MVPN);
    LoopbackCapture capture = LoopbackCapture.start(dir.resolve("tls.pcapng"), mvpnPort, fdPort);
    toClose.add(capture);
    DiameterTcp tls =
        new DiameterTcp(DiameterTls.of(certs.keyStore(MVPN), Certificates.PASSWORD, certs.ca()));
    Running r = start(tls, MVPN, REALM, new PeerConfig(FD, REALM, null));
    tcp = r.tcp();
    node = r.node();
    tcp.listen(new InetSocketAddress("127.0.0.1", mvpnPort), node);
    FreeDiameter fd =
        freeDiameter(
            tlsLines(certs, fdSecPort)
                + "ConnectPeer = \""
                + MVPN
                + "\" { ConnectTo = \"127.0.0.1\"; Port = "
                + mvpnPort
                + "; };");
    Peer peer = node.peer(FD);

    awaitState(peer, PeerState.R_OPEN, fd);
    assertThat(onLoop(() -> peer.connection().certifiedNames())).contains(FD);
    onLoop(
        () -> {
          node.stop(DisconnectCause.BUSY);
          return null;
        });
    awaitState(peer, PeerState.CLOSED, fd);
    capture.close();

    assertThat(fd.logText()).contains("Disconnect-Peer-Answer");
    assertEncrypted(capture.file, mvpnPort);
  }

  /** freeDiameter's TLS: its certificate and key, the CA, a secure port. */
  private static String tlsLines(Certificates certs, int secPort) {
    return "SecPort = "
        + secPort
        + ";\n"
        + "TLS_Cred = \""
        + certs.cert(FD)
        + "\", \""
        + certs.key(FD)
        + "\";\n"
        + "TLS_CA = \""
        + certs.ca()
        + "\";\n";
  }

  /** The capture holds a TLS handshake on {@code port}, nothing malformed, no Diameter in clear. */
  private static void assertEncrypted(Path pcap, int port) throws Exception {
    String tls = "tcp.port==" + port + ",tls";
    assertThat(tshark(pcap, "-d", tls, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number"))
        .isEmpty();
    assertThat(
            tshark(
                pcap,
                "-d",
                tls,
                "-Y",
                "tls.handshake.type == 1",
                "-T",
                "fields",
                "-e",
                "frame.number"))
        .isNotEmpty();
    assertThat(tshark(pcap, "-Y", "diameter", "-T", "fields", "-e", "frame.number")).isEmpty();
  }

  private static boolean callQuietly(Running r, Callable<Boolean> task) {
    try {
      return r.call(task);
    } catch (Exception e) {
      return false;
    }
  }

  // ---- harness

  /** A node on its own event loop, and a way to run code there. */
  private record Running(DiameterTcp tcp, DiameterNode node) {
    <T> T call(Callable<T> task) throws Exception {
      return tcp.scheduler().eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
  }

  private void startNode(PeerConfig fdPeer) throws Exception {
    Running r = start(MVPN, REALM, fdPeer);
    tcp = r.tcp();
    node = r.node();
  }

  private Running start(String host, String realm, PeerConfig fdPeer) throws Exception {
    return start(new DiameterTcp(), host, realm, fdPeer);
  }

  private Running start(DiameterTcp t, String host, String realm, PeerConfig fdPeer)
      throws Exception {
    toClose.add(t);
    Capabilities id =
        new Capabilities(
            host,
            realm,
            List.of(InetAddress.getByName("127.0.0.1")),
            0,
            "mvpn",
            1,
            System.currentTimeMillis() / 1000,
            Set.of(Nasreq.APPLICATION_ID),
            Set.of());
    NodeSettings settings =
        NodeSettings.of(id)
            .withWatchdog(Duration.ofSeconds(6))
            .withReconnect(Duration.ofSeconds(60));
    Running r = new Running(t, null);
    DiameterNode n = r.call(() -> new DiameterNode(t.scheduler(), settings, t, new Random()));
    r = new Running(t, n);
    r.call(() -> n.addPeer(fdPeer));
    return r;
  }

  private LoopbackCapture capture() throws Exception {
    LoopbackCapture c = LoopbackCapture.start(dir.resolve("diameter.pcapng"), fdPort, mvpnPort);
    toClose.add(c);
    return c;
  }

  /** freeDiameter as fd.test.local on fdPort, with {@code extra} configuration lines. */
  private FreeDiameter freeDiameter(String extra) throws IOException {
    return started(FreeDiameter.start(dir, FD, REALM, fdPort, extra));
  }

  private FreeDiameter started(FreeDiameter fd) {
    toClose.add(fd);
    return fd;
  }

  private void assertDissected(Path pcap, String... commands) throws Exception {
    String decodeAs = "tcp.port==" + fdPort + ",diameter";
    String decodeAs2 = "tcp.port==" + mvpnPort + ",diameter";
    String malformed =
        tshark(
            pcap,
            "-d",
            decodeAs,
            "-d",
            decodeAs2,
            "-Y",
            "_ws.malformed || _ws.expert.severity >= \"error\"",
            "-T",
            "fields",
            "-e",
            "frame.number");
    assertThat(malformed).as("frames Wireshark calls malformed").isEmpty();
    String seen =
        tshark(
            pcap,
            "-d",
            decodeAs,
            "-d",
            decodeAs2,
            "-Y",
            "diameter",
            "-T",
            "fields",
            "-e",
            "diameter.cmd.code",
            "-e",
            "diameter.flags.request");
    List<String> names = new ArrayList<>();
    for (String line : seen.split("\n")) {
      String[] f = line.split("\t");
      if (f.length < 2) {
        continue;
      }
      for (int i = 0; i < f[0].split(",").length; i++) {
        int code = Integer.parseInt(f[0].split(",")[i]);
        boolean request =
            "1".equals(f[1].split(",")[i]) || "True".equalsIgnoreCase(f[1].split(",")[i]);
        names.add(io.mvpn.diameter.message.CommandCode.abbreviation(code, request));
      }
    }
    assertThat(names).as("Diameter commands in the capture").contains(commands);
  }

  private static String tshark(Path pcap, String... args) throws Exception {
    return LoopbackCapture.tshark(pcap, args);
  }

  /** The node connects to the peers it initiates to. */
  private void connectNode() throws Exception {
    onLoop(
        () -> {
          node.start();
          return null;
        });
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return new Running(tcp, node).call(task);
  }

  private boolean onLoopQuietly(Callable<Boolean> task) {
    try {
      return onLoop(task);
    } catch (Exception e) {
      return false;
    }
  }

  private void awaitState(Peer peer, PeerState state, FreeDiameter fd) throws Exception {
    await(() -> onLoopQuietly(() -> peer.state() == state), 20, fd);
  }

  /** Whether freeDiameter's debug log shows it sent mvpn a message of this name. */
  private static boolean sent(FreeDiameter fd, String command) {
    return fd.logText().contains("SENT to '" + MVPN + "': '" + command + "'");
  }

  private static boolean logHas(FreeDiameter fd, String text) {
    return fd.logText().contains(text);
  }

  /** Polls a condition for at most {@code seconds}: a real peer's timing is not ours to drive. */
  private static void await(BooleanSupplier condition, int seconds, FreeDiameter fd)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within " + seconds + " s; freeDiameter said:\n" + tail(fd.logText()));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
