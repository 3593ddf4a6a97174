package io.mvpn.workgroup;

import static io.mvpn.workgroup.WorkgroupWorld.A5;
import static io.mvpn.workgroup.WorkgroupWorld.ACME_GW;
import static io.mvpn.workgroup.WorkgroupWorld.G5;
import static io.mvpn.workgroup.WorkgroupWorld.GATEWAYS;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX_GW;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.workgroup.MemberId;
import io.mvpn.api.workgroup.WorkgroupSaStore.StoredWorkgroupSa;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.Lifetime;
import io.mvpn.net.Vrf;
import io.mvpn.store.InMemoryWorkgroupSaStore;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * globex's workgroup gateway stopped and started again over the same SA store, as {@code
 * bundle:update io.mvpn.workgroup} does, in virtual time: the parties keep the SAs IKE gave them,
 * and the new gateway lets their ESP in from what the store kept.
 */
class WorkgroupGatewayRestartTest {

  /** Unix time at virtual time zero: the wall clock the stored lifetimes run on. */
  static final long EPOCH = 1_796_461_200_000_000_000L; // 2026-12-05T09:00:00Z

  static final int RESERVATION = 16;

  final InMemoryWorkgroupSaStore store = new InMemoryWorkgroupSaStore();
  KeyedWorkgroup keyed;
  WorkgroupWorld world;
  StoredInboundSas stored;
  int lastRestored;

  @BeforeEach
  void build() {
    keyed = new KeyedWorkgroup();
    world = keyed.world;
    stored = writeThrough(world.gateways.get(GLOBEX));
  }

  @AfterEach
  void close() {
    keyed.close();
  }

  private Vrf vrf(String name) {
    return world.lab.vrf("gw-" + GLOBEX, name);
  }

  private StoredInboundSas writeThrough(WorkgroupGateway gateway) {
    StoredInboundSas s =
        new StoredInboundSas(
            store, "wg-globex", () -> EPOCH + vrf("outside").scheduler().nanoTime(), RESERVATION);
    int restored = s.restore(gateway, vrf("outside").scheduler(), this::stillBehind);
    gateway.writeThrough(s);
    lastRestored = restored;
    return s;
  }

  private boolean stillBehind(StoredWorkgroupSa sa) {
    return world
        .directory
        .member(sa.party())
        .map(m -> m.gatewayAddress().equals(sa.tunnelSource()))
        .orElse(false);
  }

  /** What an update of the bundle does: stop in order, then a new gateway and keying over it. */
  private WorkgroupGateway restartGlobex(boolean orderly) {
    WorkgroupGateway old = world.gateways.get(GLOBEX);
    keyed.gatewayKeying.get(GLOBEX).detach();
    old.stop();
    if (orderly) {
      stored.release();
    }
    WorkgroupGateway fresh =
        new WorkgroupGateway(
            GLOBEX_GW, vrf("inside"), vrf("outside"), new WorkgroupFilter(GLOBEX, world.directory));
    fresh.start();
    GATEWAYS.values().forEach(fresh::addPeerGateway);
    world.gateways.put(GLOBEX, fresh);
    stored = writeThrough(fresh);
    keyed.startKeying(GLOBEX);
    return fresh;
  }

  @Test
  void aGatewayRestartedOverTheSameStoreCarriesEspAgainWithoutReKeying() {
    keyed.key(A5, G5);
    world.send(A5, G5, "before");
    assertThat(store.sas("wg-globex")).extracting(StoredWorkgroupSa::party).containsExactly(A5);

    restartGlobex(true);
    world.send(A5, G5, "after");

    assertThat(lastRestored).isEqualTo(1);
    assertThat(world.received.get("g5")).containsExactly("10.1.0.5 before", "10.1.0.5 after");
    assertThat(world.count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(1);
    assertThat(world.count(GLOBEX, WorkgroupCounter.KEY_EXCHANGE_IN)).isZero();
    assertThat(keyed.gatewayKeying.get(GLOBEX).installed()).isZero();
    assertThat(keyed.partyKeying.get(A5).sa(G5)).isPresent();
  }

  @Test
  void aRestoredInboundSaRefusesReplaysBelowItsReservation() {
    keyed.key(A5, G5);
    EspSecurityAssociation alices =
        keyed.partyKeying.get(A5).sa(G5).orElseThrow().childSas().get(0).outbound();
    for (int i = 1; i <= 3; i++) {
      world.send(A5, G5, "packet " + i);
    }
    restartGlobex(true);
    assertThat(store.reserved("wg-globex", ACME_GW, alices.spi())).isEqualTo(3 + RESERVATION);

    // An attacker who recorded alice's first packets sends them again: same key, numbers 1 to 3.
    world.parties.get(A5).addPeer(G5, sameKeys(alices));
    for (int i = 1; i <= 3; i++) {
      world.send(A5, G5, "packet " + i);
    }
    assertThat(world.count(GLOBEX, WorkgroupCounter.ESP_REFUSED)).isEqualTo(3);

    world.parties.get(A5).addPeer(G5, alices);
    world.send(A5, G5, "packet 4");
    assertThat(world.received.get("g5"))
        .containsExactly(
            "10.1.0.5 packet 1", "10.1.0.5 packet 2", "10.1.0.5 packet 3", "10.1.0.5 packet 4");
  }

  @Test
  void afterACrashTheRestoredSaRefusesTheRestOfItsReservedBlock() {
    keyed.key(A5, G5);
    EspSecurityAssociation alices =
        keyed.partyKeying.get(A5).sa(G5).orElseThrow().childSas().get(0).outbound();
    world.send(A5, G5, "packet 1");
    restartGlobex(false);

    // Without an orderly stop the store cannot know how much of the block was used: all of it
    // counts as accepted, and alice's next packets up to its end are refused.
    world.send(A5, G5, "packet 2");
    assertThat(world.count(GLOBEX, WorkgroupCounter.ESP_REFUSED)).isEqualTo(1);
    EspSecurityAssociation aboveTheBlock = sameKeys(alices);
    aboveTheBlock.resumeAfter(RESERVATION);
    world.parties.get(A5).addPeer(G5, aboveTheBlock);
    world.send(A5, G5, "packet 17");
    assertThat(world.received.get("g5")).containsExactly("10.1.0.5 packet 1", "10.1.0.5 packet 17");
  }

  @Test
  void anSaWhoseLifetimeRanOutIsNotRestoredAndOneRestoredEndsWithItsLifetime() {
    provision(A5, 0x5001, 60);
    EspSecurityAssociation longer = provision(WorkgroupWorld.I9, 0x5002, 600);
    world.send(A5, G5, "short");
    world.send(WorkgroupWorld.I9, G5, "long");
    assertThat(store.size()).isEqualTo(2);

    world.run(61_000);
    WorkgroupGateway fresh = restartGlobex(true);
    assertThat(lastRestored).isEqualTo(1);
    assertThat(store.sas("wg-globex"))
        .extracting(StoredWorkgroupSa::spi)
        .containsExactly(longer.spi());
    world.send(A5, G5, "short again");
    assertThat(world.count(GLOBEX, WorkgroupCounter.UNKNOWN_SA)).isEqualTo(1);
    world.send(WorkgroupWorld.I9, G5, "long again");
    assertThat(world.count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(1);

    // Nobody holds its IKE SA any more: it leaves the gateway and the store when its life ends.
    world.run(540_000);
    assertThat(fresh.inboundSas()).isEmpty();
    assertThat(store.size()).isZero();
  }

  @Test
  void aPartyThatKeysAnewReplacesWhatWasRestoredForIt() {
    keyed.key(A5, G5);
    WorkgroupGateway fresh = restartGlobex(true);
    keyed.partyKeying.get(A5).close();
    keyed.partyKeying.put(
        A5,
        keyed.party(A5, keyed.memberCredential(keyed.ca, A5, GATEWAYS.get(WorkgroupWorld.ACME))));
    keyed.key(A5, G5);

    assertThat(keyed.gatewayKeying.get(GLOBEX).installed()).isEqualTo(1);
    assertThat(fresh.inboundSas()).hasSize(1);
    assertThat(store.size()).isEqualTo(1);
    world.send(A5, G5, "keyed anew");
    assertThat(world.received.get("g5")).containsExactly("10.1.0.5 keyed anew");
  }

  /** A hand-keyed SA from {@code party} into globex's realm with a lifetime, at both ends. */
  private EspSecurityAssociation provision(MemberId party, int spi, long seconds) {
    byte[] key = new byte[20];
    Arrays.fill(key, (byte) spi);
    EspSecurityAssociation out =
        new EspSecurityAssociation(
            spi, Direction.OUTBOUND, party.privateAddress(), GLOBEX_GW, key, false, 0);
    EspSecurityAssociation in =
        new EspSecurityAssociation(
            spi, Direction.INBOUND, party.privateAddress(), GLOBEX_GW, key, false, 64);
    in.setLifetime(
        Lifetime.seconds(seconds, seconds), vrf("outside").scheduler()::nanoTime, x -> {});
    world
        .gateways
        .get(GLOBEX)
        .addInboundSa(new WorkgroupGateway.InboundSa(GATEWAYS.get(party.tenant()), party, in));
    world.parties.get(party).addPeer(G5, out);
    return in;
  }

  /** An outbound SA with another's keys, numbering from the start again. */
  private static EspSecurityAssociation sameKeys(EspSecurityAssociation sa) {
    return new EspSecurityAssociation(
        sa.spi(),
        Direction.OUTBOUND,
        sa.tunnelSource(),
        sa.tunnelDestination(),
        sa.keyMaterial(),
        sa.extendedSequenceNumbers(),
        0);
  }
}
