package io.mvpn.net;

import java.util.Arrays;

/**
 * The UDP ports of a VRF whose handlers take datagrams without their checksum (ESP in UDP, which
 * its ICV authenticates). The VRF's loop changes them; a TUN reader asks from its own thread
 * whether it may leave a datagram's partial checksum unsummed, so each change publishes a copy.
 */
final class ChecksumFreePorts {

  private volatile int[] ports = new int[0];

  void bound(int port, UdpHandler handler) {
    if (!handler.needsChecksum() && !contains(port)) {
      int[] more = Arrays.copyOf(ports, ports.length + 1);
      more[ports.length] = port;
      ports = more;
    }
  }

  void unbound(int port, UdpHandler handler) {
    if (!handler.needsChecksum()) {
      ports = Arrays.stream(ports).filter(p -> p != port).toArray();
    }
  }

  boolean contains(int port) {
    for (int p : ports) {
      if (p == port) {
        return true;
      }
    }
    return false;
  }
}
