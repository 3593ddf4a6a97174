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

  /**
   * Whether the VRF drops a datagram whose UDP checksum fails before this handler sees it: true
   * unless the handler authenticates what it takes on its own (ESP in UDP, whose ICV covers more
   * than the checksum does) and checks {@link UdpDatagram#checksumValid} where it does not.
   */
  default boolean needsChecksum() {
    return true;
  }
}
