package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.Interface;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.UdpTunnel;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;

/**
 * A home agent's RFC 3519 tunnels: datagrams in UDP between the home agent's port 434 and the
 * source address and port a mobile node registered from (its NAT's), both ways, and the keepalives
 * that hold the NAT's mapping open.
 */
final class UdpTunnels {

  /** RFC 3519 keepalive interval this home agent asks mobile nodes behind NATs for. */
  static final int KEEPALIVE_SECONDS = UdpTunnel.DEFAULT_KEEPALIVE_SECONDS;

  private final Vrf publicVrf;
  private final Ipv4Address address;
  private final ForwardingCache bindings;
  private final RegistrationStats stats;

  UdpTunnels(
      Vrf publicVrf, Ipv4Address address, ForwardingCache bindings, RegistrationStats stats) {
    this.publicVrf = publicVrf;
    this.address = address;
    this.bindings = bindings;
    this.stats = stats;
  }

  /**
   * Tunnel data from a mobile node: its datagram goes into {@code tunnel} (the tenant side), or a
   * keepalive is answered. Only from the address and port its UDP binding was made from.
   */
  void received(Vrf vrf, UdpDatagram datagram, Interface tunnel, InnerTunnelSecurity security) {
    Ipv4Packet inner;
    try {
      inner = Ipv4Packet.parse(UdpTunnel.dataPayload(datagram.payload()));
    } catch (MalformedPacketException e) {
      stats.onTunnelled(false);
      vrf.counters().onMalformed(e.reason());
      return;
    }
    boolean bound =
        bindings.isUdpTunnelSource(inner.source(), datagram.ip().source(), datagram.sourcePort());
    if (!bound || tunnel == null || inner.ttl() == 0) {
      stats.onTunnelled(false);
      return;
    }
    if (inner.destination() == address.toInt() && inner.protocol() == IpProtocol.ICMP) {
      stats.onTunnelled(inner.totalLength());
      keepalive(datagram, inner);
      return;
    }
    if (!security.admits(inner)) {
      stats.onTunnelled(false);
      return;
    }
    stats.onTunnelled(inner.totalLength());
    tunnel.receive(inner.datagram().retainedSlice());
  }

  /**
   * Sends {@code inner} in tunnel data to a node's NAT mapping; one too big for the path with DF
   * set is refused to its sender through {@code tunnel} (null for our own keepalive answers).
   */
  void send(Ipv4Address to, int port, Ipv4Packet inner, Interface tunnel) {
    TunnelEntry.sendInUdp(publicVrf, address, to, MipConstants.PORT, port, inner, tunnel);
  }

  /** A keepalive (RFC 3519 §4.10): an echo request to us, answered the same way it came. */
  private void keepalive(UdpDatagram datagram, Ipv4Packet inner) {
    try {
      IcmpMessage echo = IcmpMessage.parse(inner);
      if (echo.type() != IcmpType.ECHO_REQUEST) {
        return;
      }
      ByteBuf reply = IcmpBuilder.echoReply(publicVrf.alloc(), echo, address.toInt());
      try {
        send(datagram.ip().sourceAddress(), datagram.sourcePort(), Ipv4Packet.parse(reply), null);
      } finally {
        reply.release();
      }
    } catch (MalformedPacketException e) {
      publicVrf.counters().onMalformed(e.reason());
    }
  }
}
