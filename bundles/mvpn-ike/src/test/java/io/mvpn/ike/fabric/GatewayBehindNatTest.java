package io.mvpn.ike.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.ChildSaEvent;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.pki.CertificateAuthenticator;
import io.mvpn.ike.pki.CertificateAuthority;
import io.mvpn.ike.pki.CertificateAuthority.Subject;
import io.mvpn.ike.pki.CertificateStore;
import io.mvpn.ike.pki.CertificateValidator;
import io.mvpn.ike.pki.KeyType;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.ProposalSyntax;
import io.mvpn.ipsec.esp.EspException;
import io.mvpn.ipsec.esp.EspInUdp;
import io.mvpn.ipsec.esp.EspSuite;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.ipsec.gateway.SecurityGatewayTunnels;
import io.mvpn.lab.Lab;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.siu.SecurityInformationUpdate;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A road-warrior node behind a NAPT keys its tunnel with the security gateway's IKE responder on
 * the fabric, in virtual time: IKE finds the NAT and moves to 4500, which the gateway shares with
 * ESP in UDP; the tunnel is installed with the port the NAT mapped the node's 4500 to, traffic
 * flows both ways, and when the NAT forgets the mapping and makes another, the gateway's replies
 * follow the node's authenticated ESP to the new port.
 */
class GatewayBehindNatTest {

  static final Ipv4Address GW = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address NAT = Ipv4Address.parse("203.0.113.70");
  static final Ipv4Address NODE = Ipv4Address.parse("10.200.0.2");

  /** The node's home address, off the LAN: the gateway routes it into the tunnel. */
  static final Ipv4Address HOME = Ipv4Address.parse("10.250.0.5");

  /** The host on the gateway's LAN, where the lab puts it. */
  static final Ipv4Address HOST = MobilityLab.HOST;

  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  Lab lab;
  SecurityGateway gateway;
  SecurityGatewayIke gatewayIke;
  final List<ChildSaEvent> childSaEvents = new ArrayList<>();
  PeerConfig nodeConfig; // the mvpn initiator's defaults
  IkeEngine node;
  VrfIkePort nodePort;
  final List<IkeSa> nodeEstablished = new ArrayList<>();
  final List<String> atNode = new ArrayList<>();
  final List<String> atHost = new ArrayList<>();

  @BeforeEach
  void build() {
    // The node's NAT runs the appliance's NAPT engine and gateway, with one realm inside.
    lab =
        MobilityLab.builder(2026)
            .securityGateway("gw", GW + "/24", "lan", "host")
            .nat("nat", NAT.toString(), "home", "1ms")
            .mobileNode("mn")
            .visited("main", "home", NODE + "/24", "10.200.0.1")
            .internetHost("attacker", "203.0.113.66/24")
            .build()
            .lab();

    SecureRandom random = new SecureRandom();
    CertificateAuthority ca =
        CertificateAuthority.create(
            "mvpn ca",
            KeyType.EC_P256,
            NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(365)),
            CertificateStore.inMemory(),
            random);
    CertificateValidator trust = CertificateValidator.trusting(ca.certificate());
    Instant until = NOW.plus(Duration.ofDays(30));

    Vrf outside = lab.vrf("gw", "outside");
    gateway =
        new SecurityGateway(
            new SecurityGateway.Config(GW, SecurityInformationUpdate.DEFAULT_PORT, Map.of(), 7),
            outside,
            lab.vrf("gw", "inside"),
            0);
    gateway.start();
    gatewayIke =
        new SecurityGatewayIke(
            new SecurityGatewayTunnels("sgw", gateway, outside),
            outside,
            PeerConfig.of(
                Identity.ipv4(GW),
                null,
                new CertificateAuthenticator(
                    ca.issue(Subject.gateway("sgw", GW), KeyType.EC_P256, NOW, until),
                    trust,
                    () -> NOW),
                List.of(range("10.1.0.0", "10.1.255.255")),
                List.of(range("0.0.0.0", "255.255.255.255"))),
            EngineSettings.defaults(),
            random,
            id -> id.equals(Identity.fqdn("rw.acme.example")) ? HOME : null);
    gatewayIke.installer().setListener(childSaEvents::add);
    gatewayIke.start();

    Vrf mn = lab.vrf("mn", "main");
    nodePort = new VrfIkePort(mn, NODE, EngineSettings.defaults(), random);
    nodeConfig =
        PeerConfig.of(
            Identity.fqdn("rw.acme.example"),
            Identity.ipv4(GW),
            new CertificateAuthenticator(
                ca.issue(Subject.node("rw.acme.example"), KeyType.EC_P256, NOW, until),
                trust,
                () -> NOW),
            List.of(TrafficSelector.ipv4(HOME, HOME)),
            List.of(range("10.1.0.0", "10.1.255.255")));
    nodePort.start();
    // The node's port 4500: IKE behind its marker to the engine, ESP to the Child SA.
    mn.bindUdp(EspInUdp.PORT, (v, in, d) -> nodeReceives(d));

    lab.vrf("host", "main")
        .bindUdp(
            7000,
            (v, in, d) ->
                atHost.add(
                    Ipv4Address.of(d.ip().source())
                        + " "
                        + d.payload().toString(StandardCharsets.US_ASCII)));
  }

  /** The node, on {@code config}, keys its tunnel with the gateway. */
  void connect(PeerConfig config) {
    node =
        new IkeEngine(
            nodePort.manager(),
            config,
            null,
            false,
            IkeEngine.Listener.of(nodeEstablished::add, sa -> {}));
    lab.virtualTime().execute(() -> node.initiate(new Endpoint(GW, Endpoint.IKE_PORT)));
    run(1_000);
  }

  static TrafficSelector range(String start, String end) {
    return TrafficSelector.ipv4(Ipv4Address.parse(start), Ipv4Address.parse(end));
  }

  private void nodeReceives(UdpDatagram d) {
    ByteBuf payload = d.payload();
    if (EspInUdp.classify(payload) == EspInUdp.Kind.IKE) {
      nodePort.receiveNatT(d);
      return;
    }
    int spi = payload.getInt(payload.readerIndex());
    ChildSa child =
        nodeEstablished.get(0).childSas().stream()
            .filter(c -> c.inbound().spi() == spi)
            .findFirst()
            .orElse(null);
    if (child == null) {
      atNode.add("unknown SPI");
      return;
    }
    try {
      ByteBuf inner =
          child
              .inbound()
              .open(
                  lab.vrf("mn", "main").alloc(),
                  payload,
                  payload.readerIndex(),
                  payload.readableBytes());
      UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(inner));
      atNode.add(
          Ipv4Address.of(udp.ip().source())
              + " "
              + udp.payload().toString(StandardCharsets.US_ASCII));
      inner.release();
    } catch (EspException | MalformedPacketException e) {
      atNode.add("refused: " + e.getMessage());
    }
  }

  void run(long millis) {
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + millis * 1_000_000L);
  }

  /** The node sends one datagram from its home address to the host through its Child SA. */
  void nodeSends(String text) throws Exception {
    Vrf mn = lab.vrf("mn", "main");
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    ByteBuf inner =
        UdpDatagram.build(mn.alloc(), HOME.toInt(), HOST.toInt(), 7000, 7000, payload, 64);
    payload.release();
    List<ChildSa> children = nodeEstablished.get(0).childSas();
    ChildSa child = children.get(children.size() - 1);
    ByteBuf esp = child.outbound().encapsulateInUdp(mn.alloc(), Ipv4Packet.parse(inner), 64);
    lastEsp = UdpDatagram.parse(Ipv4Packet.parse(esp)).payload().copy();
    mn.send(esp);
    inner.release();
    run(100);
  }

  /** The ESP of the node's last datagram, as it left the node. */
  ByteBuf lastEsp;

  /** A host on the Internet sends {@code esp} as if from the node's NAT, from another port. */
  void attackerSends(ByteBuf esp, int sourcePort) {
    Vrf attacker = lab.vrf("attacker", "main");
    attacker.send(
        UdpDatagram.build(
            attacker.alloc(), NAT.toInt(), GW.toInt(), sourcePort, EspInUdp.PORT, esp, 64));
    run(100);
  }

  void hostSends(String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    lab.vrf("host", "main").sendUdp(HOST, HOME, 7000, 7001, payload);
    payload.release();
    run(100);
  }

  @Test
  void aNodeBehindANatKeysItsTunnelOn4500AndTheGatewayFollowsItsMapping() throws Exception {
    connect(nodeConfig);

    assertThat(nodeEstablished).hasSize(1);
    IkeSa sa = nodeEstablished.get(0);
    assertThat(sa.localBehindNat()).isTrue();
    MobileTunnel tunnel = gateway.tunnel(HOME);
    assertThat(tunnel).isNotNull();
    assertThat(tunnel.udpEncapsulated()).isTrue();
    assertThat(tunnel.careOfAddress()).isEqualTo(NAT);
    int mapped = tunnel.outbound().udpDestinationPort();
    assertThat(mapped).isNotEqualTo(EspInUdp.PORT); // what the NAT made of the node's 4500
    assertThat(tunnel.outbound().spi()).isEqualTo(sa.childSas().get(0).inbound().spi());

    nodeSends("up");
    hostSends("down");
    assertThat(atHost).containsExactly("10.250.0.5 up");
    assertThat(atNode).containsExactly("10.1.0.100 down");

    // The NAT forgets the idle mapping; the node's next ESP gets another port, and only after
    // it authenticates do the gateway's replies go there.
    run(TimeUnit.SECONDS.toMillis(150));
    nodeSends("up again");
    hostSends("down again");
    assertThat(tunnel.outbound().udpDestinationPort()).isNotEqualTo(mapped);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
    assertThat(atHost).containsExactly("10.250.0.5 up", "10.250.0.5 up again");
    assertThat(atNode).containsExactly("10.1.0.100 down", "10.1.0.100 down again");
    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isZero();
  }

  /**
   * The gateway on its default policy takes what the built-in clients propose by default: Windows'
   * AES-CBC-256 with HMAC-SHA2-256 over MODP-2048, Apple's AES-256-GCM over ECP-256; the tunnel
   * runs the suite negotiated.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Windows, aes256-sha256-modp2048, aes256-sha256-noesn, AES_CBC_HMAC_SHA2_256_128, aes256-sha256",
    "Apple, aes256gcm16-prfsha256-ecp256, aes256gcm16-noesn, AES_GCM_16, aes256gcm16"
  })
  void aBuiltInClientsDefaultProposalGetsATunnelOfItsSuite(
      String client, String ike, String esp, EspSaKeys.Algorithm suite, String suiteName)
      throws Exception {
    connect(
        nodeConfig.withProposals(
            ProposalSyntax.parse(Proposal.IKE, ike), ProposalSyntax.parse(Proposal.ESP, esp)));

    assertThat(nodeEstablished).as(client).hasSize(1);
    ChildSa child = nodeEstablished.get(0).childSas().get(0);
    MobileTunnel tunnel = gateway.tunnel(HOME);
    assertThat(EspSuite.algorithm(tunnel.inbound())).isEqualTo(suite);
    assertThat(EspSuite.name(tunnel.outbound())).isEqualTo(suiteName);
    // The gateway's SAs are the node's, mirrored: same keys and suite each way.
    assertThat(EspSuite.keys(tunnel.inbound())).isEqualTo(EspSuite.keys(child.outbound()));
    assertThat(EspSuite.keys(tunnel.outbound())).isEqualTo(EspSuite.keys(child.inbound()));
    nodeSends("up");
    hostSends("down");
    assertThat(atHost).containsExactly("10.250.0.5 up");
    assertThat(atNode).containsExactly("10.1.0.100 down");
  }

  @Test
  void replayedOrForgedEspFromAnotherPortMovesNothing() throws Exception {
    connect(nodeConfig);
    nodeSends("up");
    MobileTunnel tunnel = gateway.tunnel(HOME);
    int mapped = tunnel.outbound().udpDestinationPort();

    attackerSends(lastEsp, 55_555); // a replay
    ByteBuf forged = lastEsp.copy();
    forged.setByte(forged.writerIndex() - 1, forged.getByte(forged.writerIndex() - 1) ^ 1);
    attackerSends(forged, 55_556); // a forgery
    forged.release();

    assertThat(gateway.counter(GatewayCounter.ESP_REFUSED)).isEqualTo(2);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isZero();
    assertThat(tunnel.outbound().udpDestinationPort()).isEqualTo(mapped);
    hostSends("still here");
    assertThat(atNode).containsExactly("10.1.0.100 still here");
  }

  @Test
  void aChildSaRekeyKeepsThePortTheTunnelFollowedAndTheOldKeysUntilDeleted() throws Exception {
    connect(nodeConfig);
    IkeSa sa = nodeEstablished.get(0);
    nodeSends("up");
    int mapped = gateway.tunnel(HOME).outbound().udpDestinationPort();
    run(TimeUnit.SECONDS.toMillis(150)); // the NAT forgets; the next ESP comes from a new port
    nodeSends("up again");
    int moved = gateway.tunnel(HOME).outbound().udpDestinationPort();
    assertThat(moved).isNotEqualTo(mapped);

    ChildSa old = sa.childSas().get(0);
    lab.virtualTime().execute(() -> node.rekeyChildSa(sa, old, 0));
    run(1_000);
    ChildSa renewed = sa.childSas().get(sa.childSas().size() - 1);
    assertThat(renewed).isNotSameAs(old);
    MobileTunnel tunnel = gateway.tunnel(HOME);
    assertThat(tunnel.outbound().spi()).isEqualTo(renewed.inbound().spi());
    // Where the tunnel sends now, not where IKE made the new SA for.
    assertThat(tunnel.outbound().udpDestinationPort()).isEqualTo(moved);
    nodeSends("after the re-key");
    hostSends("down after the re-key");
    assertThat(atHost).endsWith("10.250.0.5 after the re-key");
    assertThat(atNode).containsExactly("10.1.0.100 down after the re-key");
    // Who follows keying saw it, by the gateway's SPIs, without a look at the engine.
    assertThat(childSaEvents)
        .extracting(ChildSaEvent::type, ChildSaEvent::inboundSpi)
        .containsExactly(
            tuple(ChildSaEvent.Type.CREATED, old.outbound().spi()),
            tuple(ChildSaEvent.Type.REKEYED, renewed.outbound().spi()),
            tuple(ChildSaEvent.Type.DELETED, old.outbound().spi()));
    assertThat(childSaEvents).allMatch(e -> e.gateway().equals("sgw") && e.peer().equals(NAT));
  }
}
