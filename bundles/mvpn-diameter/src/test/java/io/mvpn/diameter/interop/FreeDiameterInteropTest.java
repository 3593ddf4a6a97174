package io.mvpn.diameter.interop;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.diameter.message.Capabilities;
import io.mvpn.diameter.net.DiameterTcp;
import io.mvpn.diameter.peer.DiameterNode;
import io.mvpn.diameter.peer.DisconnectCause;
import io.mvpn.diameter.peer.NodeSettings;
import io.mvpn.diameter.peer.Peer;
import io.mvpn.diameter.peer.PeerConfig;
import io.mvpn.diameter.peer.PeerState;
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
    require(Files.isExecutable(TSHARK), "tshark is not installed (.ci/run installs it)");
    require(
        Files.isExecutable(LoopbackCapture.DUMPCAP), "dumpcap is not installed (tshark's package)");
    require("root".equals(System.getProperty("user.name")), "capturing on loopback needs root");
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
        started(
            FreeDiameter.start(
                dir,
                FD,
                REALM,
                fdPort,
                "ConnectPeer = \""
                    + MVPN
                    + "\" { ConnectTo = \"127.0.0.1\"; Port = "
                    + mvpnPort
                    + "; No_TLS; };"));
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
    FreeDiameter fd =
        started(
            FreeDiameter.start(
                dir, FD, REALM, fdPort, "LoadExtension = \"acl_wl.fdx\" : \"" + acl + "\";"));
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    startNode(new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdPort)));
    Peer peer = node.peer(FD);
    onLoop(
        () -> {
          node.start();
          return null;
        });

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
    FreeDiameter fd = started(FreeDiameter.start(dir, FD, REALM, fdPort, ""));
    await(() -> logHas(fd, "freeDiameterd daemon initialized"), 15, fd);
    startNode(new PeerConfig(FD, REALM, new InetSocketAddress("127.0.0.1", fdPort)));
    onLoop(
        () -> {
          node.start();
          return null;
        });

    await(() -> onLoopQuietly(() -> node.stats().refusedByPeer() > 0), 15, fd);
    assertThat(onLoop(() -> node.peer(FD).state())).isNotIn(PeerState.I_OPEN, PeerState.R_OPEN);
  }

  // ---- harness

  private void startNode(PeerConfig fdPeer) throws Exception {
    tcp = new DiameterTcp();
    toClose.add(tcp);
    Capabilities id =
        new Capabilities(
            MVPN,
            REALM,
            List.of(InetAddress.getByName("127.0.0.1")),
            0,
            "mvpn",
            1,
            System.currentTimeMillis() / 1000,
            Set.of(1L),
            Set.of());
    NodeSettings settings =
        NodeSettings.of(id)
            .withWatchdog(Duration.ofSeconds(6))
            .withReconnect(Duration.ofSeconds(60));
    node = onLoop(() -> new DiameterNode(tcp.scheduler(), settings, tcp, new Random()));
    onLoop(() -> node.addPeer(fdPeer));
  }

  private LoopbackCapture capture() throws Exception {
    LoopbackCapture c = LoopbackCapture.start(dir.resolve("diameter.pcapng"), fdPort, mvpnPort);
    toClose.add(c);
    return c;
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
    List<String> cmd = new ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", pcap.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return tcp.scheduler().eventLoop().submit(task).get(10, TimeUnit.SECONDS);
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
