package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.SecurityPolicy.Action;
import io.mvpn.ipsec.esp.SecurityPolicy.Range;
import io.mvpn.ipsec.esp.SecurityPolicy.Selector;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class SecurityPolicyDatabaseTest {

  private static Ipv4Packet udp(String src, String dst, int sport, int dport) throws Exception {
    ByteBuf b =
        UdpDatagram.build(
            ALLOC,
            Ipv4Address.parse(src).toInt(),
            Ipv4Address.parse(dst).toInt(),
            sport,
            dport,
            Unpooled.wrappedBuffer(new byte[4]),
            64);
    return Ipv4Packet.parse(b);
  }

  /** Lets UDP whose local port is {@code port} pass in the clear, whatever the addresses. */
  static SecurityPolicy bypassUdpOnLocalPort(int port) {
    return new SecurityPolicy(
        new Selector(
            SecurityPolicy.ANY_ADDRESS,
            SecurityPolicy.ANY_ADDRESS,
            17,
            Range.port(port),
            SecurityPolicy.ANY_PORT),
        Action.BYPASS,
        null);
  }

  @Test
  void firstMatchWithRangesProtocolPortsAndAny() throws Exception {
    SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    SecurityPolicy bypassRegistration = bypassUdpOnLocalPort(434);
    SecurityPolicy protectRealm =
        new SecurityPolicy(
            new Selector(
                Range.of(Ipv4Address.parse("10.1.0.0"), Ipv4Address.parse("10.1.255.255")),
                SecurityPolicy.ANY_ADDRESS,
                SecurityPolicy.ANY_PROTOCOL,
                SecurityPolicy.ANY_PORT,
                SecurityPolicy.ANY_PORT),
            Action.PROTECT,
            EspSecurityAssociationTest.outbound(false));
    spd.add(bypassRegistration);
    spd.add(protectRealm);

    assertThat(spd.match(udp("10.1.0.5", "10.1.0.100", 434, 434), true))
        .isSameAs(bypassRegistration);
    assertThat(spd.match(udp("10.1.0.5", "10.1.0.100", 5000, 7), true)).isSameAs(protectRealm);
    assertThat(spd.match(udp("10.2.0.5", "10.1.0.100", 5000, 7), true)).isNull();
    // Inbound, local is the destination: a packet to 10.1.0.5 from anywhere is the realm's.
    assertThat(spd.match(udp("203.0.113.9", "10.1.0.5", 7, 5000), false)).isSameAs(protectRealm);
  }

  @Test
  void nonInitialFragmentsNeverMatchAPolicyWithPorts() throws Exception {
    SecurityPolicyDatabase spd = new SecurityPolicyDatabase();
    SecurityPolicy ports = bypassUdpOnLocalPort(7);
    spd.add(ports);
    Ipv4Packet whole = udp("10.1.0.5", "10.1.0.100", 7, 9);
    ByteBuf fragment = whole.buffer().copy();
    fragment.setShort(6, 0x0002); // offset 16 bytes
    fragment.setShort(10, 0);
    fragment.setShort(10, io.mvpn.packet.InternetChecksum.compute(fragment, 0, 20));
    assertThat(spd.match(whole, true)).isSameAs(ports);
    assertThat(spd.match(Ipv4Packet.parse(fragment), true)).isNull();
  }
}
