package io.mvpn.net;

import io.mvpn.packet.udp.UdpDatagram;

/**
 * Receives the UDP datagrams a VRF delivers to one port. Runs on the VRF's scheduler; {@code
 * ingress} is null for a datagram the VRF sent to itself. The datagram and its buffer are valid
 * only during the call: retain (or copy) what must outlive it.
 */
@FunctionalInterface
public interface UdpHandler {

  void receive(Vrf vrf, Interface ingress, UdpDatagram datagram);
}
