package io.mvpn.foreignagent.link;

import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.udp.UdpDatagram;

/**
 * A node asks to associate: if its identity has a master key here, the access point answers with
 * message 1 (a fresh ANonce and replay counter). Unauthenticated, as 802.11's message 1 is: it only
 * starts a handshake for that station and touches no established key.
 */
final class AssociationRequestHandler {

  private final AccessPoint ap;

  AssociationRequestHandler(AccessPoint ap) {
    this.ap = ap;
  }

  void handle(AssociationFrame request, int station, UdpDatagram udp) {
    if (!ap.config().masterKeys().containsKey(request.identity())) {
      ap.refuse(Refusal.UNKNOWN_NODE);
      return;
    }
    int source = udp.ip().source();
    Handshake h =
        new Handshake(
            request.identity(),
            station,
            udp.sourcePort(),
            source == 0 ? -1 : source,
            ap.nonce(),
            ap.nextCounter(),
            2,
            null,
            ap.now());
    ap.record(h);
    ap.send(
        h, new AssociationFrame(1, 0, h.replayCounter(), h.accessPointNonce(), h.identity()), null);
  }
}
