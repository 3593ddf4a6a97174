package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.Binding;
import io.mvpn.net.DropReason;
import io.mvpn.net.EncapsulatingTransport;
import io.mvpn.net.TunnelEntry;
import io.mvpn.net.Vrf;
import io.mvpn.net.dispatch.InnerTunnelSecurity;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.ipv4.Ipv4Packet;

/**
 * The home agent's tunnel interface in the tenant VRF, both ways: a datagram routed to a bound home
 * address goes to every care-of address of the node, in IP (RFC 2003) or through {@link
 * UdpTunnels}; a reverse-tunnelled datagram (RFC 3024) comes in only from a care-of address its
 * inner source is bound to. Lookups read the {@link ForwardingCache}: no lock, no copy.
 */
final class MobilityTunnel extends EncapsulatingTransport {

  private final Ipv4Address address;
  private final Vrf publicVrf;
  private final ForwardingCache bindings;
  private final UdpTunnels udpTunnels;
  private final RegistrationStats stats;
  private InnerTunnelSecurity security = InnerTunnelSecurity.NONE;

  MobilityTunnel(
      Ipv4Address address,
      Vrf publicVrf,
      ForwardingCache bindings,
      UdpTunnels udpTunnels,
      RegistrationStats stats) {
    super("ipip:" + address, 1500 - 20);
    this.address = address;
    this.publicVrf = publicVrf;
    this.bindings = bindings;
    this.udpTunnels = udpTunnels;
    this.stats = stats;
  }

  /** The IPsec layer inside the tunnel (claim 24): asked about every datagram both ways. */
  void protectWith(InnerTunnelSecurity security) {
    this.security = security;
  }

  InnerTunnelSecurity security() {
    return security;
  }

  @Override
  protected void forward(Ipv4Packet inner, int homeAddress) {
    Binding[] current = bindings.bindings(homeAddress);
    if (current.length == 0) {
      owner().counters().onDrop(DropReason.NO_ROUTE);
      return;
    }
    Ipv4Packet sent = security.protect(inner);
    if (sent == null) {
      return;
    }
    try {
      for (Binding b : current) {
        stats.onTunnelledToNode(sent.totalLength());
        if (b.encapsulation() == Binding.Encapsulation.UDP) {
          udpTunnels.send(b.source(), b.sourcePort(), sent, owner());
        } else {
          TunnelEntry.sendIpInIp(
              publicVrf, address.toInt(), b.careOfAddress().toInt(), sent, owner());
        }
      }
    } finally {
      if (sent != inner) {
        sent.datagram().release();
      }
    }
  }

  /** An IP-in-IP datagram from a care-of address: its inner datagram enters the tenant VRF. */
  void reverseTunnelled(Vrf vrf, Ipv4Packet outer) {
    Ipv4Packet inner;
    try {
      inner = IpInIp.decapsulate(outer);
    } catch (MalformedPacketException e) {
      stats.onTunnelled(false);
      vrf.counters().onMalformed(e.reason());
      return;
    }
    if (!bindings.isTunnelSource(inner.source(), outer.source()) || inner.ttl() == 0) {
      stats.onTunnelled(false);
      owner().vrf().counters().onDrop(DropReason.NO_ROUTE);
      return;
    }
    if (!security.admits(inner)) {
      stats.onTunnelled(false);
      return;
    }
    stats.onTunnelled(inner.totalLength());
    owner().receive(inner.datagram().retainedSlice());
  }
}
