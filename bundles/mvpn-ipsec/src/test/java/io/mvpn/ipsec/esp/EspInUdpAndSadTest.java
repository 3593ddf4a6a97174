package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.GATEWAY;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.KEY;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.innerDatagram;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class EspInUdpAndSadTest {

  @Test
  void espInUdpOnPort4500RoundTripsAndIsToldApartFromIkeAndKeepalives() throws Exception {
    EspSecurityAssociation out = EspSecurityAssociationTest.outbound(false);
    EspSecurityAssociation in = EspSecurityAssociationTest.inbound(false);
    ByteBuf inner = innerDatagram(200);
    ByteBuf datagram = out.encapsulateInUdp(ALLOC, Ipv4Packet.parse(inner), 64);
    UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(datagram));
    assertThat(udp.sourcePort()).isEqualTo(4500);
    assertThat(udp.destinationPort()).isEqualTo(4500);
    assertThat(udp.checksum()).as("RFC 3948 §2.1").isZero();
    assertThat(EspInUdp.classify(udp.payload())).isEqualTo(EspInUdp.Kind.ESP);
    assertThat(EspInUdp.spi(udp.payload())).isEqualTo(0x1001);
    ByteBuf payload = udp.payload();
    ByteBuf back = in.open(ALLOC, payload, payload.readerIndex(), payload.readableBytes());
    assertThat(ByteBufUtil.getBytes(back)).isEqualTo(ByteBufUtil.getBytes(inner));

    assertThat(EspInUdp.classify(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF})))
        .isEqualTo(EspInUdp.Kind.KEEPALIVE);
    assertThat(EspInUdp.classify(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 1, 2, 3, 4})))
        .isEqualTo(EspInUdp.Kind.IKE);
    assertThat(EspInUdp.classify(Unpooled.wrappedBuffer(new byte[] {1, 2})))
        .isEqualTo(EspInUdp.Kind.INVALID);
  }

  @Test
  void lookupPrefersTheExactSourceThenTheWildcard() {
    Ipv4Address oldCoa = Ipv4Address.parse("203.0.113.61");
    EspSecurityAssociation exact =
        new EspSecurityAssociation(0x2002, Direction.INBOUND, oldCoa, GATEWAY, KEY, false, 64);
    EspSecurityAssociation wildcard =
        new EspSecurityAssociation(0x2002, Direction.INBOUND, null, GATEWAY, KEY, false, 64);
    SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
    sad.add(wildcard);
    sad.add(exact);
    assertThat(sad.lookup(0x2002, GATEWAY.toInt(), oldCoa.toInt())).isSameAs(exact);
    // A mobile node that moved: its new care-of address still finds the wildcard SA.
    assertThat(sad.lookup(0x2002, GATEWAY.toInt(), Ipv4Address.parse("203.0.113.99").toInt()))
        .isSameAs(wildcard);
    assertThat(sad.lookup(0x2003, GATEWAY.toInt(), oldCoa.toInt())).isNull();
    sad.remove(wildcard);
    assertThat(sad.lookup(0x2002, GATEWAY.toInt(), Ipv4Address.parse("203.0.113.99").toInt()))
        .isNull();
  }
}
