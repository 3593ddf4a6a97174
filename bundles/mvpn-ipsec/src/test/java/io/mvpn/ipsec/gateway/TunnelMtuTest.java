package io.mvpn.ipsec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaKeys;
import io.mvpn.api.ipsec.EspTunnel;
import io.mvpn.api.ipsec.SaLifetime;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.lab.Lab;
import io.mvpn.net.RecordingAllocator;
import io.mvpn.net.Vrf;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose outside link is a 1400-byte TUN, as a carrier's appliance runs it: what the site
 * sends a node must fit that link once in ESP in UDP, and a sender of more learns what fits.
 */
class TunnelMtuTest {

  static final Ipv4Address GW = SecurityGatewayTunnelsTest.GW;
  static final Ipv4Address NODE = SecurityGatewayTunnelsTest.NODE;
  static final Ipv4Address HOME = SecurityGatewayTunnelsTest.HOME;
  static final Ipv4Address HOST = SecurityGatewayTunnelsTest.HOST;
  static final int LINK_MTU = 1400;
  static final int IN_SPI = 0x2000;
  static final int OUT_SPI = 0x2001;

  Lab lab;
  SecurityGateway gateway;
  EspSecurityAssociation nodeInbound;
  final List<Integer> atNode = new ArrayList<>();
  final List<ByteBuf> innerAtNode = new ArrayList<>();

  /** The ICMP errors the host got, as "type/code mtu" (read while the buffer is live). */
  final List<String> atHost = new ArrayList<>();

  @BeforeEach
  void build() {
    lab = SecurityGatewayTunnelsTest.gatewayLab(LINK_MTU);
    Vrf outside = lab.vrf("gw", "outside");
    gateway = SecurityGatewayTunnelsTest.startGateway(lab);
    EspSaKeys in = EspSaKeys.aesGcm(IN_SPI, material(1), true);
    EspSaKeys out = EspSaKeys.aesGcm(OUT_SPI, material(2), true);
    new SecurityGatewayTunnels("gw1", gateway, outside)
        .install(new EspTunnel(HOME, in, out, NODE, 4500, 4500, 64, SaLifetime.UNLIMITED));
    nodeInbound =
        new EspSecurityAssociation(OUT_SPI, Direction.INBOUND, GW, NODE, material(2), true, 64);
    lab.vrf("mn", "main")
        .bindUdp(
            4500,
            (v, i, d) -> {
              try {
                ByteBuf payload = d.payload();
                ByteBuf inner =
                    nodeInbound.open(
                        UnpooledByteBufAllocator.DEFAULT,
                        payload,
                        payload.readerIndex(),
                        payload.readableBytes());
                atNode.add(Ipv4Packet.parse(inner).totalLength());
                innerAtNode.add(inner);
              } catch (Exception e) {
                atNode.add(-1);
              }
            });
    lab.vrf("host", "main")
        .registerIcmp(
            IcmpType.DESTINATION_UNREACHABLE,
            (v, i, ip) -> {
              try {
                IcmpMessage icmp = IcmpMessage.parse(ip);
                atHost.add(icmp.type() + "/" + icmp.code() + " " + icmp.nextHopMtu());
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
  }

  @AfterEach
  void release() {
    innerAtNode.forEach(ByteBuf::release);
  }

  static byte[] material(int fill) {
    byte[] m = new byte[20];
    Arrays.fill(m, (byte) fill);
    return m;
  }

  /** The site's host sends the node a UDP datagram of {@code totalLength} bytes in all. */
  byte[] hostSends(int totalLength, boolean dontFragment) {
    byte[] bytes = new byte[totalLength - 28];
    new Random(totalLength).nextBytes(bytes);
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            Ipv4Builder.create().dontFragment(dontFragment).identification(0x1191),
            HOST.toInt(),
            HOME.toInt(),
            7000,
            7001,
            Unpooled.wrappedBuffer(bytes));
    byte[] sent = ByteBufUtil.getBytes(datagram);
    lab.vrf("host", "main").send(datagram);
    lab.virtualTime().runUntil(lab.virtualTime().nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    return sent;
  }

  @Test
  void aDatagramWhoseEspWouldExceedTheOutsideLinkIsAnsweredWithTheSizeThatFits() {
    hostSends(LINK_MTU, true);

    assertThat(atNode).isEmpty();
    assertThat(gateway.counter(GatewayCounter.TOO_BIG_FOR_TUNNEL)).isEqualTo(1);
    // Fragmentation needed, with what fits: 1400 - IPv4 20 - UDP 8 - ESP header 8 - IV 8 - ICV 16
    // - trailer 2 (already on a 4-byte boundary).
    assertThat(atHost).containsExactly("3/4 1338");
  }

  @Test
  void aDatagramOfTheAnnouncedSizeReachesTheNodeAndOneByteMoreDoesNot() {
    hostSends(1338, true);
    hostSends(1339, true);

    assertThat(atNode).containsExactly(1338);
    assertThat(gateway.counter(GatewayCounter.TOO_BIG_FOR_TUNNEL)).isEqualTo(1);
    assertThat(atHost).containsExactly("3/4 1338");
  }

  @Test
  void aDatagramWithDfClearIsFragmentedBeforeEncryptionSoEveryEspPacketFitsTheLink()
      throws Exception {
    // As big as the site's link carries: its ESP would not fit the outside link.
    byte[] sent = hostSends(LINK_MTU, false);

    assertThat(gateway.counter(GatewayCounter.PRE_FRAGMENTED)).isEqualTo(1);
    assertThat(gateway.counter(GatewayCounter.TOO_BIG_FOR_TUNNEL)).isZero();
    assertThat(atHost).isEmpty();
    // 1338 fit, so 1318 data bytes, of which 1312 are a multiple of 8: 1332, then 20 + 1380 -
    // 1312 = 88.
    assertThat(atNode).containsExactly(1332, 88);
    assertThat(lab.vrf("gw", "outside").counters().fragmented())
        .as("no ESP packet needed cutting")
        .isZero();
    Ipv4Reassembler reassembler = new Ipv4Reassembler(4, 1 << 16, TimeUnit.SECONDS.toNanos(30));
    ByteBuf whole = null;
    for (ByteBuf inner : innerAtNode) {
      Ipv4Packet fragment = Ipv4Packet.parse(inner.retainedDuplicate());
      assertThat(fragment.identification()).isEqualTo(0x1191);
      ByteBuf out = reassembler.offer(fragment, 0);
      whole = out != null ? out : whole;
    }
    assertThat(whole).isNotNull();
    Ipv4Packet reassembled = Ipv4Packet.parse(whole);
    // The gateway forwarded it: one hop less, else the very datagram the host sent.
    assertThat(ByteBufUtil.getBytes(reassembled.payload()))
        .isEqualTo(Arrays.copyOfRange(sent, 20, sent.length));
    whole.release();
  }

  @Test
  void theLargestInnerDatagramAccountsForTheUdpHeaderOnlyWhenTheTunnelUsesIt() {
    MobileTunnel inUdp = gateway.tunnel(HOME);
    MobileTunnel plain =
        new MobileTunnel(HOME, inUdp.inbound(), inUdp.outbound(), /* udpEncapsulated */ false);

    assertThat(TunnelMtu.largestInner(inUdp, 1500)).isEqualTo(1438);
    assertThat(TunnelMtu.largestInner(plain, 1500)).isEqualTo(1446);
    assertThat(TunnelMtu.outerLength(inUdp, 1438)).isEqualTo(1500);
    assertThat(TunnelMtu.outerLength(inUdp, 1439)).isEqualTo(1504);
    assertThat(TunnelMtu.largestInner(inUdp, 40)).isZero();
  }

  @Test
  void aSenderThatThrowsOnAFragmentLeavesNoOtherFragmentHeld() throws Exception {
    RecordingAllocator fragments = new RecordingAllocator();
    ByteBuf datagram =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            Ipv4Builder.create().identification(0x77),
            Ipv4Address.parse("10.1.0.2").toInt(),
            Ipv4Address.parse("10.9.0.2").toInt(),
            4000,
            9,
            Unpooled.wrappedBuffer(new byte[1400]));
    List<Integer> taken = new ArrayList<>();

    try {
      TunnelMtu.fragment(
          Ipv4Packet.parse(datagram),
          576,
          fragments,
          f -> {
            taken.add(f.totalLength());
            throw new IllegalStateException("an encryption bug");
          });
    } catch (IllegalStateException expected) {
      // the sender's own failure goes on to the caller
    }

    assertThat(taken).hasSize(1);
    assertThat(fragments.allocated()).isEqualTo(3);
    assertThat(fragments.held()).as("every fragment released").isZero();
  }
}
