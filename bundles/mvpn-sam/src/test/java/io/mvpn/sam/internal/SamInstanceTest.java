package io.mvpn.sam.internal;

import static io.mvpn.api.testing.Requirements.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.ipsec.SamPairStore;
import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.net.capture.PcapngWriter;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.sam.client.InstalledSa;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.kdc.KdcSettings;
import io.mvpn.sam.kdc.MitClient;
import io.mvpn.sam.kdc.RealmKdc;
import io.mvpn.sam.kink.ApAcceptor;
import io.mvpn.sam.kink.KerberosClock;
import io.mvpn.sam.kink.KinkCapture;
import io.mvpn.sam.kink.KinkCodec;
import io.mvpn.sam.kink.KinkPayload;
import io.mvpn.sam.kink.KinkPayloadType;
import io.mvpn.store.StoreBackend;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SA manager as the component a cfg starts: a UDP socket on loopback, a real KDC, two nodes
 * with sockets of their own; what it hands out survives its deactivation, and tshark reads the
 * exchange's KINK headers and Kerberos messages with nothing malformed.
 */
class SamInstanceTest {

  private static final String REALM = "ACME.MVPN.TEST";
  private static final String SAM = "kink/sam@" + REALM;

  @TempDir static Path dir;

  private static RealmKdc kdc;
  private static final List<SgtTicket> tickets = new ArrayList<>();
  private static final List<Keytab> keys = new ArrayList<>();

  @TempDir Path stateDir;

  private final List<SamInstance> running = new ArrayList<>();
  private StoreBackend backend;
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final KerberosClock clock = new KerberosClock(time, System.currentTimeMillis());

  @BeforeAll
  static void startKdc() throws Exception {
    kdc = RealmKdc.start(KdcSettings.of(REALM, MitClient.freeLoopbackPort(), dir.resolve("kdc")));
    kdc.addServicePrincipal(SAM);
    kdc.exportKeytab(SAM, dir.resolve("sam.keytab"));
    KrbClient client = new KrbClient(kdc.clientConfigDir().toFile());
    client.init();
    for (String node : List.of("node1", "node2")) {
      String principal = "kink/" + node + "@" + REALM;
      kdc.addServicePrincipal(principal);
      Path keytab = dir.resolve(node + ".keytab");
      kdc.exportKeytab(principal, keytab);
      keys.add(Keytab.loadKeytab(keytab.toFile()));
      tickets.add(client.requestSgt(client.requestTgt(principal, keytab.toFile()), SAM));
    }
  }

  @AfterAll
  static void stopKdc() {
    kdc.close();
  }

  @AfterEach
  void stop() {
    running.forEach(SamInstance::deactivate);
    sockets.forEach(DatagramSocket::close);
    if (backend != null) {
      backend.close();
    }
  }

  /** The appliance's state store, opened as it opens at start (and again after a restart). */
  private SamPairStore store() {
    if (backend == null) {
      backend = StoreBackend.persistent(stateDir.resolve("state.mv.db"), Clock.systemUTC(), 0);
    }
    return backend.samPairs();
  }

  /** The appliance stops and starts again: its state file is closed and opened. */
  private void restartStore() {
    backend.close();
    backend = null;
  }

  private SamInstance instance() {
    SamInstance sam = new SamInstance();
    sam.pairStore = store();
    sam.counters = backend.counters();
    return sam;
  }

  /** A node on its own loopback socket; what it sends is also kept in {@code sent}. */
  private final class UdpNode {
    final DatagramSocket socket;
    final SamClient client;
    final List<byte[]> sent = new ArrayList<>();

    UdpNode(int n, InetSocketAddress manager) throws Exception {
      this(n, manager, loopbackSocket());
    }

    UdpNode(int n, InetSocketAddress manager, DatagramSocket socket) {
      this.socket = socket;
      String principal = "kink/node" + (n + 1) + "@" + REALM;
      client =
          new SamClient(
              time,
              clock,
              principal,
              tickets.get(n),
              new ApAcceptor(keys.get(n), principal, clock, 300_000),
              datagram -> send(datagram, manager),
              SamClient.Settings.DEFAULT,
              new SecureRandom());
    }

    void send(byte[] datagram, InetSocketAddress to) {
      sent.add(datagram);
      try {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Waits (at most 5 s) for one datagram and hands it to the client; returns it. */
    byte[] receiveOne() throws Exception {
      DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
      socket.receive(packet);
      byte[] datagram = Arrays.copyOf(packet.getData(), packet.getLength());
      client.receive(datagram);
      return datagram;
    }

    int port() {
      return socket.getLocalPort();
    }
  }

  private DatagramSocket loopbackSocket() throws java.net.SocketException {
    DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.setSoTimeout(5_000);
    sockets.add(socket);
    return socket;
  }

  private SamInstance start(String nodes) throws Exception {
    SamInstance sam = instance();
    sam.activate(config(nodes));
    running.add(sam);
    return sam;
  }

  private static void awaitStat(SamInstance sam, String name, long value) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sam.stats().get(name) != value && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertThat(sam.stats()).containsEntry(name, value);
  }

  @Test
  void aNodeGetsItsSaOverUdpThePeerItsHalfAndTsharkReadsTheExchangeCleanly() throws Exception {
    require(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark (.ci/run installs it)");
    // node2 has not asked for anything yet: the manager knows its address from the cfg.
    DatagramSocket node2Socket = loopbackSocket();
    int node2Port = node2Socket.getLocalPort();
    SamInstance sam = start("node2=127.0.0.1:" + node2Port);
    UdpNode node1 = new UdpNode(0, sam.address());
    UdpNode listening = new UdpNode(1, sam.address(), node2Socket);

    InstalledSa[] granted = new InstalledSa[1];
    node1.client.connect(
        "node2",
        new SamClient.Outcome() {
          @Override
          public void ready(InstalledSa sa) {
            granted[0] = sa;
          }

          @Override
          public void failed(long kinkError, String reason) {
            throw new AssertionError(reason);
          }
        });
    byte[] grant = node1.receiveOne();
    byte[] install = listening.receiveOne();
    awaitStat(sam, "installs_acknowledged", 1);

    assertThat(granted[0]).isNotNull();
    assertThat(listening.client.sa("node1").inbound()).isEqualTo(granted[0].outbound());
    assertThat(sam.pairs()).hasSize(1);
    assertThat(sam.stats()).containsEntry("kdc_exchanges", 1L).containsEntry("grants", 1L);

    Path pcap = dir.resolve("sam.pcapng");
    int samPort = sam.address().getPort();
    byte[] request = node1.sent.get(0);
    byte[] reply = listening.sent.get(0);
    try (PcapngWriter capture = PcapngWriter.open(pcap, "lo")) {
      KinkCapture.write(capture, 1, node1.port(), samPort, request);
      KinkCapture.write(capture, 2, samPort, node1.port(), grant);
      KinkCapture.write(capture, 3, samPort, node2Port, install);
      KinkCapture.write(capture, 4, node2Port, samPort, reply);
      int second = 5;
      for (byte[] kink : List.of(request, grant, install, reply)) {
        for (KinkPayload p : KinkCodec.decode(kink).payloads()) {
          if (p instanceof KinkPayload.Ap ap) {
            boolean toService = ap.type() == KinkPayloadType.AP_REQ;
            KinkCapture.write(
                capture, second++, toService ? 40000 : 88, toService ? 88 : 40000, ap.message());
          }
        }
      }
    }
    assertThat(
            KinkCapture.fields(
                pcap,
                samPort,
                "frame.number",
                "kink.type",
                "kerberos.msg_type",
                "_ws.malformed",
                "_ws.expert.severity"))
        .containsExactly(
            "1|128|||",
            "2|129|||",
            "3|130|||",
            "4|3|||",
            "5||14||",
            "6||15||",
            "7||14||",
            "8||15||");
  }

  @Test
  void
      aManagerUpdatedAndRestartedWithTheApplianceKeepsItsPairsAndCountsAndKeysANewOneForARestartedNode()
          throws Exception {
    SamInstance first = start("");
    UdpNode node1 = new UdpNode(0, first.address());
    node1.client.connect("node2", new Ignore());
    node1.receiveOne();
    InstalledSa before = node1.client.sa("node2");
    // The bundle is updated (the component goes and comes back) and the appliance restarts.
    first.deactivate();
    running.remove(first);
    restartStore();

    SamInstance second = start("");
    assertThat(second.pairs())
        .extracting(p -> p.first() + "-" + p.second())
        .containsExactly("node1-node2");
    UdpNode again = new UdpNode(0, second.address());
    again.client.connect("node2", new Ignore());
    again.receiveOne();

    // The node lost its SA and its sequence numbers: the same keys again would repeat nonces.
    assertThat(again.client.sa("node2").outbound()).isNotEqualTo(before.outbound());
    assertThat(again.client.sa("node2").outbound().spi()).isNotEqualTo(before.outbound().spi());
    // Its counters are in the counter store: the second manager goes on from the first's.
    assertThat(second.stats()).containsEntry("pairs_keyed", 2L).containsEntry("requests", 2L);
    assertThat(second.pairs())
        .extracting(p -> p.first() + "-" + p.second())
        .containsExactly("node1-node2");
    RecordedMetrics metrics = new RecordedMetrics();
    second.collect(metrics);
    List<String> samples = metrics.samples();
    assertThat(samples)
        .contains(
            "mvpn_sam_pairs[tenant, acme]=1",
            "mvpn_sam_pairs_keyed[tenant, acme]=2",
            "mvpn_sam_pairs_granted[tenant, acme, ticket, cold]=2",
            "mvpn_sam_pairs_granted[tenant, acme, ticket, cached]=0",
            "mvpn_sam_kdc_busy[tenant, acme]=0",
            "mvpn_sam_refused[tenant, acme, reason, replay]=0",
            "mvpn_sam_refused[tenant, acme, reason, xid_reused]=0",
            "mvpn_sam_retransmitted[tenant, acme]=0",
            "mvpn_sam_replies_evicted[tenant, acme]=0",
            "mvpn_sam_requests_busy[tenant, acme]=0")
        .anyMatch(sample -> sample.startsWith("mvpn_sam_replies_held[tenant, acme]="))
        .allMatch(sample -> sample.matches("mvpn_sam_[a-z0-9_]+\\[.*"));
    assertThat(second.flush()).isEqualTo(1);
    assertThat(second.pairs()).isEmpty();
    assertThat(second.stats()).containsEntry("pairs", 0L).containsEntry("revoked", 1L);
  }

  @Test
  void aCfgNamingANodeWithoutAnAddressIsRefusedAndLeavesNothingRunning() {
    SamInstance sam = instance();

    assertThatThrownBy(() -> sam.activate(config("node2")))
        .hasMessageContaining("node=address:port");
    assertThat(sam.running()).isFalse();
    assertThat(sam.stats()).containsEntry("pairs", 0L);
  }

  @Test
  void aManagerWhoseKeytabIsMissingActivatesWaitingAndStartsOnceTheKeytabIsThere()
      throws Exception {
    Path keytab = dir.resolve("later/sam.keytab");
    SamInstance sam = instance();

    sam.activate(config("", keytab));
    running.add(sam);
    assertThat(sam.running()).isFalse();
    assertThat(sam.pairs()).isEmpty();

    Files.createDirectories(keytab.getParent());
    Files.copy(dir.resolve("sam.keytab"), keytab);
    long deadline =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(4 * SamInstance.KEYTAB_POLL_SECONDS);
    while (!sam.running() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    assertThat(sam.running()).isTrue();
    assertThat(sam.address().getPort()).isPositive();
  }

  private static final class Ignore implements SamClient.Outcome {
    @Override
    public void ready(InstalledSa sa) {}

    @Override
    public void failed(long kinkError, String reason) {
      throw new AssertionError(reason);
    }
  }

  private static SamInstance.Config config(String nodes) {
    return config(nodes, dir.resolve("sam.keytab"));
  }

  private static SamInstance.Config config(String nodes, Path keytab) {
    return new TestSamConfig(
        REALM,
        "127.0.0.1:" + kdc.address().getPort(),
        "127.0.0.1:0",
        keytab.toString(),
        nodes,
        dir.resolve("sam-data").toString());
  }
}
