package io.mvpn.net;

import io.mvpn.packet.ipv4.Ipv4Packet;

/**
 * Receives the datagrams of one IP protocol (IP-in-IP, ESP...) addressed to the VRF. Runs on the
 * VRF's scheduler; the packet's buffer is valid only during the call.
 */
@FunctionalInterface
public interface ProtocolHandler {

  void receive(Vrf vrf, Interface ingress, Ipv4Packet packet);
}
