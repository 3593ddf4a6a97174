package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.time.VirtualTimeScheduler;
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
}
