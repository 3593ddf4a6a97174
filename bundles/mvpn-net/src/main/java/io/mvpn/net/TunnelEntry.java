package io.mvpn.net;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;

/**
 * A tunnel's entry point, as RFC 2003 §5.1, RFC 3519 §5 and RFC 4459 have it: the outer header's DF
 * bit copies the inner one's. An inner datagram with DF set whose encapsulation would not fit the
 * egress link is refused, and its sender is told the tunnel MTU (the egress MTU less the
 * encapsulation) with ICMP "fragmentation needed", so its path MTU discovery settles on what the
 * tunnel carries. With DF clear it is encapsulated whatever its size, and the egress VRF fragments
 * the outer datagram.
 */
public final class TunnelEntry {

  /** IP in IP (RFC 2003): one outer IPv4 header. */
  public static final int IP_IN_IP_OVERHEAD = 20;

  /** RFC 3519 UDP tunnelling: outer IPv4, UDP, and the 4-byte tunnel data header. */
  public static final int UDP_TUNNEL_OVERHEAD = 20 + 8 + 4;

  private TunnelEntry() {}

  /**
   * Encapsulates {@code inner} in IP (RFC 2003) and sends it from {@code egress}. {@code tunnel} is
   * the interface the inner datagram was routed into (null if the entry point made it itself): a
   * refused datagram's sender hears from its address. The inner buffer is left to the caller.
   */
  public static boolean sendIpInIp(
      Vrf egress, int source, int destination, Ipv4Packet inner, Interface tunnel) {
    if (!fits(egress, destination, IP_IN_IP_OVERHEAD, inner, tunnel)) {
      return false;
    }
    return egress.send(
        IpInIp.encapsulate(
            egress.alloc(),
            source,
            destination,
            inner,
            Vrf.DEFAULT_TTL,
            egress.nextIdentification()));
  }

  /** As {@link #sendIpInIp}, in RFC 3519 tunnel data between the given UDP ports. */
  public static boolean sendInUdp(
      Vrf egress,
      Ipv4Address source,
      Ipv4Address destination,
      int sourcePort,
      int destinationPort,
      Ipv4Packet inner,
      Interface tunnel) {
    if (!fits(egress, destination.toInt(), UDP_TUNNEL_OVERHEAD, inner, tunnel)) {
      return false;
    }
    ByteBuf data =
        UdpTunnel.data(egress.alloc(), inner.buffer(), inner.offset(), inner.totalLength());
    try {
      Ipv4Builder outer =
          Ipv4Builder.create()
              .ttl(Vrf.DEFAULT_TTL)
              .tos(inner.tos())
              .dontFragment(inner.dontFragment())
              .identification(egress.nextIdentification());
      return egress.send(
          UdpDatagram.build(
              egress.alloc(),
              outer,
              source.toInt(),
              destination.toInt(),
              sourcePort,
              destinationPort,
              data));
    } finally {
      data.release();
    }
  }

  /**
   * The largest inner datagram a tunnel toward {@code destination} carries unfragmented: the egress
   * link's MTU less {@code overhead}; unbounded if there is no route (the send counts that).
   */
  public static int tunnelMtu(Vrf egress, int destination, int overhead) {
    Route route = egress.lookup(Ipv4Address.of(destination));
    return route == null ? Ipv4Packet.MAX_LENGTH : route.via().mtu() - overhead;
  }

  private static boolean fits(
      Vrf egress, int destination, int overhead, Ipv4Packet inner, Interface tunnel) {
    if (!inner.dontFragment()) {
      return true;
    }
    int mtu = tunnelMtu(egress, destination, overhead);
    if (inner.totalLength() <= mtu) {
      return true;
    }
    egress.counters().onDrop(DropReason.MTU_EXCEEDED);
    if (tunnel != null) {
      tunnel.counters().onDrop(DropReason.MTU_EXCEEDED);
      Vrf inside = tunnel.vrf();
      if (inside.mayAnswerWithError(inner)) {
        inside.send(
            IcmpBuilder.destinationUnreachable(
                inside.alloc(),
                tunnel.address().toInt(),
                IcmpType.UNREACHABLE_FRAGMENTATION_NEEDED,
                inner,
                mtu));
      }
    }
    return false;
  }
}
