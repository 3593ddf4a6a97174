package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.ipsec.EspSaStore.Direction;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.lab.Lab;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.store.InMemoryEspSaStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway with its ESP on owner threads (here a virtual-time scheduler of their own, run by the
 * test): traffic flows both ways as on one thread, and tunnels removed or re-keyed while a packet
 * is with an owner do not take the packet past the change.
 */
class SecurityGatewayEspOwnersTest extends SecurityGatewayTunnelsTest {

  final VirtualTimeScheduler owner = new VirtualTimeScheduler();
  EspOwners owners;

  @BeforeEach
  void spreadOverOwner() {
    owners = new EspOwners(List.of(owner), lab.virtualTime(), UnpooledByteBufAllocator.DEFAULT, 64);
    gateway.spreadEspOver(owners);
  }

  /** Runs the lab and the owner until neither has anything left, within bounds. */
  @Override
  void run() {
    runWith(lab, owner);
  }

  static void runWith(Lab lab, VirtualTimeScheduler owner) {
    for (int round = 0; round < 10; round++) {
      lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
      if (owner.runUntilIdle() == 0 && lab.virtualTime().isIdle()) {
        return;
      }
    }
  }

  @Test
  void aTunnelWhoseSasRunOnAnOwnerCarriesTheNodesTrafficBothWays() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    nodeSends(t.inbound().spi(), "up through an owner");
    hostSends("down through an owner");

    assertThat(atHost).containsExactly("up through an owner");
    assertThat(atNode).containsExactly("down through an owner");
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_SENT)).isEqualTo(1);
  }

  @Test
  void aPacketWhoseTunnelIsRemovedWhileItsOwnerOpensItIsDroppedAsUnknown() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    lab.vrf("mn", "main").send(nodeSeals(t.inbound().spi(), "late"));
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(owner.pendingTasks()).isEqualTo(1); // with the owner, not yet back

    assertThat(tunnels.remove(t.inbound().spi())).isTrue();
    run();

    assertThat(atHost).isEmpty();
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isZero();
  }

  @Test
  void aPacketOnTheOldSaOfARekeyWhileItIsWithItsOwnerIsStillDelivered() throws Exception {
    EspTunnel old = newTunnel();
    tunnels.install(old);
    lab.vrf("mn", "main").send(nodeSeals(old.inbound().spi(), "sent before the re-key"));
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

    tunnels.rekey(newTunnel()); // the old inbound SA is still accepted until IKE deletes it
    run();

    assertThat(atHost).containsExactly("sent before the re-key");
  }

  @Test
  void aReplayHandedToTheOwnerTogetherWithItsOriginalIsRefused() throws Exception {
    EspTunnel t = newTunnel();
    tunnels.install(t);
    ByteBuf once = nodeSeals(t.inbound().spi(), "once");
    ByteBuf again = once.copy();
    lab.vrf("mn", "main").send(once);
    lab.vrf("mn", "main").send(again);
    run();

    assertThat(atHost).containsExactly("once");
    assertThat(gateway.refusals().get(io.mvpn.ipsec.esp.EspException.Reason.REPLAY)).isEqualTo(1);
  }

  @Test
  void packetsBeyondWhatTheOwnersMayHoldAreDroppedAndCountedAsOverruns() throws Exception {
    gateway.spreadEspOver(
        new EspOwners(List.of(owner), lab.virtualTime(), UnpooledByteBufAllocator.DEFAULT, 1));
    EspTunnel t = newTunnel();
    tunnels.install(t);
    lab.vrf("mn", "main").send(nodeSeals(t.inbound().spi(), "first"));
    lab.vrf("mn", "main").send(nodeSeals(t.inbound().spi(), "while the first is with the owner"));
    run();

    assertThat(atHost).containsExactly("first");
    assertThat(gateway.counter(GatewayCounter.ESP_THREADS_OVERRUN)).isEqualTo(1);
  }

  @Test
  void ownersBesideAStoreMayHoldFewerPacketsThanHalfAReservation() {
    GatewaySaStore store =
        new GatewaySaStore(new InMemoryEspSaStore(), "gw1", () -> 0L, 128); // 64 is half
    assertThatThrownBy(() -> gateway.writeThrough(store))
        .isInstanceOf(IllegalArgumentException.class);

    GatewaySaStore roomy = new GatewaySaStore(new InMemoryEspSaStore(), "gw1", () -> 0L, 1024);
    gateway.writeThrough(roomy);
    assertThat(owners.owners()).isEqualTo(1);
  }

  /** The host sends {@code count} datagrams to the node; the gateway hands them to the owner. */
  void hostSendsToTheOwner(int count) {
    for (int i = 0; i < count; i++) {
      ByteBuf payload = Unpooled.copiedBuffer("burst " + i, StandardCharsets.US_ASCII);
      lab.vrf("host", "main").sendUdp(HOST, HOME, 7000, 7001, payload);
      payload.release();
    }
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aGatewayStoppedMidBurstReleasesNoNumberBelowOneTheOwnerSealed() throws Exception {
    InMemoryEspSaStore saved = new InMemoryEspSaStore();
    GatewaySaStore store = new GatewaySaStore(saved, "gw1", () -> 0L, 1024);
    gateway.writeThrough(store);
    EspTunnel t = newTunnel();
    tunnels.install(t);
    hostSends("before the burst");
    hostSendsToTheOwner(40);
    assertThat(owner.pendingTasks()).isEqualTo(1); // the burst is with the owner, one task

    gateway.stop();
    CompletableFuture<Void> drained = owners.drained();
    assertThat(drained).isNotDone();
    run();
    assertThat(drained).isDone();
    store.release();

    long released = saved.reserved("gw1", HOME, Direction.OUTBOUND, t.outbound().spi());
    assertThat(released).isEqualTo(41); // all the owner sealed, though none of the burst was sent
    assertThat(atNode).containsExactly("before the burst");
    assertThat(gateway.counter(GatewayCounter.ESP_SENT)).isEqualTo(1);
  }

  @Test
  void theStoreHoldsHalfAReservationBeyondAnyNumberTheOwnersSealedAndACrashRepeatsNone()
      throws Exception {
    owners = new EspOwners(List.of(owner), lab.virtualTime(), UnpooledByteBufAllocator.DEFAULT, 63);
    gateway.spreadEspOver(owners);
    InMemoryEspSaStore saved = new InMemoryEspSaStore();
    gateway.writeThrough(new GatewaySaStore(saved, "gw1", () -> 0L, 128));
    EspTunnel t = newTunnel();
    tunnels.install(t);
    EspSecurityAssociation out = gateway.tunnel(HOME).outbound();

    for (int burst = 0; burst < 10; burst++) {
      hostSendsToTheOwner(63);
      owner.runUntilIdle(); // the owner seals all before the gateway hears of any
      long reserved = saved.reserved("gw1", HOME, Direction.OUTBOUND, t.outbound().spi());
      assertThat(out.sequence() + 64).isLessThanOrEqualTo(reserved);
      run();
    }
    assertThat(atNode).hasSize(630);

    gateway.stop(); // a crash: nothing released
    SecurityGateway next = startGateway(lab);
    new GatewaySaStore(saved, "gw1", () -> 0L, 128).restore(next, lab.virtualTime());
    assertThat(next.tunnel(HOME).outbound().sequence()).isGreaterThan(630);
  }
}
