package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.UdpTunnel;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tunnel entry point between a site's LAN and a 1400-byte public link (RFC 2003 §5.1, RFC 3519
 * §5, RFC 4459): the outer DF copies the inner; too big with DF set is refused with the tunnel MTU;
 * with DF clear the public VRF fragments the outer datagram and the far end reassembles it.
 */
class TunnelEntryTest {

  private static final int PUBLIC_MTU = 1400;
  private static final Ipv4Address ENTRY = Ipv4Address.parse("198.51.100.1");
  private static final Ipv4Address EXIT = Ipv4Address.parse("198.51.100.9");

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
  private final MemorySegment internet =
      new MemorySegment("internet", LinkProperties.IDEAL.withMtu(PUBLIC_MTU), 2);
  private final Vrf site = new Vrf("site", time, ByteBufAllocator.DEFAULT);
  private final Vrf inside = new Vrf("inside", time, ByteBufAllocator.DEFAULT);
  private final Vrf publicVrf = new Vrf("public", time, ByteBufAllocator.DEFAULT);
  private final Vrf far = new Vrf("far", time, ByteBufAllocator.DEFAULT);
  private final List<Ipv4Packet> outerAtExit = new ArrayList<>();
  private final List<byte[]> innerAtExit = new ArrayList<>();
  private final List<String> icmpAtSite = UnreachableLog.of(site);
  private boolean inUdp;

  TunnelEntryTest() {
    site.addInterface("s0", Ipv4Address.parse("10.1.0.2"), 24, lan.newPort());
    inside.addInterface("i0", Ipv4Address.parse("10.1.0.1"), 24, lan.newPort());
    publicVrf.addInterface("p0", ENTRY, 24, internet.newPort());
    far.addInterface("f0", EXIT, 24, internet.newPort());
    site.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
    Interface tunnel =
        inside.addInterface("tun0", Ipv4Address.parse("10.255.0.1"), 30, new Entry());
    inside.addRoute(new Route(Prefix.parse("10.9.0.0/16"), null, tunnel, Route.Origin.STATIC));
    far.registerProtocol(
        IpProtocol.IPIP,
        (vrf, in, outer) -> {
          try {
            outerAtExit.add(Ipv4Packet.parse(Unpooled.copiedBuffer(outer.datagram())));
            innerAtExit.add(ByteBufUtil.getBytes(IpInIp.decapsulate(outer).payload()));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    far.bindUdp(
        434,
        (vrf, in, udp) -> {
          try {
            outerAtExit.add(Ipv4Packet.parse(Unpooled.copiedBuffer(udp.ip().datagram())));
            Ipv4Packet inner = Ipv4Packet.parse(UdpTunnel.dataPayload(udp.payload()));
            innerAtExit.add(ByteBufUtil.getBytes(inner.payload()));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  /** The tunnel interface: IP in IP or RFC 3519 UDP from the public VRF to the exit. */
  private final class Entry extends EncapsulatingTransport {
    Entry() {
      super("test-tunnel", 1500);
    }

    @Override
    protected void forward(Ipv4Packet inner, int nextHop) {
      if (inUdp) {
        TunnelEntry.sendInUdp(publicVrf, ENTRY, EXIT, 434, 434, inner, owner());
      } else {
        TunnelEntry.sendIpInIp(publicVrf, ENTRY.toInt(), EXIT.toInt(), inner, owner());
      }
    }
  }

  private byte[] siteSends(int totalLength, boolean dontFragment) {
    byte[] payload = new byte[totalLength - 20];
    new Random(totalLength).nextBytes(payload);
    site.send(
        Ipv4Builder.create()
            .source(Ipv4Address.parse("10.1.0.2"))
            .destination(Ipv4Address.parse("10.9.0.5"))
            .protocol(253) // RFC 3692 experimentation: no handler anywhere cares
            .dontFragment(dontFragment)
            .identification(2003)
            .build(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(payload)));
    time.runUntilIdle();
    return payload;
  }

  @Test
  void anIpInIpEntryRefusesATooBigDatagramWithDfSetAndTellsTheTunnelMtu() {
    siteSends(1400, true);

    assertThat(outerAtExit).isEmpty();
    // 1400 on the public link less the 20-byte outer header.
    assertThat(icmpAtSite).containsExactly("3/4 mtu 1380 from 10.255.0.1");
    assertThat(publicVrf.counters().dropped(DropReason.MTU_EXCEEDED)).isEqualTo(1);
    assertThat(inside.getInterface("tun0").counters().dropped(DropReason.MTU_EXCEEDED))
        .isEqualTo(1);
  }

  @Test
  void aDatagramOfTheTunnelMtuGoesWithItsDfBitCopiedToTheOuterHeader() {
    byte[] sent = siteSends(1380, true);

    assertThat(icmpAtSite).isEmpty();
    assertThat(outerAtExit).hasSize(1);
    Ipv4Packet outer = outerAtExit.get(0);
    assertThat(outer.totalLength()).isEqualTo(PUBLIC_MTU);
    assertThat(outer.dontFragment()).isTrue();
    assertThat(innerAtExit.get(0)).isEqualTo(sent);
  }

  @Test
  void withDfClearTheOuterDatagramIsFragmentedAndReassembledAtTheExit() {
    // As big as the site's LAN carries (1500): the outer datagram is 1500 too.
    byte[] sent = siteSends(1480, false);

    assertThat(icmpAtSite).isEmpty();
    assertThat(publicVrf.counters().fragmented()).isEqualTo(1);
    assertThat(publicVrf.counters().fragmentsCreated()).isEqualTo(2);
    assertThat(outerAtExit).hasSize(1);
    assertThat(outerAtExit.get(0).dontFragment()).isFalse();
    assertThat(outerAtExit.get(0).totalLength()).isEqualTo(1500);
    assertThat(innerAtExit.get(0)).isEqualTo(sent);
  }

  @Test
  void aUdpTunnelEntryAccountsForUdpAndItsOwnHeaderInTheTunnelMtu() {
    inUdp = true;
    siteSends(1369, true);
    byte[] fits = siteSends(1368, true);

    // 1400 less IPv4 20, UDP 8 and the RFC 3519 tunnel data header 4.
    assertThat(icmpAtSite).containsExactly("3/4 mtu 1368 from 10.255.0.1");
    assertThat(outerAtExit).hasSize(1);
    assertThat(outerAtExit.get(0).totalLength()).isEqualTo(PUBLIC_MTU);
    assertThat(outerAtExit.get(0).dontFragment()).isTrue();
    assertThat(innerAtExit).containsExactly(fits);
  }

  @Test
  void aUdpTunnelCarriesABigDatagramWithDfClearInOuterFragments() {
    inUdp = true;
    byte[] sent = siteSends(1480, false);

    assertThat(icmpAtSite).isEmpty();
    assertThat(publicVrf.counters().fragmentsCreated()).isEqualTo(2);
    assertThat(outerAtExit.get(0).dontFragment()).isFalse();
    assertThat(innerAtExit).containsExactly(sent);
  }
}
