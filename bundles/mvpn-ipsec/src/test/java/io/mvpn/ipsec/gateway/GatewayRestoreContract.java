package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A security gateway replaced by a new instance over the same {@link EspSaStore} (an update of its
 * bundle, or a restart) continues its nodes' tunnels, in virtual time; the store in memory or in a
 * reopened state file. The gateway writes through to the store all along, so every test of {@link
 * SecurityGatewayTunnelsTest} runs here over a storing gateway too.
 */
abstract class GatewayRestoreContract extends SecurityGatewayTunnelsTest {

  static final long EPOCH = 1_796_461_200_000_000_000L; // Unix time at virtual 0
  static final int RESERVATION = 8;

  EspSaStore store;
  GatewaySaStore storedSas;
  int restored;
  final List<Long> sequencesAtNode = new ArrayList<>();
  int reservationsAsked;

  /** A store over nothing yet. */
  abstract EspSaStore openStore(Clock clock);

  /** The same store, as the next instance of the gateway finds it. */
  abstract EspSaStore reopenStore(EspSaStore store, Clock clock);

  long unixNanos() {
    return EPOCH + lab.virtualTime().nanoTime();
  }

  /** The lab's wall clock now, for a store opened now. */
  Clock clock() {
    return Clock.fixed(Instant.EPOCH.plusNanos(unixNanos()), ZoneOffset.UTC);
  }

  @BeforeEach
  @Override
  void build() {
    super.build();
    gateway.stop(); // the lab's gateway, in favour of one over the store
    store = openStore(clock());
    startGateway();
    lab.vrf("mn", "main")
        .observeDeliveries(
            (v, in, p) -> {
              if (p.protocol() == IpProtocol.ESP) {
                sequencesAtNode.add(p.buffer().getInt(p.payloadOffset() + 4) & 0xFFFFFFFFL);
              }
            });
  }

  /** A gateway instance on the lab's VRFs, restoring what the store holds, before any packet. */
  void startGateway() {
    gateway =
        new SecurityGateway(
            new SecurityGateway.Config(GW, SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
            lab.vrf("gw", "outside"),
            lab.vrf("gw", "inside"),
            EPOCH);
    gateway.start();
    storedSas = new GatewaySaStore(counted(store), "gw1", this::unixNanos, RESERVATION);
    restored = storedSas.restore(gateway, lab.virtualTime());
    gateway.writeThrough(storedSas);
    tunnels = new SecurityGatewayTunnels("gw1", gateway, lab.vrf("gw", "outside"));
  }

  /** The store, counting the reservations the gateway asks of it. */
  EspSaStore counted(EspSaStore store) {
    return (EspSaStore)
        Proxy.newProxyInstance(
            EspSaStore.class.getClassLoader(),
            new Class<?>[] {EspSaStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("reserve")) {
                reservationsAsked++;
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** An update of the gateway's bundle: the old instance stops in order, a new one starts. */
  void replaceInOrder() {
    ((SecurityGatewayTunnels) tunnels).close();
    gateway.stop();
    storedSas.release();
    store = reopenStore(store, clock());
    startGateway();
  }

  /** The old instance vanishes without a word (its reservations stand), a new one starts. */
  void crashAndRestart() {
    gateway.stop(); // only so the new instance may bind the same ports in this lab
    store = reopenStore(store, clock());
    startGateway();
  }

  EspTunnel newTunnel(int peerUdpPort, SaLifetime lifetime) {
    EspTunnel t = newTunnel();
    return new EspTunnel(HOME, t.inbound(), t.outbound(), NODE, peerUdpPort, 4500, 64, lifetime);
  }

  void send(ByteBuf outer) {
    lab.vrf("mn", "main").send(outer);
    run();
  }

  void runFor(long millis) {
    lab.virtualTime()
        .runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void aReplacedGatewayCarriesTheNodesEspBothWaysWithoutANewKeyExchange() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    nodeSends(t.inbound().spi(), "up before");
    hostSends("down before");

    replaceInOrder();

    assertThat(restored).isEqualTo(1);
    assertThat(gateway.tunnel(HOME).inbound().spi()).isEqualTo(t.inbound().spi());
    nodeSends(t.inbound().spi(), "up after");
    hostSends("down after");
    assertThat(atHost).containsExactly("up before", "up after");
    assertThat(atNode).containsExactly("down before", "down after");
    assertThat(gateway.counter(GatewayCounter.ESP_REFUSED)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aReplacedGatewayRunsEachTunnelAndRetiringSaOnTheSuiteItWasKeyedWith(Algorithm a)
      throws Exception {
    EspTunnel old = newTunnel(a);
    tunnels.install(old);
    EspTunnel next = newTunnel(a);
    tunnels.rekey(next);

    replaceInOrder();

    MobileTunnel back = gateway.tunnel(HOME);
    assertThat(EspSuite.keys(back.inbound())).isEqualTo(next.inbound());
    assertThat(EspSuite.keys(back.outbound())).isEqualTo(next.outbound());
    nodeSends(old.inbound().spi(), "up on the retiring keys");
    nodeSends(next.inbound().spi(), "up on the current keys");
    hostSends("down");
    assertThat(atHost).containsExactly("up on the retiring keys", "up on the current keys");
    assertThat(atNode).containsExactly("down");
    assertThat(store.tunnels("gw1").get(0).retiring().get(0).keys()).isEqualTo(old.inbound());
  }

  @Test
  void afterACrashEveryOutboundSequenceNumberIsAboveAnySentBefore() {
    tunnels.install(newTunnel());
    for (int i = 0; i < 3 * RESERVATION + 3; i++) {
      hostSends("before " + i);
    }
    long highestBefore = sequencesAtNode.stream().mapToLong(Long::longValue).max().orElseThrow();
    int sentBefore = sequencesAtNode.size();

    crashAndRestart();
    for (int i = 0; i < RESERVATION; i++) {
      hostSends("after " + i);
    }

    assertThat(sequencesAtNode.subList(sentBefore, sequencesAtNode.size()))
        .hasSize(RESERVATION)
        .allMatch(s -> s > highestBefore);
    assertThat(atNode).hasSize(sentBefore + RESERVATION).noneMatch(s -> s.startsWith("refused"));
  }

  @Test
  void sequenceNumbersCostOneStoreWritePerReservationNotOnePerPacket() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    int atInstall = reservationsAsked; // the first block of each SA, written with the tunnel
    for (int i = 0; i < 4 * RESERVATION; i++) {
      hostSends("down " + i);
      nodeSends(t.inbound().spi(), "up " + i);
    }

    // 32 packets each way, each next block of 8 asked for half a block ahead: 4 writes a way.
    assertThat(atInstall).isEqualTo(2);
    assertThat(reservationsAsked - atInstall).isEqualTo(2 * 4);
    long sent = gateway.tunnel(HOME).outbound().sequence();
    assertThat(store.reserved("gw1", HOME, EspSaStore.Direction.OUTBOUND, t.outbound().spi()))
        .isGreaterThanOrEqualTo(sent + RESERVATION / 2);
    assertThat(store.reserved("gw1", HOME, EspSaStore.Direction.INBOUND, t.inbound().spi()))
        .isGreaterThanOrEqualTo(gateway.tunnel(HOME).inbound().sequence() + RESERVATION / 2);
  }

  @Test
  void anEspPacketCapturedBeforeAnUpdateAndReplayedAfterIsRefusedAndCounted() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    ByteBuf captured = nodeSeals(t.inbound().spi(), "once");
    send(captured.copy());

    replaceInOrder();
    send(captured);
    nodeSends(t.inbound().spi(), "fresh");

    assertThat(atHost).containsExactly("once", "fresh");
    assertThat(gateway.refusals()).containsEntry(EspException.Reason.REPLAY, 1L);
    assertThat(gateway.counter(GatewayCounter.ESP_REFUSED)).isEqualTo(1);
  }

  @Test
  void afterACrashAReplayIsRefusedAndSoAreTheNodesNumbersUpToTheReservation() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    nodeSends(t.inbound().spi(), "first");
    ByteBuf captured = nodeSeals(t.inbound().spi(), "second");
    send(captured.copy());

    crashAndRestart();
    send(captured);
    for (int i = 3; i <= RESERVATION + 1; i++) {
      nodeSends(t.inbound().spi(), "number " + i);
    }

    // The reservation was 8: what the old instance may have accepted is refused, then all flows.
    assertThat(atHost).containsExactly("first", "second", "number " + (RESERVATION + 1));
    assertThat(gateway.refusals()).containsEntry(EspException.Reason.REPLAY, RESERVATION - 1L);
  }

  @Test
  void aReKeyedOldInboundSaIsStillAcceptedAfterTheRestoreUntilRemoved() throws Exception {
    EspTunnel old = newTunnel();
    tunnels.install(old);
    EspTunnel next = newTunnel();
    tunnels.rekey(next);

    replaceInOrder();
    nodeSends(old.inbound().spi(), "on the old keys");
    nodeSends(next.inbound().spi(), "on the new keys");
    hostSends("down on the new keys");
    assertThat(tunnels.remove(old.inbound().spi())).isTrue();
    replaceInOrder();
    nodeSends(old.inbound().spi(), "too late");

    assertThat(atHost).containsExactly("on the old keys", "on the new keys");
    assertThat(atNode).containsExactly("down on the new keys");
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(gateway.tunnel(HOME).inbound().spi()).isEqualTo(next.inbound().spi());
  }

  @Test
  void aTunnelKeepsItsLifetimeAcrossARestoreAndIsNotRestoredOnceExpired() {
    tunnels.install(newTunnel(0, SaLifetime.seconds(60, 90)));
    runFor(50_000);

    replaceInOrder();
    assertThat(restored).isEqualTo(1);
    runFor(41_000); // 91 s since the install
    assertThat(gateway.tunnel(HOME).outbound().hardExpired()).isTrue();

    replaceInOrder();
    assertThat(restored).isZero();
    assertThat(gateway.tunnel(HOME)).isNull();
    assertThat(store.tunnels("gw1")).isEmpty();
    hostSends("nowhere to go");
    assertThat(atNode).isEmpty();
  }

  @Test
  void theNatPortTheTunnelFollowedIsWhereTheRestoredTunnelSends() throws Exception {
    EspTunnel t = newTunnel(41_000, SaLifetime.UNLIMITED);
    tunnels.install(t);
    ByteBuf esp = nodeSeals(t.inbound().spi(), "from a new port");
    // The ESP packet alone, in UDP from the port the node's NAT now maps it to.
    Ipv4Packet outer = Ipv4Packet.parse(esp);
    ByteBuf payload = esp.slice(outer.payloadOffset(), outer.payloadLength());
    lab.vrf("mn", "main").sendUdp(NODE, GW, 41_001, 4500, payload);
    esp.release();
    run();

    replaceInOrder();

    assertThat(atHost).containsExactly("from a new port");
    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(41_001);
    assertThat(gateway.tunnel(HOME).udpEncapsulated()).isTrue();
  }
}
