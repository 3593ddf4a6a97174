package io.mvpn.workgroup;

import static io.mvpn.workgroup.WorkgroupWorld.A5;
import static io.mvpn.workgroup.WorkgroupWorld.A6;
import static io.mvpn.workgroup.WorkgroupWorld.ACME;
import static io.mvpn.workgroup.WorkgroupWorld.FQDNS;
import static io.mvpn.workgroup.WorkgroupWorld.G5;
import static io.mvpn.workgroup.WorkgroupWorld.GATEWAYS;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX;
import static io.mvpn.workgroup.WorkgroupWorld.I9;
import static io.mvpn.workgroup.WorkgroupWorld.INITECH;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.workgroup.MemberId;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.Identity;
import io.mvpn.workgroup.keying.GatewayKeying;
import io.mvpn.workgroup.keying.PartyKeying;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workgroup scenario with its SAs keyed by IKEv2 (seed 002 c7-c12): each party runs IKE with
 * the target's gateway through its own gateway's IP-IP tunnel, certificates from the mobile service
 * manager's CA name each party's gateway, and the target's gateway installs the SA for the tunnel
 * source only if the certificate names it (c11).
 */
class WorkgroupIkeScenarioTest {

  KeyedWorkgroup keyed;
  WorkgroupWorld world;
  CertificateAuthority ca;
  Map<MvpnId, GatewayKeying> gatewayKeying;
  Map<MemberId, PartyKeying> partyKeying;

  @BeforeEach
  void build() {
    keyed = new KeyedWorkgroup();
    world = keyed.world;
    ca = keyed.ca;
    gatewayKeying = keyed.gatewayKeying;
    partyKeying = keyed.partyKeying;
  }

  @AfterEach
  void close() {
    keyed.close();
  }

  Credential memberCredential(CertificateAuthority issuer, MemberId m, Ipv4Address gateway) {
    return keyed.memberCredential(issuer, m, gateway);
  }

  PartyKeying party(MemberId m, Credential credential) {
    return keyed.party(m, credential);
  }

  void key(MemberId from, MemberId to) {
    keyed.key(from, to);
  }

  @Test
  void partiesKeyTheirOwnSasAndReachEachOtherBothWays() {
    key(A5, G5);
    key(G5, A5);
    key(I9, G5);

    assertThat(partyKeying.get(A5).sa(G5)).isPresent();
    assertThat(partyKeying.get(G5).sa(A5)).isPresent();
    assertThat(partyKeying.get(I9).sa(G5)).isPresent();
    // globex's gateway keyed one SA per initiating party, each under its own tunnel source.
    assertThat(gatewayKeying.get(GLOBEX).installed()).isEqualTo(2);
    assertThat(gatewayKeying.get(ACME).installed()).isEqualTo(1);
    assertThat(gatewayKeying.get(GLOBEX).refusals()).isEmpty();

    world.send(A5, G5, "hello from acme");
    world.send(G5, A5, "hello from globex");
    world.send(I9, G5, "hello from initech");

    assertThat(world.received.get("g5"))
        .containsExactly("10.1.0.5 hello from acme", "10.9.0.9 hello from initech");
    assertThat(world.received.get("a5")).containsExactly("10.1.0.5 hello from globex");
    assertThat(world.received.get("a6")).isEmpty();
    assertThat(world.count(GLOBEX, WorkgroupCounter.DELIVERED)).isEqualTo(2);
    assertThat(world.count(GLOBEX, WorkgroupCounter.KEY_EXCHANGE_IN))
        .isEqualTo(6); // IKE_SA_INIT and IKE_AUTH from alice and carol, acme's answers to bob
    assertThat(world.count(ACME, WorkgroupCounter.KEY_EXCHANGE_IN))
        .isEqualTo(4); // globex's answers to alice, bob's two requests
  }

  @Test
  void oneAddressInTwoRealmsKeysAsTwoPartiesWithTheGatewaysOneManager() {
    key(A5, I9); // acme's 10.1.0.5
    key(G5, I9); // globex's 10.1.0.5

    GatewayKeying initech = gatewayKeying.get(INITECH);
    assertThat(initech.installed()).isEqualTo(2);
    assertThat(initech.manager().sas()).hasSize(2);
    assertThat(initech.sas(GATEWAYS.get(ACME)))
        .extracting(sa -> sa.remoteId().toString())
        .containsExactly(Identity.fqdn(FQDNS.get(A5)).toString());
    assertThat(initech.sas(GATEWAYS.get(GLOBEX)))
        .extracting(sa -> sa.remoteId().toString())
        .containsExactly(Identity.fqdn(FQDNS.get(G5)).toString());
    world.send(A5, I9, "from acme");
    world.send(G5, I9, "from globex");
    assertThat(world.received.get("i9"))
        .containsExactly("10.1.0.5 from acme", "10.1.0.5 from globex");
    assertThat(world.gateways.get(INITECH).inboundSas())
        .extracting(s -> s.party())
        .containsExactlyInAnyOrder(A5, G5);
  }

  @Test
  void aCertificateNamingAnotherGatewayIsRefusedAndTheGatewayGoesOnServing() {
    // acme's 10.1.0.5 claims to be alice but presents bob's certificate.
    partyKeying.get(A5).close();
    Credential bobs = memberCredential(ca, G5, GATEWAYS.get(GLOBEX));
    partyKeying.put(A5, party(A5, bobs));
    key(A5, I9);

    GatewayKeying initech = gatewayKeying.get(INITECH);
    assertThat(partyKeying.get(A5).sa(I9)).isEmpty();
    assertThat(initech.installed()).isZero();
    assertThat(initech.refusals()).extracting(r -> r.reason()).containsExactly(Reason.ID_MISMATCH);

    // Bob's name with bob's certificate: they agree, but the certificate names globex's gateway
    // and the IKE came through acme's tunnel, so the SAN rule refuses it (c11).
    partyKeying.get(A5).close();
    partyKeying.put(
        A5,
        new PartyKeying(
            world.parties.get(A5), FQDNS.get(G5), world.hostVrf(A5), keyed.credentials(bobs, ca)));
    partyKeying.get(A5).start();
    key(A5, I9);
    assertThat(initech.refusals())
        .extracting(r -> r.reason())
        .containsExactly(Reason.ID_MISMATCH, Reason.TUNNEL_SOURCE_MISMATCH);

    // A certificate from a CA the gateway does not trust.
    CertificateAuthority stranger =
        CertificateAuthority.create(
            "stranger",
            KeyType.EC_P256,
            KeyedWorkgroup.T0,
            KeyedWorkgroup.YEAR,
            CertificateStore.inMemory(),
            keyed.random);
    partyKeying.get(A5).close();
    partyKeying.put(A5, party(A5, memberCredential(stranger, A5, GATEWAYS.get(ACME))));
    key(A5, I9);
    // acme's eve: a good certificate, but in no workgroup.
    key(A6, I9);
    assertThat(initech.refusals())
        .extracting(r -> r.reason())
        .containsExactly(
            Reason.ID_MISMATCH,
            Reason.TUNNEL_SOURCE_MISMATCH,
            Reason.UNTRUSTED_CHAIN,
            Reason.POLICY);
    assertThat(initech.installed()).isZero();
    assertThat(partyKeying.get(A6).sa(I9)).isEmpty();

    // The same engine then keys alice with her own certificate.
    partyKeying.get(A5).close();
    partyKeying.put(A5, party(A5, memberCredential(ca, A5, GATEWAYS.get(ACME))));
    key(A5, I9);
    assertThat(initech.installed()).isEqualTo(1);
    world.send(A5, I9, "hi carol");
    assertThat(world.received.get("i9")).containsExactly("10.1.0.5 hi carol");
  }

  @Test
  void whenIkeEndsTheSaTheGatewayForgetsIt() {
    key(A5, G5);
    world.send(A5, G5, "before");
    PartyKeying alice = partyKeying.get(A5);
    var sa = alice.sa(G5).orElseThrow();
    var outbound = sa.childSas().get(0).outbound();
    alice.delete(G5);
    world.run(1_000);
    assertThat(alice.sa(G5)).isEmpty();
    assertThat(gatewayKeying.get(GLOBEX).sas(GATEWAYS.get(ACME))).isEmpty();
    // The old keys, replayed by hand, find no SA at globex's gateway any more.
    world.parties.get(A5).addPeer(G5, outbound);
    world.send(A5, G5, "after");
    assertThat(world.received.get("g5")).containsExactly("10.1.0.5 before");
    assertThat(world.count(GLOBEX, WorkgroupCounter.UNKNOWN_SA)).isEqualTo(1);
  }
}
