package io.mvpn.sam.scenario;

import static io.mvpn.sam.scenario.SamRealm.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.sam.client.SaKeeper;
import io.mvpn.sam.client.SamClient;
import io.mvpn.sam.client.SamEspPath;
import io.mvpn.sam.manager.SaPairStore;
import io.mvpn.sam.manager.SamResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A voice stream (RTP over UDP, one packet every 20 ms) from node A to node B carried in ESP on the
 * SAs their manager makes (seed 000 c1, c9-11), in virtual time: how long after A's first packet
 * the first ESP datagram leaves A, with the SA cached, cold with the manager holding a ticket for
 * B, cold without one, and with IKEv2 between the same nodes instead. The manager is one {@link
 * VirtualWire#ONE_WAY_MILLIS} each way from the nodes, its KDC {@link #KDC_RTT_MILLIS} away.
 */
class VoipOverSamSasScenarioTest {

  private static final int NODES = 4;
  private static final long SAM_RTT_MILLIS = 2 * VirtualWire.ONE_WAY_MILLIS;
  private static final long KDC_RTT_MILLIS = 30;
  private static final long PACKET_INTERVAL_MILLIS = 20;
  private static final int RTP_PORT = 5004;

  @TempDir static Path dir;

  private static SamRealm realm;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VirtualWire kink = new VirtualWire(time);
  private final EspWire network = new EspWire(time);
  private final SamResponder sam =
      realm.manager(
          time,
          kink,
          realm.sessionKeys,
          SaPairStore.inMemory(),
          // The manager's KDC answers a round trip later, in virtual time like everything else.
          call -> time.schedule(KDC_RTT_MILLIS, TimeUnit.MILLISECONDS, call));
  private final List<SamEspPath> nodes = new ArrayList<>();
  private final Map<Integer, List<Integer>> heard = new HashMap<>();

  @BeforeAll
  static void startRealm() throws Exception {
    realm = SamRealm.onMvpnKdc(dir, NODES);
  }

  @AfterAll
  static void stopRealm() {
    realm.close();
  }

  VoipOverSamSasScenarioTest() {
    Map<String, Ipv4Address> table = new HashMap<>();
    for (int n = 0; n < NODES; n++) {
      table.put(node(n), address(n));
      sam.knowNode(node(n), SamRealm.address(n));
    }
    for (int n = 0; n < NODES; n++) {
      int at = n;
      SamClient client = realm.node(time, kink, n, 0);
      List<Integer> sequences = new ArrayList<>();
      heard.put(n, sequences);
      SamEspPath path =
          new SamEspPath(
              client,
              address(n),
              SamEspPath.Peers.of(table),
              ByteBufAllocator.DEFAULT,
              network::send,
              inner -> sequences.add(rtpSequence(inner)),
              SamEspPath.Settings.DEFAULT,
              SaKeeper.IN_MEMORY);
      network.attach(address(at), path);
      nodes.add(path);
    }
  }

  private static Ipv4Address address(int n) {
    return Ipv4Address.parse("10.0.0." + (n + 1));
  }

  /** Node {@code from} talks to {@code to} for {@code packets} packets from now; when it began. */
  private long talk(int from, int to, int packets, int firstSequence) {
    long start = time.nanoTime();
    for (int i = 0; i < packets; i++) {
      int sequence = firstSequence + i;
      time.schedule(
          i * PACKET_INTERVAL_MILLIS,
          TimeUnit.MILLISECONDS,
          () -> nodes.get(from).send(rtp(address(from), address(to), sequence)));
    }
    time.advance(packets * PACKET_INTERVAL_MILLIS + 1_000, TimeUnit.MILLISECONDS);
    return start;
  }

  /** An RTP packet (RFC 3550 §5.1): PCMU, 20 ms of 8 kHz audio. */
  private static ByteBuf rtp(Ipv4Address from, Ipv4Address to, int sequence) {
    ByteBuf rtp = Unpooled.buffer(12 + 160);
    rtp.writeByte(0x80);
    rtp.writeByte(0);
    rtp.writeShort(sequence);
    rtp.writeInt(sequence * 160);
    rtp.writeInt(0x5ee0_0001);
    rtp.writeZero(160);
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT, from.toInt(), to.toInt(), RTP_PORT, RTP_PORT, rtp, 64);
    rtp.release();
    return datagram;
  }

  private static int rtpSequence(ByteBuf inner) {
    try {
      Ipv4Packet packet = Ipv4Packet.parse(inner);
      return packet
          .buffer()
          .getUnsignedShort(packet.payloadOffset() + UdpDatagram.HEADER_LENGTH + 2);
    } catch (MalformedPacketException e) {
      throw new AssertionError(e);
    } finally {
      inner.release();
    }
  }

  /** Milliseconds from {@code startNanos} until {@code from} first sent ESP. */
  private long firstEspAfter(int from, long startNanos) {
    return network.sent().stream()
        .filter(s -> s.from().equals(address(from)) && s.protocol() == IpProtocol.ESP)
        .filter(s -> s.atNanos() >= startNanos)
        .mapToLong(s -> (s.atNanos() - startNanos) / 1_000_000)
        .findFirst()
        .orElseThrow();
  }

  private static List<Integer> range(int first, int count) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(first + i);
    }
    return out;
  }

  @Test
  void aColdSaCostsOneRoundTripToTheManagerWhenItHoldsATicketForThePeer() {
    talk(2, 1, 1, 0); // node02 makes the manager get a ticket for node01
    long kdcBefore = sam.manager().counters().kdcExchanges();

    long start = talk(0, 1, 50, 100);

    assertThat(firstEspAfter(0, start)).isEqualTo(SAM_RTT_MILLIS);
    assertThat(sam.manager().counters().kdcExchanges()).isEqualTo(kdcBefore);
    // B opens every packet, the ones A held while it asked included, in the order A sent them.
    assertThat(heard.get(1)).hasSize(1 + 50).endsWith(range(100, 50).toArray(Integer[]::new));
    assertThat(nodes.get(0).counters().held()).isEqualTo(2);
    assertThat(nodes.get(0).counters().sentAfterWait()).isEqualTo(2);
    assertThat(nodes.get(0).counters().sentAtOnce()).isEqualTo(48);
  }

  @Test
  void aColdSaWithoutATicketAddsTheKdcRoundTripAndNothingElse() {
    long start = talk(0, 1, 50, 0);

    assertThat(firstEspAfter(0, start)).isEqualTo(SAM_RTT_MILLIS + KDC_RTT_MILLIS);
    assertThat(sam.manager().counters().kdcExchanges()).isEqualTo(1);
    assertThat(heard.get(1)).containsExactlyElementsOf(range(0, 50));
  }

  @Test
  void aCachedSaSendsTheFirstPacketAtOnceWithNoKeyExchangeMessage() {
    talk(0, 1, 50, 0);
    time.advance(1, TimeUnit.HOURS);
    int kinkBefore = kink.count();

    long start = talk(0, 1, 50, 1_000);

    assertThat(firstEspAfter(0, start)).isZero();
    assertThat(kink.count()).isEqualTo(kinkBefore);
    assertThat(heard.get(1)).containsSequence(range(1_000, 50));
    // B answers on the half the manager pushed to it: no request of its own either.
    talk(1, 0, 10, 0);
    assertThat(kink.count()).isEqualTo(kinkBefore);
    assertThat(heard.get(0)).containsExactlyElementsOf(range(0, 10));
  }

  @Test
  void ikev2BetweenTheSameNodesTakesTwoRoundTripsBeforeTheFirstPacket() {
    talk(2, 1, 1, 0);
    long cold = firstEspAfter(0, talk(0, 1, 1, 0));
    long cached = firstEspAfter(0, talk(0, 1, 1, 1));
    Ikev2FirstPacket.Result ike = Ikev2FirstPacket.measure(address(0), address(1));

    assertThat(ike.messages()).isEqualTo(4); // IKE_SA_INIT and IKE_AUTH, each way
    assertThat(ike.millis()).isEqualTo(2 * SAM_RTT_MILLIS);
    assertThat(cold).isEqualTo(ike.millis() / 2);
    assertThat(cached).isZero();
    System.out.printf(
        "VoIP first-packet delay, virtual time, %d ms one way: cached %d ms (0 RTT),"
            + " cold %d ms (%.1f RTT), cold without ticket +%d ms KDC RTT, IKEv2 %d ms (%.1f RTT)%n",
        VirtualWire.ONE_WAY_MILLIS,
        cached,
        cold,
        cold / (double) SAM_RTT_MILLIS,
        KDC_RTT_MILLIS,
        ike.millis(),
        ike.millis() / (double) SAM_RTT_MILLIS);
  }

  @Test
  void aNodeWhoseManagerDoesNotAnswerHoldsABoundedQueueThenDropsItWithTheReason() {
    kink.dropWhen(d -> d.to().equals(SamRealm.MANAGER_ADDRESS));
    SamEspPath a = nodes.get(0);
    int held = SamEspPath.Settings.DEFAULT.heldPerPeer();

    // 12 s of voice: the node asks four times (at 0, 1, 3 and 7 s) and gives up at 15 s.
    talk(0, 1, 600, 0);
    assertThat(a.heldFor(node(1))).isEqualTo(held);
    assertThat(a.counters().droppedHeldFull()).isEqualTo(600 - held);
    time.advance(3, TimeUnit.SECONDS);

    assertThat(a.heldFor(node(1))).isZero();
    assertThat(a.counters().droppedNoSa()).isEqualTo(held);
    assertThat(a.lastFailure()).contains("no SA with " + node(1));
    assertThat(network.sent()).isEmpty();
    assertThat(kink.count()).isEqualTo(SamClient.Settings.DEFAULT.attempts());
  }

  @Test
  void espThatDoesNotOpenUnderThePeersSaOrComesAgainIsCountedAndDropped() {
    talk(0, 1, 1, 0);
    byte[] genuine = network.sent().get(network.sent().size() - 1).bytes();
    // A sequence number not seen yet, so the packet gets past the replay window to the ICV.
    byte[] tampered = genuine.clone();
    tampered[27] ^= 0x10;
    byte[] unknownSpi = genuine.clone();
    unknownSpi[20] ^= 0x40;

    nodes.get(1).receive(Unpooled.wrappedBuffer(tampered));
    nodes.get(1).receive(Unpooled.wrappedBuffer(genuine));
    nodes.get(1).receive(Unpooled.wrappedBuffer(unknownSpi));

    SamEspPath.Counters b = nodes.get(1).counters();
    assertThat(b.refused(EspException.Reason.ICV)).isEqualTo(1);
    assertThat(b.refused(EspException.Reason.REPLAY)).isEqualTo(1);
    // From the peer under an SPI not installed: its install may still come, so it waits first.
    assertThat(b.heldForInstall()).isEqualTo(1);
    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isZero();
    time.advance(SamEspPath.Settings.DEFAULT.earlyMillis(), TimeUnit.MILLISECONDS);
    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(heard.get(1)).containsExactly(0);
  }

  @Test
  void espThatOvertakesItsSasLostInstallWaitsAndIsOpenedInOrderWhenTheInstallComesAgain() {
    int early = SamEspPath.Settings.DEFAULT.earlyPerPeer();
    boolean[] lost = {false};
    // The manager's first SAM_INSTALL to B is lost; it sends it again a second later.
    kink.dropWhen(d -> d.to().equals(SamRealm.address(1)) && !lost[0] && (lost[0] = true));

    talk(0, 1, early + 4, 0);

    SamEspPath.Counters b = nodes.get(1).counters();
    assertThat(sam.counters().installRetransmits()).isEqualTo(1);
    assertThat(sam.counters().installsAcknowledged()).isEqualTo(1);
    // All of A's stream came before the install: B held as many as it may and opened them in
    // order, ICV and replay window as always; the rest were refused as unknown SPIs.
    assertThat(b.heldForInstall()).isEqualTo(early);
    assertThat(heard.get(1)).containsExactlyElementsOf(range(0, early));
    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isEqualTo(4);
    assertThat(nodes.get(1).counters().received()).isEqualTo(early);

    // Held ones are opened once: the same ESP again is a replay.
    byte[] first =
        network.sent().stream()
            .filter(s -> s.protocol() == IpProtocol.ESP)
            .findFirst()
            .orElseThrow()
            .bytes();
    nodes.get(1).receive(Unpooled.wrappedBuffer(first));
    assertThat(b.refused(EspException.Reason.REPLAY)).isEqualTo(1);
  }

  @Test
  void espWhoseInstallNeverComesIsHeldForTheWaitOnlyThenRefused() {
    kink.dropWhen(d -> d.to().equals(SamRealm.address(1)));

    talk(0, 1, 5, 0);
    SamEspPath.Counters b = nodes.get(1).counters();
    assertThat(b.heldForInstall()).isEqualTo(5);
    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isZero();
    time.advance(SamEspPath.Settings.DEFAULT.earlyMillis(), TimeUnit.MILLISECONDS);

    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isEqualTo(5);
    assertThat(heard.get(1)).isEmpty();
    // Nothing is kept once the wait ended: another datagram waits anew and is refused in turn.
    talk(0, 1, 1, 5);
    time.advance(SamEspPath.Settings.DEFAULT.earlyMillis(), TimeUnit.MILLISECONDS);
    assertThat(b.heldForInstall()).isEqualTo(6);
    assertThat(b.refused(EspException.Reason.UNKNOWN_SPI)).isEqualTo(6);
  }
}
