package io.mvpn.mobilenode;

import io.mvpn.api.Ipv4Address;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import io.mvpn.ike.fabric.HomeAgentInnerIpsec;
import io.mvpn.ike.fabric.MobileNodeInnerIpsec;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.Identity;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.PskAuthenticator;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity.Mode;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Seed 002 claim 24 in virtual time: acme's node with a co-located care-of address registers with
 * its home agent, then keys an ESP tunnel to it by IKEv2 from its home address, inside the Mobile
 * IP tunnel; the home agent decrypts into acme's VRF and encrypts what acme's host sends back. The
 * node has two co-located attachments to move between. Real crypto throughout: pre-shared key IKE,
 * AES-GCM ESP.
 */
final class IpsecInsideTunnelScenario implements AutoCloseable {

  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address COA1 = Ipv4Address.parse("203.0.113.61");
  static final Ipv4Address COA2 = Ipv4Address.parse("203.0.113.62");
  static final Ipv4Address HOME = MobilityLab.MN_HOME;
  static final Ipv4Address HOST = MobilityLab.HOST;
  static final int NODE_PORT = 5000;
  static final int HOST_PORT = 7000;
  static final Identity NODE_ID = Identity.fqdn("mn.acme.example");

  static final Ipv4Address FA1 = Ipv4Address.parse("203.0.113.11");
  static final Ipv4Address FA2 = Ipv4Address.parse("203.0.113.12");

  final MobilityLab lab;

  /** The two attachments the node moves between: two co-located care-of addresses or two cells. */
  final String first;

  final String second;
  final MobileNode node;
  final HomeAgentInnerIpsec homeAgentIpsec;
  final MobileNodeInnerIpsec nodeIpsec;

  /** What ESP brought the node: UDP payloads as text, ICMP as "echo reply N". */
  final List<String> atNode = new ArrayList<>();

  /** What acme's host got on its UDP port, as text. */
  final List<String> atHost = new ArrayList<>();

  /** With two co-located care-of addresses, COA1 and COA2 (claim 24 as it is written). */
  IpsecInsideTunnelScenario(Mode mode) {
    this(mode, false, NODE_ID);
  }

  /**
   * @param foreignAgents with two cells of foreign agents at FA1 and FA2 instead, which reverse
   *     tunnel the node's datagrams (RFC 3024)
   * @param nodeId the identity the node authenticates with; the home agent gives only {@link
   *     #NODE_ID} the home address
   */
  IpsecInsideTunnelScenario(Mode mode, boolean foreignAgents, Identity nodeId) {
    this(mode, foreignAgents, nodeId, false);
  }

  /**
   * @param udpTunnel the co-located node tunnels in UDP (RFC 3519) rather than IP in IP
   */
  IpsecInsideTunnelScenario(Mode mode, boolean foreignAgents, Identity nodeId, boolean udpTunnel) {
    first = foreignAgents ? "cell1" : "colo1";
    second = foreignAgents ? "cell2" : "colo2";
    MobilityLab.Builder b = MobilityLab.acme(24, HA, RoamingScenarioTest.ACME_KEY);
    if (foreignAgents) {
      b.foreignAgent("fa1", "cell1", foreignAgent(FA1))
          .foreignAgent("fa2", "cell2", foreignAgent(FA2))
          .mobileNode("mn")
          .foreign("cell1")
          .foreign("cell2");
    } else {
      b.mobileNode("mn").colocated("colo1", COA1 + "/24").colocated("colo2", COA2 + "/24");
    }
    lab = b.build();
    node = RoamingScenarioTest.acmeNode(HA, lab.time());
    SecureRandom random = new SecureRandom();
    byte[] psk = "acme inner tunnel key, 32 octets".getBytes(StandardCharsets.US_ASCII);
    List<TrafficSelector> acme = List.of(TrafficSelector.ipv4(MobilityLab.REALM));
    List<TrafficSelector> home = List.of(TrafficSelector.ipv4(HOME, HOME));
    homeAgentIpsec =
        new HomeAgentInnerIpsec(
            lab.homeAgent("acme").tunnelInterface(),
            mode,
            PeerConfig.of(Identity.ipv4(HA), null, new PskAuthenticator(psk), acme, acme),
            EngineSettings.defaults(),
            random,
            id -> id.equals(NODE_ID) ? HOME : null);
    homeAgentIpsec.start();
    lab.homeAgent("acme").protectInnerWith(homeAgentIpsec);

    for (String a : List.of(first, second)) {
      if (foreignAgents) {
        node.addForeign(a, lab.vrf("mn", a), lab.iface("mn", a));
      } else {
        node.addColocated(a, lab.vrf("mn", a), lab.iface("mn", a), udpTunnel);
      }
    }
    nodeIpsec =
        new MobileNodeInnerIpsec(
            HOME,
            HA,
            PeerConfig.of(nodeId, Identity.ipv4(HA), new PskAuthenticator(psk), home, acme),
            lab.time(),
            EngineSettings.defaults(),
            random,
            this::sendFromHome,
            this::fromEsp);
    nodeIpsec.addAttachment(lab.vrf("mn", first));
    nodeIpsec.addAttachment(lab.vrf("mn", second));
    host().bindUdp(HOST_PORT, (v, in, udp) -> atHost.add(text(udp.payload())));
  }

  /** Registers at the first attachment, then keys the inner tunnel. */
  IpsecInsideTunnelScenario registerAndKey() {
    register();
    nodeIpsec.establish();
    lab.advance(3, TimeUnit.SECONDS);
    return this;
  }

  /** Registers at the first attachment, without IPsec yet. */
  IpsecInsideTunnelScenario register() {
    node.moveTo(first);
    lab.advance(3, TimeUnit.SECONDS);
    return this;
  }

  /** Moves to the second attachment and lets it register. */
  void move() {
    node.moveTo(second);
    lab.advance(3, TimeUnit.SECONDS);
  }

  /**
   * Sends a datagram from the home address as the node's traffic goes: with a co-located care-of
   * address into the Mobile IP tunnel, as the node's route to its home agent leads around it
   * (registrations go straight); in a cell, to the foreign agent, which reverse tunnels it.
   */
  boolean sendFromHome(ByteBuf datagram) {
    MobileNode.Attachment a = node.active();
    if (a.mode() == MobileNode.Mode.COLOCATED) {
      Interface tunnel = a.vrf().getInterface(a.name() + "-tunnel");
      return a.vrf().send(datagram, tunnel, 0);
    }
    return a.vrf().send(datagram);
  }

  private static ForeignAgent.Config foreignAgent(Ipv4Address address) {
    return new ForeignAgent.Config(
        address, 600, TimeUnit.SECONDS.toNanos(1), 5, Map.of(), Map.of());
  }

  Vrf host() {
    return lab.vrf("acme-host", "main");
  }

  /** The node sends {@code text} to acme's host, in ESP. */
  void sendUp(String text) {
    nodeIpsec.send(udp(HOME, HOST, NODE_PORT, HOST_PORT, text));
    lab.advance(200, TimeUnit.MILLISECONDS);
  }

  /**
   * Acme's host sends {@code text} to the node's home address, plainly: the home agent seals it.
   */
  void sendDown(String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    host().sendUdp(HOST, HOME, HOST_PORT, NODE_PORT, payload);
    payload.release();
    lab.advance(200, TimeUnit.MILLISECONDS);
  }

  /** The node pings acme's host in ESP; the reply comes back in ESP. */
  void ping(int sequence) {
    ByteBuf echo =
        IcmpBuilder.echoRequest(
            ByteBufAllocator.DEFAULT,
            HOME.toInt(),
            HOST.toInt(),
            24,
            sequence,
            Unpooled.wrappedBuffer(new byte[32]),
            64);
    nodeIpsec.send(echo);
    lab.advance(200, TimeUnit.MILLISECONDS);
  }

  /** The node sends {@code text} to acme's host outside ESP, as a node without IPsec would. */
  void sendUpPlainly(String text) {
    sendFromHome(udp(HOME, HOST, NODE_PORT, HOST_PORT, text));
    lab.advance(200, TimeUnit.MILLISECONDS);
  }

  static ByteBuf udp(Ipv4Address from, Ipv4Address to, int sourcePort, int port, String text) {
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    ByteBuf datagram =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT, from.toInt(), to.toInt(), sourcePort, port, payload, 64);
    payload.release();
    return datagram;
  }

  private void fromEsp(Ipv4Packet inner) {
    try {
      if (inner.protocol() == IpProtocol.UDP) {
        atNode.add(text(UdpDatagram.parse(inner).payload()));
      } else if (inner.protocol() == IpProtocol.ICMP) {
        IcmpMessage icmp = IcmpMessage.parse(inner);
        if (icmp.type() == IcmpType.ECHO_REPLY) {
          atNode.add("echo reply " + icmp.sequence());
        }
      }
    } catch (MalformedPacketException e) {
      throw new AssertionError("the home agent sealed a malformed datagram", e);
    }
  }

  private static String text(ByteBuf payload) {
    return payload.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    lab.close();
  }
}
