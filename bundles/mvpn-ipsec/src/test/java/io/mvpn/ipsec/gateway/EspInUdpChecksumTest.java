package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspSaKeys.Algorithm;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.IkeDatagram;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.lab.Lab;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Port 4500 is handed to the gateway without the VRF summing the UDP checksum: ESP's ICV decides
 * for ESP, and what the ICV does not cover (IKE behind the marker, the source port a NAT chose) is
 * checked by the gateway where it matters. In virtual time.
 */
class EspInUdpChecksumTest {

  static final Ipv4Address GW = SecurityGatewayTunnelsTest.GW;
  static final Ipv4Address NODE = SecurityGatewayTunnelsTest.NODE;
  static final Ipv4Address HOME = SecurityGatewayTunnelsTest.HOME;
  static final Ipv4Address HOST = SecurityGatewayTunnelsTest.HOST;
  static final int SPI_IN = 0x3000;
  static final int SPI_OUT = 0x3001;

  /** Where the gateway sends the node's ESP in UDP: its NAT's mapping when IKE ran. */
  static final int MAPPED_PORT = 41_000;

  /** The mapping after the NAT restarted. */
  static final int NEW_MAPPED_PORT = 42_000;

  /** Offset of the UDP checksum in an outer datagram with a 20-byte IPv4 header. */
  static final int UDP_CHECKSUM = 20 + 6;

  Lab lab;
  SecurityGateway gateway;
  SecurityGatewayTunnels tunnels;
  EspSecurityAssociation nodeSends;
  final List<String> atHost = new ArrayList<>();

  @BeforeEach
  void build() {
    lab = SecurityGatewayTunnelsTest.gatewayLab(1500);
    gateway = SecurityGatewayTunnelsTest.startGateway(lab);
    tunnels = new SecurityGatewayTunnels("gw1", gateway, lab.vrf("gw", "outside"));
    lab.vrf("host", "main")
        .bindUdp(7000, (v, in, d) -> atHost.add(d.payload().toString(StandardCharsets.US_ASCII)));
    byte[] keymatIn = SecurityGatewayTunnelsTest.keymat(Algorithm.AES_GCM_16, SPI_IN);
    byte[] keymatOut = SecurityGatewayTunnelsTest.keymat(Algorithm.AES_GCM_16, SPI_OUT);
    nodeSends =
        SecurityGatewayTunnelsTest.nodeSa(
            Algorithm.AES_GCM_16, SPI_IN, Direction.OUTBOUND, NODE, GW, keymatIn, 0);
    tunnels.install(
        new EspTunnel(
            HOME,
            EspSaKeys.fromKeymat(SPI_IN, Algorithm.AES_GCM_16, keymatIn, true),
            EspSaKeys.fromKeymat(SPI_OUT, Algorithm.AES_GCM_16, keymatOut, true),
            NODE,
            MAPPED_PORT,
            EspTunnel.NAT_T_PORT,
            64,
            SaLifetime.UNLIMITED));
  }

  /** The node's datagram to the host in ESP in UDP from {@code port}, UDP checksum as given. */
  ByteBuf espInUdp(String text, int port, int checksum) throws Exception {
    nodeSends.setUdpPorts(port, EspTunnel.NAT_T_PORT);
    ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    ByteBuf inner =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT, HOME.toInt(), HOST.toInt(), 7001, 7000, payload, 64);
    ByteBuf outer =
        nodeSends.encapsulateInUdp(UnpooledByteBufAllocator.DEFAULT, Ipv4Packet.parse(inner), 64);
    inner.release();
    payload.release();
    outer.setShort(outer.readerIndex() + UDP_CHECKSUM, checksum);
    return outer;
  }

  void nodeSendsRaw(ByteBuf outer) {
    lab.vrf("mn", "main").send(outer);
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  long malformedAtTheGateway() {
    return lab.vrf("gw", "outside")
        .counters()
        .malformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM);
  }

  @Test
  void espInUdpWithAWrongUdpChecksumIsDeliveredForItsIcvVouchesForIt() throws Exception {
    nodeSendsRaw(espInUdp("checksum none", MAPPED_PORT, 0));
    nodeSendsRaw(espInUdp("checksum wrong", MAPPED_PORT, 0x1234));

    assertThat(atHost).containsExactly("checksum none", "checksum wrong");
    assertThat(gateway.counter(GatewayCounter.ESP_ACCEPTED)).isEqualTo(2);
    assertThat(malformedAtTheGateway()).isZero();
  }

  @Test
  void aTamperedEspInUdpDatagramIsStillRefusedByTheIcv() throws Exception {
    ByteBuf outer = espInUdp("tampered", MAPPED_PORT, 0);
    int last = outer.writerIndex() - 20; // inside the ciphertext
    outer.setByte(last, outer.getByte(last) ^ 0x01);
    nodeSendsRaw(outer);

    assertThat(atHost).isEmpty();
    assertThat(gateway.counter(GatewayCounter.ESP_REFUSED)).isEqualTo(1);
  }

  @Test
  void packetsInFlightTogetherFromANewNatPortMoveTheTunnelOnce() throws Exception {
    VirtualTimeScheduler owner = new VirtualTimeScheduler();
    gateway.spreadEspOver(
        new EspOwners(List.of(owner), lab.virtualTime(), UnpooledByteBufAllocator.DEFAULT, 64));
    for (int i = 0; i < 3; i++) {
      nodeSendsRaw(espInUdp("from the new port " + i, NEW_MAPPED_PORT, 0));
    }
    assertThat(owner.pendingTasks()).isEqualTo(1); // one burst: all with the owner, none opened
    assertThat(atHost).isEmpty();
    owner.runUntilIdle();
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(NEW_MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
    assertThat(atHost).hasSize(3);
  }

  @Test
  void aSourcePortWithAWrongUdpChecksumDoesNotMoveTheNatMappingButAVerifiedOneDoes()
      throws Exception {
    nodeSendsRaw(espInUdp("from a port a bit error made", NEW_MAPPED_PORT, 0x1234));
    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isZero();

    nodeSendsRaw(espInUdp("from the NAT's new port", NEW_MAPPED_PORT, 0));
    assertThat(gateway.tunnel(HOME).outbound().udpDestinationPort()).isEqualTo(NEW_MAPPED_PORT);
    assertThat(gateway.counter(GatewayCounter.NAT_PORT_MOVED)).isEqualTo(1);
    assertThat(atHost).containsExactly("from a port a bit error made", "from the NAT's new port");
  }

  @Test
  void ikeBehindTheMarkerWithAWrongUdpChecksumIsDroppedAsMalformed() {
    List<IkeDatagram> received = new ArrayList<>();
    tunnels.receiveNatTraversalIke(received::add);
    ByteBuf ike = Unpooled.wrappedBuffer(new byte[4], "an IKE message".getBytes());
    ByteBuf good =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT, NODE.toInt(), GW.toInt(), 4500, 4500, ike, 64);
    ByteBuf bad = good.copy();
    bad.setShort(UDP_CHECKSUM, bad.getUnsignedShort(UDP_CHECKSUM) ^ 0x0101);
    ike.release();
    nodeSendsRaw(bad);
    nodeSendsRaw(good);

    assertThat(received).hasSize(1);
    assertThat(malformedAtTheGateway()).isEqualTo(1);
    assertThat(
            lab.vrf("gw", "outside")
                .interfaces()
                .iterator()
                .next()
                .counters()
                .malformed(MalformedPacketException.Reason.BAD_UDP_CHECKSUM))
        .isEqualTo(1); // on the interface it came in on, too
  }

  @Test
  void aKeepaliveWithAWrongUdpChecksumIsDroppedAsMalformedNotCountedAsAKeepalive() {
    ByteBuf good =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            NODE.toInt(),
            GW.toInt(),
            MAPPED_PORT,
            4500,
            Unpooled.wrappedBuffer(new byte[] {(byte) 0xff}),
            64);
    ByteBuf bad = good.copy();
    bad.setShort(UDP_CHECKSUM, bad.getUnsignedShort(UDP_CHECKSUM) ^ 0x0101);
    nodeSendsRaw(bad);
    nodeSendsRaw(good);

    assertThat(gateway.counter(GatewayCounter.KEEPALIVES_RECEIVED)).isEqualTo(1);
    assertThat(malformedAtTheGateway()).isEqualTo(1);
  }

  @Test
  void espInUdpWithAnSpiABitErrorMadeIsMalformedNotAnUnknownSpi() throws Exception {
    ByteBuf outer = espInUdp("spi hit by a bit error", MAPPED_PORT, 0x1234);
    outer.setByte(20 + 8 + 3, outer.getByte(20 + 8 + 3) ^ 0x40); // the SPI's last byte
    nodeSendsRaw(outer);

    assertThat(gateway.counter(GatewayCounter.UNKNOWN_SPI)).isZero();
    assertThat(malformedAtTheGateway()).isEqualTo(1);
  }
}
