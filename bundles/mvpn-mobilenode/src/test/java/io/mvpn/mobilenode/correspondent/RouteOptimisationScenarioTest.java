package io.mvpn.mobilenode.correspondent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.mobilenode.MobileNode;
import io.mvpn.mobilenode.RouteOptimisation;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.AssociationSpec;
import io.mvpn.packet.mip.BindingRequest;
import io.mvpn.packet.mip.BindingUpdate;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route optimisation in virtual time (seed 000 claims 2-3): acme's correspondent, a host on acme's
 * LAN with its own Internet uplink, sends to the mobile node 10.1.0.5 away on a co-located care-of
 * address. The first datagrams go through the home agent; the node answers with a binding update,
 * after which the correspondent tunnels straight to the care-of address. Forged, replayed, stale
 * and foreign updates are refused and change nothing.
 */
class RouteOptimisationScenarioTest {

  static final long MS = 1_000_000L;
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address MN_HOME = MobilityLab.MN_HOME;
  static final Ipv4Address CN = Ipv4Address.parse("10.1.0.101");
  static final Ipv4Address CN_UPLINK = Ipv4Address.parse("203.0.113.50");
  static final Ipv4Address COLO = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address COLO2 = Ipv4Address.parse("203.0.113.62");
  static final byte[] MN_HA_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final byte[] MN_CN_KEY =
      HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
  static final byte[] GLOBEX_KEY =
      HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  static final int DATA_PORT = 7000;

  /**
   * The lab: acme's home agent and LAN, the correspondent, the node, an attacker on the Internet.
   */
  static final class Run {
    final MobilityLab lab;
    final MobileNode node;
    final RouteOptimisation routeOptimisation;
    final CorrespondentNode correspondent;
    final Vrf cn;
    final List<long[]> arrivals = new ArrayList<>(); // {sequence, arrival time}
    final List<byte[]> updatesSeen = new ArrayList<>();
    final long[] sentAt = new long[1000];

    Run(int cnMaxLifetime, long cnEpochOffsetNanos) {
      lab =
          MobilityLab.builder(2026)
              .internet("2ms")
              .tenant("acme")
              .homeAgent(
                  MobilityLab.homeAgentConfig(
                      "acme",
                      HA,
                      new AssociationSpec(MN_HOME, 1000, Algorithm.HMAC_MD5, MN_HA_KEY)))
              .mobileNode("mn")
              .home("acme")
              .colocated("colo", COLO + "/24")
              .colocated("colo2", COLO2 + "/24")
              .internetHost("mallory", "203.0.113.66/24")
              .topology(
                  t ->
                      t.node("cn")
                          .vrf("main")
                          .iface("lan", "acme-lan", CN + "/16")
                          .iface("wan", "internet", CN_UPLINK + "/24"))
              .build();
      node =
          new MobileNode(
              MN_HOME,
              HA,
              new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, MN_HA_KEY),
              300,
              lab.time(),
              0);
      node.addHome("home", lab.vrf("mn", "home"), lab.iface("mn", "home"));
      node.addColocated("colo", lab.vrf("mn", "colo"), lab.iface("mn", "colo"));
      node.addColocated("colo2", lab.vrf("mn", "colo2"), lab.iface("mn", "colo2"));
      routeOptimisation =
          new RouteOptimisation(
              node,
              List.of(new AssociationSpec(CN, 0x500, Algorithm.HMAC_SHA256, MN_CN_KEY)),
              600,
              1,
              TimeUnit.SECONDS,
              lab.time(),
              0);
      cn = lab.vrf("cn", "main");
      correspondent =
          new CorrespondentNode(
              new CorrespondentNode.Config(
                  CN,
                  List.of(MobilityLab.REALM),
                  List.of(new AssociationSpec(MN_HOME, 0x500, Algorithm.HMAC_SHA256, MN_CN_KEY)),
                  cnMaxLifetime,
                  7),
              cn,
              lab.iface("cn", "wan"),
              cnEpochOffsetNanos);
      correspondent.start();
      for (String place : List.of("home", "colo", "colo2")) {
        lab.vrf("mn", place)
            .bindUdp(
                DATA_PORT,
                (v, in, udp) ->
                    arrivals.add(new long[] {udp.payload().getInt(0), lab.time().nanoTime()}));
      }
      cn.observeDeliveries(
          (v, in, ip) -> {
            if (ip.protocol() == 17 && ip.payload().getUnsignedShort(2) == 434) {
              ByteBuf payload = ip.payload();
              byte[] bytes = new byte[payload.readableBytes() - 8];
              payload.getBytes(payload.readerIndex() + 8, bytes);
              updatesSeen.add(bytes);
            }
          });
      node.moveTo("colo");
      lab.advance(1, TimeUnit.SECONDS);
      assertThat(node.connected()).as("registered with the home agent").isTrue();
    }

    Run() {
      this(600, 0);
    }

    /**
     * The correspondent sends one datagram to the home address; returns the links (segments) it
     * crossed.
     */
    long send(int sequence) {
      long before = linksCrossed();
      sentAt[sequence] = lab.time().nanoTime();
      ByteBuf payload = Unpooled.buffer(4).writeInt(sequence);
      cn.sendUdp(null, MN_HOME, DATA_PORT, DATA_PORT, payload);
      // A segment counts a datagram as it is put on the wire: by 2.5 ms the datagram has been put
      // on every link of its path (the last at 1 ms), and the node, which gets it at 2 or 3 ms,
      // has not yet answered with an update.
      lab.advance(2500, TimeUnit.MICROSECONDS);
      long crossed = linksCrossed() - before;
      lab.advance(47500, TimeUnit.MICROSECONDS);
      return crossed;
    }

    long linksCrossed() {
      return lab.lab().segment("acme-lan").delivered() + lab.lab().segment("internet").delivered();
    }

    /** One-way delay of the datagram with that sequence number, in ms. */
    double delayMs(int sequence) {
      for (long[] a : arrivals) {
        if (a[0] == sequence) {
          return (a[1] - sentAt[sequence]) / (double) MS;
        }
      }
      return -1;
    }

    /**
     * The attacker tunnels a UDP datagram (from {@code source}) straight to the care-of address.
     */
    void tunnelFromAttacker(Ipv4Address source, int port, ByteBuf payload) {
      Vrf mallory = lab.vrf("mallory", "main");
      ByteBuf inner =
          UdpDatagram.build(
              mallory.alloc(), source.toInt(), MN_HOME.toInt(), port, port, payload, 64);
      payload.release();
      try {
        TunnelEntry.sendIpInIp(
            mallory,
            Ipv4Address.parse("203.0.113.66").toInt(),
            COLO.toInt(),
            Ipv4Packet.parse(inner),
            null);
      } catch (MalformedPacketException e) {
        throw new IllegalStateException("built here", e);
      } finally {
        inner.release();
      }
      lab.advance(50, TimeUnit.MILLISECONDS);
    }

    /** Sends {@code update} from the attacker's host straight to the correspondent's uplink. */
    void inject(ByteBuf update) {
      lab.vrf("mallory", "main").sendUdp(null, CN_UPLINK, 434, 434, update);
      update.release();
      lab.advance(50, TimeUnit.MILLISECONDS);
    }
  }

  private Run run;

  @AfterEach
  void close() {
    if (run != null) {
      run.lab.close();
    }
  }

  @Test
  void theFirstDatagramGoesThroughTheHomeAgentAndTheRestGoDirectAfterTheBindingUpdate() {
    run = new Run();
    long linksBefore = run.send(1);
    assertThat(run.delayMs(1)).as("CN -> LAN -> home agent -> tunnel -> node").isEqualTo(3.0);
    assertThat(linksBefore).as("links crossed through the home agent").isEqualTo(2);
    run.lab.advance(1, TimeUnit.SECONDS);

    assertThat(run.routeOptimisation.updatesSent()).isEqualTo(1);
    assertThat(run.correspondent.accepted()).isEqualTo(1);
    assertThat(run.correspondent.binding(MN_HOME).careOf()).isEqualTo(COLO);
    assertThat(run.routeOptimisation.acknowledgesAccepted()).as("acknowledged").isEqualTo(1);

    for (int i = 2; i <= 11; i++) {
      assertThat(run.send(i)).as("links crossed by datagram %d", i).isEqualTo(1);
      assertThat(run.delayMs(i)).as("CN -> tunnel -> node").isEqualTo(2.0);
    }
    assertThat(run.correspondent.binding(MN_HOME).tunnelled()).isEqualTo(10);
    assertThat(run.routeOptimisation.directReceived()).as("the ten and the ack").isEqualTo(11);
    assertThat(run.arrivals).hasSize(11);
  }

  @Test
  void aStreamBeforeTheUpdateTakesEffectTriggersOneUpdateNotOnePerDatagram() {
    run = new Run();
    for (int i = 1; i <= 5; i++) {
      run.cn.sendUdp(null, MN_HOME, DATA_PORT, DATA_PORT, Unpooled.buffer(4).writeInt(i));
      run.lab.advance(1, TimeUnit.MILLISECONDS);
    }
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.routeOptimisation.updatesSent()).isEqualTo(1);
    assertThat(run.routeOptimisation.rateLimited()).isEqualTo(4);
    assertThat(run.arrivals).hasSize(5);
  }

  @Test
  void afterAMoveTheCorrespondentsBindingFollowsTheNewCareOfAddress() {
    run = new Run();
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME).careOf()).isEqualTo(COLO);

    run.node.moveTo("colo2");
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME).careOf()).isEqualTo(COLO2);
    assertThat(run.routeOptimisation.told())
        .containsExactly(new RouteOptimisation.Told(CN, COLO2, true));
    assertThat(run.send(2)).isEqualTo(1);
    assertThat(run.delayMs(2)).isEqualTo(2.0);
  }

  @Test
  void comingHomeWithdrawsTheBindingAndTheCorrespondentSendsOnItsLanAgain() {
    run = new Run();
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME)).isNotNull();

    run.node.moveTo("home");
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME)).as("withdrawn").isNull();
    assertThat(run.correspondent.accepted()).isEqualTo(2);
    assertThat(run.routeOptimisation.told()).isEmpty();
    assertThat(run.send(2)).as("one link: the LAN").isEqualTo(1);
    assertThat(run.delayMs(2)).isEqualTo(1.0);
  }

  @Test
  void forgedReplayedStaleAndForeignUpdatesAreRefusedByReasonAndChangeNothing() {
    run = new Run();
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    List<Binding> cache = run.correspondent.bindings();
    assertThat(cache).hasSize(1);
    byte[] genuine = run.updatesSeen.get(0);
    long now = ntpNow(run) << 32;

    // Forged: the right SPI, a key the attacker guessed.
    run.inject(
        attackersUpdate(
            MN_HOME,
            now + 1000,
            new MobilitySecurityAssociation(0x500, Algorithm.HMAC_SHA256, new byte[32])));
    assertThat(run.correspondent.refused(Refusal.BAD_AUTHENTICATOR)).isEqualTo(1);

    // Replayed: the node's own update, sent again within the skew.
    run.inject(Unpooled.wrappedBuffer(genuine));
    assertThat(run.correspondent.refused(Refusal.REPLAYED)).isEqualTo(1);

    // Another tenant's node: globex's 10.1.0.5 signs with globex's association.
    run.inject(
        attackersUpdate(
            MN_HOME,
            now + 2000,
            new MobilitySecurityAssociation(0x501, Algorithm.HMAC_SHA256, GLOBEX_KEY)));
    assertThat(run.correspondent.refused(Refusal.NO_ASSOCIATION)).isEqualTo(1);

    // A home address outside the realm this correspondent serves.
    run.inject(
        attackersUpdate(
            Ipv4Address.parse("10.2.0.5"),
            now + 3000,
            new MobilitySecurityAssociation(0x500, Algorithm.HMAC_SHA256, MN_CN_KEY)));
    assertThat(run.correspondent.refused(Refusal.OUTSIDE_REALM)).isEqualTo(1);

    // Stale: the node's update replayed a minute later, past the tolerated skew.
    run.lab.advance(60, TimeUnit.SECONDS);
    run.inject(Unpooled.wrappedBuffer(genuine));
    assertThat(run.correspondent.refused(Refusal.STALE)).isEqualTo(1);

    assertThat(run.correspondent.bindings()).as("cache unchanged").isEqualTo(cache);
    assertThat(run.correspondent.accepted()).isEqualTo(1);
    assertThat(run.correspondent.acknowledged())
        .as("only the node's own updates are answered")
        .isEqualTo(3);
  }

  @Test
  void theNodeTakesStraightTunnelsOnlyFromCorrespondentsItToldAndOnlyAuthenticRequests() {
    run = new Run();
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    int arrived = run.arrivals.size();

    // A stranger tunnels a datagram straight to the care-of address: not taken.
    run.tunnelFromAttacker(
        Ipv4Address.parse("10.1.0.200"), DATA_PORT, Unpooled.buffer(4).writeInt(99));
    assertThat(run.arrivals).hasSize(arrived);

    // Posing as the correspondent from its own address: refused at the tunnel, whose outer source
    // is not the correspondent's endpoint, whether it carries data or a request.
    run.tunnelFromAttacker(CN, DATA_PORT, Unpooled.buffer(4).writeInt(98));
    run.tunnelFromAttacker(
        CN,
        434,
        BindingRequest.build(
            UnpooledByteBufAllocator.DEFAULT,
            MN_HOME.toInt(),
            1,
            new MobilitySecurityAssociation(0x500, Algorithm.HMAC_SHA256, new byte[32])));
    assertThat(run.arrivals).hasSize(arrived);
    assertThat(run.routeOptimisation.directRefused()).isEqualTo(3);
    assertThat(run.routeOptimisation.updatesSent()).as("no update for it").isEqualTo(1);

    // The correspondent itself still gets through.
    run.send(2);
    assertThat(run.arrivals).hasSize(arrived + 1);
  }

  @Test
  void aReplayedOrTooEarlyBindingRequestGetsNoUpdate() {
    run = new Run();
    run.send(1);
    run.lab.advance(2, TimeUnit.SECONDS);
    long sent = run.routeOptimisation.updatesSent();
    MobilitySecurityAssociation key =
        new MobilitySecurityAssociation(0x500, Algorithm.HMAC_SHA256, MN_CN_KEY);

    request(7, key);
    assertThat(run.routeOptimisation.updatesSent()).as("a fresh request").isEqualTo(sent + 1);
    run.lab.advance(2, TimeUnit.SECONDS);
    request(7, key);
    assertThat(run.routeOptimisation.updatesSent())
        .as("the same request again")
        .isEqualTo(sent + 1);
    assertThat(run.routeOptimisation.refusedMessages()).isEqualTo(1);
    request(8, key);
    request(9, key);
    assertThat(run.routeOptimisation.updatesSent()).as("one per interval").isEqualTo(sent + 2);
    assertThat(run.routeOptimisation.rateLimited()).isEqualTo(1);
  }

  /** The correspondent's own binding request, with that identification, to the home address. */
  private void request(long identification, MobilitySecurityAssociation key) {
    ByteBuf request = BindingRequest.build(run.cn.alloc(), MN_HOME.toInt(), identification, key);
    run.cn.sendUdp(CN, MN_HOME, 434, 434, request);
    request.release();
    run.lab.advance(50, TimeUnit.MILLISECONDS);
  }

  @Test
  void aBindingInUseIsRefreshedThroughABindingRequestAndAnIdleOneRunsOut() {
    run = new Run(20, 0);
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME).lifetimeSeconds()).isEqualTo(20);
    for (int i = 2; i <= 30; i++) {
      run.send(i); // 50 ms apart: 1.5 s of traffic, before seven eighths of 20 s
    }
    run.lab.advance(19, TimeUnit.SECONDS);
    assertThat(run.correspondent.bindingRequestsSent()).isEqualTo(1);
    assertThat(run.correspondent.binding(MN_HOME)).as("refreshed").isNotNull();
    assertThat(run.routeOptimisation.updatesSent()).isEqualTo(2);

    run.lab.advance(30, TimeUnit.SECONDS);
    assertThat(run.correspondent.binding(MN_HOME)).as("idle, run out").isNull();
    assertThat(run.cn.lookup(MN_HOME).prefix()).isEqualTo(Prefix.parse("10.1.0.0/16"));
    assertThat(run.send(31)).as("through the home agent again").isEqualTo(2);
  }

  @Test
  void aCorrespondentWhoseClockIsAheadTeachesTheNodeItsTimeWith133() {
    run = new Run(600, TimeUnit.SECONDS.toNanos(100));
    run.send(1);
    run.lab.advance(1, TimeUnit.SECONDS);
    assertThat(run.correspondent.refused(Refusal.STALE)).isEqualTo(1);
    assertThat(run.correspondent.accepted()).isEqualTo(1);
    assertThat(run.routeOptimisation.updatesSent()).isEqualTo(2);
    assertThat(run.correspondent.binding(MN_HOME).careOf()).isEqualTo(COLO);
  }

  /** An update asking the correspondent to send that home address's datagrams to the attacker. */
  private static ByteBuf attackersUpdate(
      Ipv4Address home, long identification, MobilitySecurityAssociation sa) {
    return BindingUpdate.build(
        UnpooledByteBufAllocator.DEFAULT,
        BindingUpdate.FLAG_ACKNOWLEDGE | BindingUpdate.FLAG_IDENTIFICATION,
        600,
        home.toInt(),
        Ipv4Address.parse("203.0.113.66").toInt(),
        identification,
        sa);
  }

  private static long ntpNow(Run run) {
    return io.mvpn.packet.mip.MipConstants.ntpSeconds(run.lab.time().nanoTime(), 0);
  }
}
