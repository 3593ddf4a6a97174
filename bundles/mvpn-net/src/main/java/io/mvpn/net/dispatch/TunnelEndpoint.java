package io.mvpn.net.dispatch;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;

/**
 * A function that owns one public address and takes the registrations and tunnelled datagrams sent
 * to it: a tenant's virtual home agent. Registered as an OSGi service; the dispatcher hands it what
 * arrives for its address (seed 002 claim 17). Calls come on the public VRF's scheduler.
 */
public interface TunnelEndpoint {

  /** The public address this endpoint answers for; unique across endpoints. */
  Ipv4Address address();

  MvpnId tenant();

  /** A UDP datagram to this address and the registration port (434). */
  void registration(Vrf publicVrf, Interface ingress, UdpDatagram datagram);

  /** An IP-in-IP datagram whose outer destination is this address. */
  void tunnelled(Vrf publicVrf, Interface ingress, Ipv4Packet outer);
}
