package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.store.InMemoryCounterStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One gateway endpoint with several peer configurations on one {@link IkeSaManager}: each IKE SA
 * runs under the configuration of the peer it talks to, chosen by the remote address at IKE_SA_INIT
 * and by the peer's identity at IKE_AUTH.
 */
class IkeSaManagerTest {

  static final Endpoint GW = Endpoint.of("198.51.100.10", 500);
  static final Endpoint ALICE = Endpoint.of("203.0.113.1", 500);
  static final Endpoint BOB = Endpoint.of("203.0.113.2", 500);
  static final Identity ALICE_ID = Identity.fqdn("alice.example.net");
  static final Identity BOB_ID = Identity.fqdn("bob.example.net");

  final VirtualTimeScheduler scheduler = new VirtualTimeScheduler();
  final SecureRandom random = new SecureRandom();
  final Map<Endpoint, IkeSaManager> hosts = new HashMap<>();
  final List<String> established = new ArrayList<>();

  final Transport link =
      d ->
          scheduler.schedule(
              1,
              TimeUnit.MILLISECONDS,
              () -> {
                IkeSaManager to = hosts.get(d.destination());
                if (to != null) {
                  to.receive(d);
                }
              });

  IkeSaManager host(Endpoint at) {
    IkeSaManager manager = new IkeSaManager(scheduler, link, at, EngineSettings.defaults(), random);
    hosts.put(at, manager);
    return manager;
  }

  static byte[] psk(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static PeerConfig config(Identity local, Identity remote, String psk) {
    return PeerConfig.of(
        local,
        remote,
        new PskAuthenticator(psk(psk)),
        List.of(IkePair.range("0.0.0.0", "255.255.255.255")),
        List.of(IkePair.range("0.0.0.0", "255.255.255.255")));
  }

  IkeEngine gateway(IkeSaManager gw, String name, Endpoint remote, Identity peer, String psk) {
    return new IkeEngine(
        gw,
        config(IkePair.GW_ID, peer, psk),
        remote,
        true,
        IkeEngine.Listener.of(sa -> established.add(name), sa -> {}));
  }

  IkeSa connect(Endpoint from, Identity id, String psk) {
    IkeEngine client =
        new IkeEngine(
            host(from), config(id, IkePair.GW_ID, psk), null, false, new IkeEngine.Listener() {});
    IkeSa sa = client.initiate(GW);
    scheduler.runUntil(scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(1));
    return sa;
  }

  @Test
  void eachPeerAddressGetsItsOwnConfigurationFromOneManager() {
    IkeSaManager gw = host(GW);
    IkeEngine alice = gateway(gw, "alice", ALICE, ALICE_ID, "alice's secret");
    IkeEngine bob = gateway(gw, "bob", BOB, BOB_ID, "bob's secret");

    IkeSa fromAlice = connect(ALICE, ALICE_ID, "alice's secret");
    IkeSa fromBob = connect(BOB, BOB_ID, "bob's secret");

    assertThat(fromAlice.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(fromBob.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(established).containsExactly("alice", "bob");
    assertThat(alice.sas()).extracting(IkeSa::remoteId).containsExactly(ALICE_ID);
    assertThat(bob.sas()).extracting(IkeSa::remoteId).containsExactly(BOB_ID);
    assertThat(gw.sas()).hasSize(2);
  }

  @Test
  void atIkeAuthThePeersIdentityChoosesAmongConfigurationsForAnyone() {
    IkeSaManager gw = host(GW);
    IkeEngine alice = gateway(gw, "alice", null, ALICE_ID, "alice's secret");
    IkeEngine bob = gateway(gw, "bob", null, BOB_ID, "bob's secret");

    IkeSa sa = connect(BOB, BOB_ID, "bob's secret");

    assertThat(sa.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(established).containsExactly("bob");
    assertThat(bob.sas()).hasSize(1);
    assertThat(alice.sas()).isEmpty();
  }

  @Test
  void aConfigurationNamingThePeerBeatsOneForAnyIdentity() {
    IkeSaManager gw = host(GW);
    IkeEngine anyone = gateway(gw, "anyone", null, null, "everybody's secret");
    IkeEngine bob = gateway(gw, "bob", null, BOB_ID, "bob's secret");

    IkeSa fromBob = connect(BOB, BOB_ID, "bob's secret");
    IkeSa fromAlice = connect(ALICE, ALICE_ID, "everybody's secret");

    assertThat(fromBob.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(fromAlice.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(established).containsExactly("bob", "anyone");
    assertThat(bob.sas()).extracting(IkeSa::remoteId).containsExactly(BOB_ID);
    assertThat(anyone.sas()).extracting(IkeSa::remoteId).containsExactly(ALICE_ID);
  }

  @Test
  void aPeerWithTheWrongKeyForItsIdentityIsRefused() {
    IkeSaManager gw = host(GW);
    gateway(gw, "alice", null, ALICE_ID, "alice's secret");
    gateway(gw, "bob", null, BOB_ID, "bob's secret");

    IkeSa sa = connect(BOB, BOB_ID, "alice's secret");

    assertThat(sa.state()).isEqualTo(IkeSaState.DESTROYED);
    assertThat(established).isEmpty();
    assertThat(gw.sas()).isEmpty();
  }

  @Test
  void aNewSaFromAnAddressNoConfigurationServesIsCountedAndNotAnswered() {
    IkeSaManager gw = host(GW);
    gateway(gw, "alice", ALICE, ALICE_ID, "alice's secret");

    IkeSa sa = connect(BOB, BOB_ID, "alice's secret");

    assertThat(sa.state()).isEqualTo(IkeSaState.INIT_SENT);
    assertThat(gw.counters().noPeerConfig()).isEqualTo(2); // the request and its retransmission
    assertThat(gw.sas()).isEmpty();
  }

  @Test
  void ikeOnPort4500IsTheMessageBehindTheNonEspMarkerAndNothingElse() {
    IkeSaManager gw = host(GW);
    gateway(gw, "alice", null, ALICE_ID, "alice's secret");

    assertThat(gw.receiveNatT(new Datagram(ALICE, GW, new byte[] {0, 0, 0, 1, 9, 9}))).isFalse();
    assertThat(gw.receiveNatT(new Datagram(ALICE, GW, new byte[] {(byte) 0xff}))).isFalse();
    assertThat(gw.receiveNatT(new Datagram(ALICE, GW, new byte[] {0, 0, 0, 0, 1}))).isTrue();
    assertThat(gw.counters().notIke()).isEqualTo(2);
    assertThat(gw.counters().malformed()).isEqualTo(1);
  }

  /**
   * A daemon's endpoint that follows another (a bundle:update) over the same counter store and
   * scope goes on from its drops; another scope starts from zero.
   */
  @Test
  void anEndpointOverTheSameCounterStoreGoesOnFromTheCountsOfTheOneBefore() {
    CounterStore store = new InMemoryCounterStore();
    IkeSaManager before = countingIn(store);
    before.receiveNatT(new Datagram(ALICE, GW, new byte[] {(byte) 0xff}));
    before.receiveNatT(new Datagram(ALICE, GW, new byte[] {0, 0, 0, 0, 1}));

    IkeSaManager after = countingIn(store);
    after.receiveNatT(new Datagram(ALICE, GW, new byte[] {(byte) 0xff}));

    assertThat(after.counters().notIke()).isEqualTo(2);
    assertThat(after.counters().drops())
        .containsEntry("malformed", 1L)
        .containsEntry("not_ike", 2L);
    assertThat(after.counters().received()).isEqualTo(1);
    assertThat(store.snapshot("ike/gw"))
        .containsEntry("not_ike", 2L)
        .containsEntry("malformed", 1L);
    assertThat(new EngineCounters(store, "ike/other").drops()).isEmpty();
  }

  /** The gateway's endpoint, counting in {@code store} in scope {@code ike/gw}. */
  IkeSaManager countingIn(CounterStore store) {
    return new IkeSaManager(
        scheduler,
        link,
        GW,
        EngineSettings.defaults(),
        random,
        new EngineCounters(store, "ike/gw"));
  }

  /**
   * A gateway whose peers reach it through IP-IP tunnels, where two tunnels' parties may have the
   * same private address: {@code sent} collects what it sends, each datagram goes back through the
   * tunnel it names ({@link Datagram#via}).
   */
  final class Tunnelled {
    final List<Datagram> sent = new ArrayList<>();
    final Map<Ipv4Address, IkeSaManager> behind = new HashMap<>();
    final Map<Ipv4Address, List<Datagram>> requests = new HashMap<>();
    final IkeSaManager gw =
        new IkeSaManager(
            scheduler,
            d -> {
              sent.add(d);
              IkeSaManager to = behind.get(d.via());
              scheduler.schedule(1, TimeUnit.MILLISECONDS, () -> to.receive(withoutVia(d)));
            },
            GW,
            EngineSettings.defaults(),
            random);

    IkeSa connect(Ipv4Address tunnel, Endpoint party, Identity id, String psk) {
      List<Datagram> out = new ArrayList<>();
      requests.put(tunnel, out);
      IkeSaManager client =
          new IkeSaManager(
              scheduler,
              d -> {
                out.add(d);
                Datagram through = new Datagram(d.source(), d.destination(), d.payload(), tunnel);
                scheduler.schedule(1, TimeUnit.MILLISECONDS, () -> gw.receive(through));
              },
              party,
              EngineSettings.defaults(),
              random);
      behind.put(tunnel, client);
      IkeSa sa =
          new IkeEngine(
                  client, config(id, IkePair.GW_ID, psk), null, false, new IkeEngine.Listener() {})
              .initiate(GW);
      scheduler.runUntil(scheduler.nanoTime() + TimeUnit.SECONDS.toNanos(1));
      return sa;
    }
  }

  static Datagram withoutVia(Datagram d) {
    return new Datagram(d.source(), d.destination(), d.payload());
  }

  static final Ipv4Address TUNNEL_A = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address TUNNEL_B = Ipv4Address.parse("198.51.100.30");
  static final Endpoint PARTY = Endpoint.of("10.1.0.5", 500);

  @Test
  void oneAddressBehindTwoTunnelsIsTwoPeersOfOneManagerEachAnsweredThroughItsOwn() {
    Tunnelled t = new Tunnelled();
    gateway(t.gw, "anyone", null, null, "everybody's secret");

    IkeSa a = t.connect(TUNNEL_A, PARTY, ALICE_ID, "everybody's secret");
    IkeSa b = t.connect(TUNNEL_B, PARTY, BOB_ID, "everybody's secret");

    assertThat(a.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(b.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(t.gw.sas())
        .extracting(IkeSa::remoteId, IkeSa::via)
        .containsExactlyInAnyOrder(tuple(ALICE_ID, TUNNEL_A), tuple(BOB_ID, TUNNEL_B));
    assertThat(t.sent).extracting(Datagram::via).containsOnly(TUNNEL_A, TUNNEL_B);
  }

  @Test
  void aRequestNamingAnSaSetUpThroughAnotherTunnelIsDroppedUnanswered() {
    Tunnelled t = new Tunnelled();
    gateway(t.gw, "anyone", null, null, "everybody's secret");
    t.connect(TUNNEL_A, PARTY, ALICE_ID, "everybody's secret");
    Datagram auth = t.requests.get(TUNNEL_A).get(1); // IKE_AUTH, whose answer is kept for a resend
    int sent = t.sent.size();

    t.gw.receive(new Datagram(auth.source(), auth.destination(), auth.payload(), TUNNEL_B));
    assertThat(t.sent).hasSize(sent);
    assertThat(t.gw.counters().unknownSpi()).isEqualTo(1);

    // The same retransmission through its own tunnel is answered again.
    t.gw.receive(new Datagram(auth.source(), auth.destination(), auth.payload(), TUNNEL_A));
    assertThat(t.sent).hasSize(sent + 1);
    assertThat(t.sent.get(sent).via()).isEqualTo(TUNNEL_A);
  }
}
