package io.mvpn.foreignagent.link;

import io.mvpn.packet.link.AssociationFrame;
import io.netty.buffer.ByteBuf;

/**
 * Message 4 confirms the node installed the key: with the counter of message 3 and a valid MIC, the
 * link key is published to layer 3 for the node's identity and station.
 */
final class FourthMessageHandler {

  private final AccessPoint ap;

  FourthMessageHandler(AccessPoint ap) {
    this.ap = ap;
  }

  void handle(AssociationFrame frame, ByteBuf raw, Handshake h) {
    if (!ap.follows(h, frame, 4)) {
      return;
    }
    if (!AssociationFrame.micVerifies(raw, h.keys())) {
      ap.refuse(Refusal.BAD_MIC);
      return;
    }
    ap.establish(h);
  }
}
