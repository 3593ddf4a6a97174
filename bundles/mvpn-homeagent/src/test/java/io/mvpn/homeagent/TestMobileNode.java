package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Vrf;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.RegistrationReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare co-located mobile node for home agent tests: builds requests by hand (so tests can break
 * them), decapsulates what the home agent tunnels to it, reverse-tunnels pings.
 */
final class TestMobileNode {

  final Vrf vrf;
  final Ipv4Address careOf;
  final Ipv4Address homeAgent;
  final MobilitySecurityAssociation sa;
  final List<RegistrationReply> replies = new ArrayList<>();
  final List<String> received = new ArrayList<>();
  private long counter;

  TestMobileNode(
      Vrf vrf, Ipv4Address careOf, Ipv4Address homeAgent, MobilitySecurityAssociation sa) {
    this.vrf = vrf;
    this.careOf = careOf;
    this.homeAgent = homeAgent;
    this.sa = sa;
    collectReplies(vrf, replies);
    vrf.registerProtocol(
        IpProtocol.IPIP,
        (v, in, outer) -> {
          try {
            Ipv4Packet inner = IpInIp.decapsulate(outer);
            String what =
                inner.protocol() == IpProtocol.ICMP
                    ? "icmp" + IcmpMessage.parse(inner).type()
                    : "proto" + inner.protocol();
            received.add(
                outer.sourceAddress()
                    + ">"
                    + outer.destinationAddress()
                    + " ["
                    + inner.sourceAddress()
                    + ">"
                    + inner.destinationAddress()
                    + " "
                    + what
                    + "]");
          } catch (MalformedPacketException e) {
            throw new AssertionError(e);
          }
        });
  }

  /** Parses every registration reply that reaches {@code vrf}'s port 434 into {@code replies}. */
  static void collectReplies(Vrf vrf, List<RegistrationReply> replies) {
    vrf.bindUdp(
        MipConstants.PORT,
        (v, in, udp) -> {
          try {
            // Keep a copy: the reply's buffer is valid only during the call.
            replies.add(RegistrationReply.parse(Unpooled.copiedBuffer(udp.payload())));
          } catch (MalformedPacketException e) {
            throw new AssertionError(e);
          }
        });
  }

  /** A fresh timestamp identification: NTP seconds of virtual time, then a counter. */
  long identification() {
    long seconds =
        vrf.scheduler().nanoTime() / 1_000_000_000L + MipConstants.NTP_UNIX_OFFSET_SECONDS;
    return (seconds << 32) | ++counter;
  }

  RegistrationBuilder request(int lifetime, long id) {
    return request(lifetime, id, homeAgent);
  }

  private RegistrationBuilder request(int lifetime, long id, Ipv4Address homeAgentField) {
    return RegistrationBuilder.request(
        vrf.alloc(),
        MipConstants.FLAG_DECAPSULATION_BY_MN | MipConstants.FLAG_REVERSE_TUNNEL,
        lifetime,
        TwoTenants.MN_HOME.toInt(),
        homeAgentField.toInt(),
        careOf.toInt(),
        id);
  }

  void send(ByteBuf payload) {
    sendTo(homeAgent, payload);
  }

  private void sendTo(Ipv4Address destination, ByteBuf payload) {
    try {
      vrf.sendUdp(careOf, destination, MipConstants.PORT, MipConstants.PORT, payload);
    } finally {
      payload.release();
    }
  }

  /**
   * A request for 300 s signed with this node's key that names {@code homeAgentField} as the home
   * agent, sent to {@code destination}: how tests claim another node or the wrong agent.
   */
  void sendSignedRequest(Ipv4Address destination, Ipv4Address homeAgentField) {
    sendTo(
        destination,
        request(300, identification(), homeAgentField)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, sa)
            .build());
  }

  void register(int lifetime) {
    send(request(lifetime, identification()).authenticate(MipConstants.EXT_MN_HA_AUTH, sa).build());
  }

  /** Pings the home host from the home address, reverse-tunnelled to the home agent. */
  void pingHomeHost(int sequence) throws MalformedPacketException {
    ByteBuf echo =
        IcmpBuilder.echoRequest(
            vrf.alloc(),
            TwoTenants.MN_HOME.toInt(),
            io.mvpn.homeagent.lab.MobilityLab.HOST.toInt(),
            77,
            sequence,
            Unpooled.EMPTY_BUFFER,
            64);
    try {
      vrf.send(
          IpInIp.encapsulate(
              vrf.alloc(),
              careOf.toInt(),
              homeAgent.toInt(),
              Ipv4Packet.parse(echo),
              64,
              sequence));
    } finally {
      echo.release();
    }
  }

  RegistrationReply lastReply() {
    return replies.get(replies.size() - 1);
  }

  static int echoReply() {
    return IcmpType.ECHO_REPLY;
  }
}
