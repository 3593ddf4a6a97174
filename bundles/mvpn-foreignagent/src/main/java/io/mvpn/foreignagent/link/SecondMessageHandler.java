package io.mvpn.foreignagent.link;

import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.link.PairwiseKeys;
import io.netty.buffer.ByteBuf;

/**
 * Message 2 brings the node's SNonce: the access point derives the pairwise keys from the node's
 * master key and both nonces, and the MIC proves the node holds the same master key. Then message
 * 3, with the next replay counter and the key's lifetime, under the new key confirmation key.
 */
final class SecondMessageHandler {

  private final AccessPoint ap;

  SecondMessageHandler(AccessPoint ap) {
    this.ap = ap;
  }

  void handle(AssociationFrame frame, ByteBuf raw, Handshake h) {
    if (!ap.follows(h, frame, 2)) {
      return;
    }
    AccessPoint.Config config = ap.config();
    PairwiseKeys keys =
        PairwiseKeys.derive(
            config.masterKeys().get(h.identity()),
            config.provider(),
            config.address().toInt(),
            h.identity(),
            h.accessPointNonce(),
            frame.nonce());
    if (!AssociationFrame.micVerifies(raw, keys)) {
      ap.refuse(Refusal.BAD_MIC);
      return;
    }
    Handshake next =
        new Handshake(
            h.identity(),
            h.station(),
            h.port(),
            h.source(),
            h.accessPointNonce(),
            ap.nextCounter(),
            4,
            keys,
            h.startedAt());
    ap.record(next);
    ap.send(
        next,
        new AssociationFrame(
            3,
            config.keyLifetimeSeconds(),
            next.replayCounter(),
            next.accessPointNonce(),
            next.identity()),
        keys);
  }
}
