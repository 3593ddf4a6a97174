package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.EspTunnelService;
import io.mvpn.api.ipsec.IkeDatagram;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.api.testing.RecordedSecurityEvents;
import io.mvpn.api.time.Scheduler;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.ipsec.esp.EspTransform;
import io.mvpn.ipsec.esp.Lifetime;
import io.mvpn.lab.Lab;
import io.mvpn.lab.TopologyBuilder;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's tunnels as a keying function sees them: installed, re-keyed and removed by value,
 * with the node's side built from the same keys, in virtual time.
 */
class SecurityGatewayTunnelsTest {

  static final Ipv4Address GW = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address NODE = Ipv4Address.parse("203.0.113.70");
  static final Ipv4Address HOME = Ipv4Address.parse("10.250.0.5");
  static final Ipv4Address HOST = Ipv4Address.parse("10.1.0.100");

  Lab lab;
  SecurityGateway gateway;
  EspTunnelService tunnels;
  // The node's SAs by SPI: what it receives on, and what it sends on.
  final Map<Integer, EspSecurityAssociation> nodeSas = new HashMap<>();
  final List<String> atHost = new ArrayList<>();
  final List<String> atNode = new ArrayList<>();
  int nextSpi = 0x1000;

  @BeforeEach
  void build() {
    lab = gatewayLab(1500);
    Vrf outside = lab.vrf("gw", "outside");
    gateway = startGateway(lab);
    tunnels = new SecurityGatewayTunnels("gw1", gateway, outside);

    lab.vrf("host", "main").bindUdp(7000, (v, in, d) -> atHost.add(text(d.payload())));
    lab.vrf("mn", "main")
        .registerProtocol(
            IpProtocol.ESP,
            (v, in, p) -> {
              EspSecurityAssociation sa = nodeSas.get(p.buffer().getInt(p.payloadOffset()));
              try {
                ByteBuf inner = sa.decapsulate(UnpooledByteBufAllocator.DEFAULT, p);
                atNode.add(text(UdpDatagram.parse(Ipv4Packet.parse(inner)).payload()));
                inner.release();
              } catch (Exception e) {
                atNode.add("refused: " + e.getMessage());
              }
            });
  }

  /**
   * The gateway's node (outside and inside VRFs), a mobile node on the Internet segment of {@code
   * internetMtu} bytes, and a host on the gateway's LAN, in virtual time.
   */
  static Lab gatewayLab(int internetMtu) {
    return Lab.virtual(
        new TopologyBuilder(7)
            .segment("internet", "5ms", "0ms", 0, 0, internetMtu)
            .segment("lan", "1ms")
            .node("gw")
            .vrf("outside")
            .iface("o0", "internet", GW + "/24")
            .vrf("inside")
            .iface("lan", "lan", "10.1.0.1/16")
            .node("mn")
            .vrf("main")
            .iface("w0", "internet", NODE + "/24")
            .node("host")
            .vrf("main")
            .iface("eth0", "lan", HOST + "/16")
            .route("0.0.0.0/0", "10.1.0.1")
            .build());
  }

  /** The gateway on the lab's node, started, without tunnels. */
  static SecurityGateway startGateway(Lab lab) {
    SecurityGateway gateway =
        new SecurityGateway(
            new SecurityGateway.Config(GW, SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
            lab.vrf("gw", "outside"),
            lab.vrf("gw", "inside"),
            0);
    gateway.start();
    return gateway;
  }

  /** A fresh AES-GCM key pair for both directions, and the node's mirror of it. */
  EspTunnel newTunnel() {
    return newTunnel(Algorithm.AES_GCM_16);
  }

  /**
   * A fresh key pair of the suite for both directions, and the node's mirror of it, which the node
   * builds on its own from the raw KEYMAT slices (not through {@link EspSuite}).
   */
  EspTunnel newTunnel(Algorithm algorithm) {
    int gwIn = nextSpi++;
    int gwOut = nextSpi++;
    byte[] keymatIn = keymat(algorithm, gwIn);
    byte[] keymatOut = keymat(algorithm, gwOut);
    nodeSas.put(gwIn, nodeSa(algorithm, gwIn, Direction.OUTBOUND, NODE, GW, keymatIn, 0));
    nodeSas.put(gwOut, nodeSa(algorithm, gwOut, Direction.INBOUND, GW, NODE, keymatOut, 64));
    return new EspTunnel(
        HOME,
        EspSaKeys.fromKeymat(gwIn, algorithm, keymatIn, true),
        EspSaKeys.fromKeymat(gwOut, algorithm, keymatOut, true),
        NODE,
        0,
        EspTunnel.NAT_T_PORT,
        64,
        SaLifetime.UNLIMITED);
  }

  /** KEYMAT for one direction: the suite's largest key, bytes counting up from the SPI. */
  static byte[] keymat(Algorithm algorithm, int spi) {
    byte[] keymat = new byte[algorithm.keymatLength(32)];
    for (int i = 0; i < keymat.length; i++) {
      keymat[i] = (byte) (spi * 7 + i);
    }
    return keymat;
  }

  /** The node's SA, cut from KEYMAT as RFC 7296 §2.17 orders it, by the ESP library's own means. */
  static EspSecurityAssociation nodeSa(
      Algorithm algorithm,
      int spi,
      Direction direction,
      Ipv4Address from,
      Ipv4Address to,
      byte[] keymat,
      int window) {
    Ipv4Address source = direction == Direction.OUTBOUND ? from : null;
    byte[] aesKey = Arrays.copyOf(keymat, 32);
    byte[] integrityKey = Arrays.copyOfRange(keymat, 32, keymat.length);
    EspTransform transform =
        switch (algorithm) {
          case AES_GCM_16 -> null;
          case CHACHA20_POLY1305 -> EspTransform.chaCha20Poly1305(keymat);
          case AES_CBC_HMAC_SHA2_256_128 ->
              EspTransform.aesCbc(aesKey, EspTransform.Integrity.HMAC_SHA2_256_128, integrityKey);
          case AES_CBC_HMAC_SHA2_384_192 ->
              EspTransform.aesCbc(aesKey, EspTransform.Integrity.HMAC_SHA2_384_192, integrityKey);
          case AES_CBC_HMAC_SHA2_512_256 ->
              EspTransform.aesCbc(aesKey, EspTransform.Integrity.HMAC_SHA2_512_256, integrityKey);
        };
    return transform == null
        ? new EspSecurityAssociation(spi, direction, source, to, keymat, true, window)
        : new EspSecurityAssociation(spi, direction, source, to, transform, true, window);
  }

  /** The node sends one datagram from its home address to the host through the SA of that SPI. */
  void nodeSends(int spi, String text) throws Exception {
    lab.vrf("mn", "main").send(nodeSeals(spi, text));
    run();
  }

  /** That datagram in ESP, as it leaves the node. */
  ByteBuf nodeSeals(int spi, String text) throws Exception {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    ByteBuf inner =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT, HOME.toInt(), HOST.toInt(), 7001, 7000, payload, 64);
    ByteBuf outer =
        nodeSas.get(spi).encapsulate(UnpooledByteBufAllocator.DEFAULT, Ipv4Packet.parse(inner), 64);
    inner.release();
    payload.release();
    return outer;
  }

  void hostSends(String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    lab.vrf("host", "main").sendUdp(HOST, HOME, 7000, 7001, payload);
    payload.release();
    run();
  }

  void run() {
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  static String text(ByteBuf b) {
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void aTunnelInstalledByValueCarriesTheNodesTrafficBothWays() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);

    MobileTunnel installed = gateway.tunnel(HOME);
    assertThat(installed.inbound().spi()).isEqualTo(t.inbound().spi());
    assertThat(installed.inbound().tunnelSource()).isNull(); // seed 001's wildcard
    assertThat(installed.careOfAddress()).isEqualTo(NODE);
    assertThat(installed.udpEncapsulated()).isFalse();
    nodeSends(t.inbound().spi(), "up");
    hostSends("down");
    assertThat(atHost).containsExactly("up");
    assertThat(atNode).containsExactly("down");
    assertThat(tunnels.publicAddress()).isEqualTo(GW);
    assertThat(tunnels.outsideVrf()).isEqualTo(lab.vrf("gw", "outside").name());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aTunnelOfEverySuiteCarriesTrafficBothWaysAndKeepsItsSuiteThroughARekey(Algorithm a)
      throws Exception {
    EspTunnel t = newTunnel(a);
    tunnels.install(t);

    MobileTunnel installed = gateway.tunnel(HOME);
    assertThat(EspSuite.algorithm(installed.inbound())).isEqualTo(a);
    assertThat(EspSuite.algorithm(installed.outbound())).isEqualTo(a);
    nodeSends(t.inbound().spi(), "up");
    hostSends("down");
    assertThat(atHost).containsExactly("up");
    assertThat(atNode).containsExactly("down");

    EspTunnel next = newTunnel(a);
    tunnels.rekey(next);
    assertThat(EspSuite.keys(gateway.tunnel(HOME).outbound())).isEqualTo(next.outbound());
    nodeSends(t.inbound().spi(), "up on the old keys");
    nodeSends(next.inbound().spi(), "up on the new keys");
    hostSends("down on the new keys");
    assertThat(atHost).containsExactly("up", "up on the old keys", "up on the new keys");
    assertThat(atNode).containsExactly("down", "down on the new keys");
    assertThat(gateway.counter(GatewayCounter.ESP_REFUSED)).isZero();
  }

  @Test
  void aTunnelBehindANatSendsEspInUdpToTheMappedPort() {
    EspTunnel plain = newTunnel();
    tunnels.install(
        new EspTunnel(
            HOME, plain.inbound(), plain.outbound(), NODE, 41_000, 4500, 64, SaLifetime.UNLIMITED));

    MobileTunnel installed = gateway.tunnel(HOME);
    assertThat(installed.udpEncapsulated()).isTrue();
    assertThat(installed.outbound().udpSourcePort()).isEqualTo(4500);
    assertThat(installed.outbound().udpDestinationPort()).isEqualTo(41_000);
  }

  @Test
  void theLifetimeGivenHoldsForBothSasOfTheTunnel() {
    EspTunnel t = newTunnel();
    tunnels.install(
        new EspTunnel(
            HOME, t.inbound(), t.outbound(), NODE, 0, 4500, 64, SaLifetime.seconds(60, 90)));

    MobileTunnel installed = gateway.tunnel(HOME);
    assertThat(installed.inbound().lifetime()).isEqualTo(Lifetime.seconds(60, 90));
    assertThat(installed.outbound().lifetime()).isEqualTo(Lifetime.seconds(60, 90));
    lab.virtualTime().runUntil(TimeUnit.SECONDS.toNanos(91));
    assertThat(installed.inbound().hardExpired()).isTrue();
  }

  @Test
  void aRekeyKeepsTheOldInboundSaUntilItIsRemoved() throws Exception {
    EspTunnel old = newTunnel();
    tunnels.install(old);
    EspTunnel next = newTunnel();
    tunnels.rekey(next);

    assertThat(gateway.tunnel(HOME).inbound().spi()).isEqualTo(next.inbound().spi());
    nodeSends(old.inbound().spi(), "on the old keys"); // the re-key's answer has not reached it
    nodeSends(next.inbound().spi(), "on the new keys");
    hostSends("down on the new keys");
    assertThat(atHost).containsExactly("on the old keys", "on the new keys");
    assertThat(atNode).containsExactly("down on the new keys");

    assertThat(tunnels.remove(old.inbound().spi())).isTrue();
    nodeSends(old.inbound().spi(), "too late");
    assertThat(atHost).containsExactly("on the old keys", "on the new keys");
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(gateway.tunnel(HOME)).isNotNull(); // the tunnel lives on its new SAs
  }

  @Test
  void removingTheCurrentInboundSaTakesTheTunnelAndItsRoutes() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);

    assertThat(tunnels.remove(t.inbound().spi())).isTrue();
    assertThat(gateway.tunnel(HOME)).isNull();
    assertThat(tunnels.remove(t.inbound().spi())).isFalse();
    hostSends("nowhere to go");
    assertThat(atNode).isEmpty();
  }

  @Test
  void ikeOnPort4500ReachesTheReceiverWithoutItsMarkerAndRepliesGetOne() {
    List<IkeDatagram> received = new ArrayList<>();
    EspTunnelService.Subscription subscription = tunnels.receiveNatTraversalIke(received::add);
    List<byte[]> atNodePort = new ArrayList<>();
    lab.vrf("mn", "main")
        .bindUdp(4500, (v, in, d) -> atNodePort.add(ByteBufUtil.getBytes(d.payload())));
    byte[] ike = "an IKE message".getBytes(StandardCharsets.US_ASCII);

    ByteBuf marked = Unpooled.wrappedBuffer(new byte[4], ike);
    lab.vrf("mn", "main").sendUdp(NODE, GW, 4500, 4500, marked);
    marked.release();
    run();
    assertThatThrownBy(() -> tunnels.receiveNatTraversalIke(d -> {}))
        .isInstanceOf(IllegalStateException.class);
    tunnels.sendNatTraversalIke(new IkeDatagram(GW, 4500, NODE, 4500, ike));
    run();

    assertThat(received).containsExactly(new IkeDatagram(NODE, 4500, GW, 4500, ike));
    assertThat(atNodePort).hasSize(1);
    assertThat(Arrays.copyOfRange(atNodePort.get(0), 0, 4)).containsOnly(0);
    assertThat(Arrays.copyOfRange(atNodePort.get(0), 4, atNodePort.get(0).length)).isEqualTo(ike);
    assertThatThrownBy(() -> tunnels.sendNatTraversalIke(new IkeDatagram(NODE, 4500, GW, 500, ike)))
        .isInstanceOf(IllegalArgumentException.class);

    subscription.close();
    ByteBuf again = Unpooled.wrappedBuffer(new byte[4], ike);
    lab.vrf("mn", "main").sendUdp(NODE, GW, 4500, 4500, again);
    again.release();
    run();
    assertThat(received).hasSize(1);
  }

  @Test
  void espForAnSpiNoSaHasIsDroppedAndCountedAsUnknownSpi() throws Exception {
    EspTunnel t = newTunnel();
    ByteBuf sealed = nodeSeals(t.inbound().spi(), "before any SA"); // keys the gateway never got
    lab.vrf("mn", "main").send(sealed);
    run();

    assertThat(atHost).isEmpty();
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isZero();
  }

  @Test
  void unknownSpisAndReplaysAreReportedAsSecurityEventsWithTheirSource() throws Exception {
    RecordedSecurityEvents events = new RecordedSecurityEvents();
    gateway.reportTo(events);
    EspTunnel t = newTunnel();
    nodeSends(t.inbound().spi(), "before any SA");
    tunnels.install(t);
    ByteBuf once = nodeSeals(t.inbound().spi(), "once");
    ByteBuf again = once.copy(); // the same packet, captured and sent again
    lab.vrf("mn", "main").send(once);
    run();
    lab.vrf("mn", "main").send(again);
    run();

    assertThat(atHost).containsExactly("once");
    assertThat(events.reasonsAndSources())
        .containsExactly("esp-unknown-spi from " + NODE, "esp-replay from " + NODE);
    assertThat(events.all()).allMatch(e -> e.function().equals("securitygateway/" + GW));
  }

  @Test
  void udp4500RuntsAndIkeWithoutAResponderAreCountedAndDropped() {
    ByteBuf runt = Unpooled.wrappedBuffer(new byte[] {1, 2});
    lab.vrf("mn", "main").sendUdp(NODE, GW, 4500, 4500, runt);
    runt.release();
    ByteBuf ike = Unpooled.wrappedBuffer(new byte[4], new byte[28]); // non-ESP marker, then IKE
    lab.vrf("mn", "main").sendUdp(NODE, GW, 4500, 4500, ike);
    ike.release();
    run();

    assertThat(gateway.counter(GatewayCounter.NAT_T_RUNT)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.NAT_T_IKE_UNHANDLED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_RECEIVED)).isZero();
  }

  @Test
  void callsFromAnotherThreadRunOnTheGatewaysThreadAndReturnOnceDone() throws Exception {
    DefaultEventExecutor loop = new DefaultEventExecutor();
    try {
      List<Thread> ranOn = new CopyOnWriteArrayList<>();
      Scheduler recording = recording(new EventLoopScheduler(loop), ranOn);
      Vrf outside = new Vrf("outside", recording, UnpooledByteBufAllocator.DEFAULT);
      Vrf inside = new Vrf("inside", recording, UnpooledByteBufAllocator.DEFAULT);
      SecurityGateway onLoop =
          loop.submit(
                  () -> {
                    SecurityGateway g =
                        new SecurityGateway(
                            new SecurityGateway.Config(GW, 434, Map.of(), 7), outside, inside, 0);
                    g.start();
                    return g;
                  })
              .get(10, TimeUnit.SECONDS);
      EspTunnelService service = new SecurityGatewayTunnels("gw2", onLoop, outside);
      Thread loopThread = thread(loop);
      ranOn.clear();

      EspTunnel t = newTunnel();
      service.install(t);
      // Done when install returns: read on the loop, where the gateway's state belongs.
      assertThat(loop.submit(() -> onLoop.tunnel(HOME) != null).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(service.remove(t.inbound().spi())).isTrue();
      assertThat(ranOn).isNotEmpty().containsOnly(loopThread);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  static Thread thread(DefaultEventExecutor loop) throws Exception {
    return loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
  }

  /** The scheduler, noting the thread each task handed to it runs on. */
  static Scheduler recording(Scheduler scheduler, List<Thread> ranOn) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return scheduler.nanoTime();
      }

      @Override
      public Timer schedule(long delay, TimeUnit unit, Runnable task) {
        return scheduler.schedule(delay, unit, task);
      }

      @Override
      public void execute(Runnable task) {
        scheduler.execute(
            () -> {
              ranOn.add(Thread.currentThread());
              task.run();
            });
      }

      @Override
      public boolean inEventLoop() {
        return scheduler.inEventLoop();
      }
    };
  }
}
