package io.mvpn.workgroup;

import static io.mvpn.workgroup.WorkgroupWorld.A5;
import static io.mvpn.workgroup.WorkgroupWorld.A6;
import static io.mvpn.workgroup.WorkgroupWorld.ACME;
import static io.mvpn.workgroup.WorkgroupWorld.ACME_GW;
import static io.mvpn.workgroup.WorkgroupWorld.FQDNS;
import static io.mvpn.workgroup.WorkgroupWorld.G5;
import static io.mvpn.workgroup.WorkgroupWorld.GATEWAYS;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX;
import static io.mvpn.workgroup.WorkgroupWorld.GLOBEX_GW;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.fabric.VrfIkePort;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthenticator.Reason;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.Credential;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalPolicy;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.workgroup.keying.GatewayKeying;
import io.mvpn.workgroup.keying.KeyingCredentials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an authenticated party or a host on the backbone must not get from workgroup keying: an SA
 * for another member's address behind the same gateway, or a way into a realm by forging a peer
 * gateway's IKE.
 */
class WorkgroupKeyingAttackTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final SecureRandom random = new SecureRandom();
  WorkgroupWorld world;
  CertificateAuthority ca;
  GatewayKeying globex;

  @BeforeEach
  void build() {
    world = new WorkgroupWorld();
    // eve (acme's 10.1.0.6) is in a workgroup of her own, with nobody from globex.
    world.directory.addWorkgroup("side");
    world.directory.join("side", A6);
    ca =
        CertificateAuthority.create(
            "mvpn msm",
            KeyType.EC_P256,
            T0,
            T0.plus(Duration.ofDays(3650)),
            CertificateStore.inMemory(),
            random);
    globex =
        new GatewayKeying(
            world.gateways.get(GLOBEX),
            world.directory,
            new KeyingCredentials(
                ca.issue(
                    Subject.gateway("gw-globex", GLOBEX_GW),
                    KeyType.EC_P256,
                    T0,
                    T0.plus(Duration.ofDays(365))),
                CertificateValidator.trusting(ca.certificate()),
                () -> T0.plus(Duration.ofDays(30)),
                random),
            List.of(
                TrafficSelector.ipv4(
                    Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255"))),
            world.lab.vrf("gw-globex", "outside").scheduler());
    globex.start();
  }

  /** Eve's own IKE engine, free to claim any local address (and so fake a NAT). */
  IkeEngine eve(Ipv4Address claimedLocal, List<ChildSa> created) {
    String fqdn = FQDNS.get(A6);
    Credential credential =
        ca.issue(
            new Subject(fqdn, List.of(GATEWAYS.get(ACME)), List.of(fqdn)),
            KeyType.EC_P256,
            T0,
            T0.plus(Duration.ofDays(365)));
    Vrf vrf = world.hostVrf(A6);
    Ipv4Address self = A6.privateAddress();
    IkeEngine engine =
        new IkeEngine(
            vrf.scheduler(),
            d -> {
              ByteBuf p = Unpooled.wrappedBuffer(d.payload());
              vrf.sendUdp(self, d.destination().address(), 500, 500, p);
              p.release();
            },
            new Endpoint(claimedLocal, 500),
            new PeerConfig(
                Identity.fqdn(fqdn),
                Identity.ipv4(GLOBEX_GW),
                new CertificateAuthenticator(
                    credential,
                    CertificateValidator.trusting(ca.certificate()),
                    () -> T0.plus(Duration.ofDays(30))),
                List.of(TrafficSelector.ipv4(self, self)),
                List.of(TrafficSelector.ipv4(G5.privateAddress(), G5.privateAddress())),
                ProposalPolicy.ikeDefault(),
                ProposalPolicy.espDefault(),
                false),
            EngineSettings.defaults(),
            random,
            new IkeEngine.Listener() {
              @Override
              public void childSaCreated(IkeSa sa, ChildSa child) {
                created.add(child);
              }
            });
    // Her answers come to her real address, whatever she claims.
    vrf.bindUdp(
        500,
        (v, in, udp) -> {
          if (udp.ip().destination() == self.toInt()) {
            engine.receive(VrfIkePort.datagram(udp, udp.payload()));
          }
        });
    return engine;
  }

  @Test
  void aFakedNatIsRefusedSoTheSaCannotFollowAnotherMembersAddress() {
    IkeEngine engine = eve(Ipv4Address.parse("10.1.0.66"), new ArrayList<>());
    world.lab.virtualTime().execute(() -> engine.initiate(new Endpoint(GLOBEX_GW, 500)));
    world.run(2_000);
    assertThat(globex.refusals()).extracting(r -> r.reason()).containsExactly(Reason.POLICY);
    assertThat(globex.installed()).isZero();
    assertThat(world.gateways.get(GLOBEX).inboundSas()).isEmpty();
  }

  @Test
  void anAdditionalChildSaForAnotherMembersAddressIsNotInstalled() {
    List<ChildSa> created = new ArrayList<>();
    IkeEngine engine = eve(A6.privateAddress(), created);
    IkeSa[] sa = new IkeSa[1];
    world.lab.virtualTime().execute(() -> sa[0] = engine.initiate(new Endpoint(GLOBEX_GW, 500)));
    world.run(2_000);
    assertThat(globex.installed()).isEqualTo(1); // her own address: installed (the filter decides)

    world
        .lab
        .virtualTime()
        .execute(
            () ->
                engine.createChildSa(
                    sa[0],
                    List.of(TrafficSelector.ipv4(A5.privateAddress(), A5.privateAddress())),
                    List.of(TrafficSelector.ipv4(G5.privateAddress(), G5.privateAddress())),
                    0));
    world.run(2_000);
    // Alice's address is not eve's to carry: not installed, and deleted again.
    assertThat(globex.installed()).isEqualTo(1);
    assertThat(globex.notAdmitted()).isEqualTo(1);
    assertThat(world.gateways.get(GLOBEX).inboundSas())
        .extracting(s -> s.party())
        .containsExactly(A6);
    if (!created.isEmpty()) {
      world.parties.get(A6).addPeer(G5, created.get(0).outbound());
      world.send(A6, G5, "eve as alice", A5.privateAddress());
    }
    assertThat(world.received.get("g5")).isEmpty();
  }

  @Test
  void aForgedPeerGatewayCannotReachTheRealm() {
    List<String> got = new ArrayList<>();
    world
        .hostVrf(A6)
        .bindUdp(500, (v, in, d) -> got.add(d.payload().toString(StandardCharsets.US_ASCII)));
    Vrf attacker = world.lab.vrf("attacker", "main");
    ByteBuf payload = Unpooled.copiedBuffer("anything at all", StandardCharsets.US_ASCII);
    ByteBuf udp =
        UdpDatagram.build(
            attacker.alloc(),
            GLOBEX_GW.toInt(),
            A6.privateAddress().toInt(),
            500,
            500,
            payload,
            64);
    payload.release();
    try {
      attacker.send(
          IpInIp.encapsulate(
              attacker.alloc(), GLOBEX_GW.toInt(), ACME_GW.toInt(), Ipv4Packet.parse(udp), 64, 1));
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      udp.release();
    }
    world.run(100);
    // No party of acme's is keying with globex's gateway: no pinhole, nothing comes in.
    assertThat(got).isEmpty();
    assertThat(world.count(ACME, WorkgroupCounter.NOT_ESP)).isEqualTo(1);
  }
}
