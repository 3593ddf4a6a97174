package io.mvpn.mobilenode.link;

import io.mvpn.packet.link.AssociationFrame;
import io.mvpn.packet.link.PairwiseKeys;

/**
 * Message 1 brings the access point's ANonce and replay counter: the node picks its SNonce, derives
 * the pairwise keys and answers with message 2 under their MIC. A counter not above the last one
 * accepted is a replay and changes nothing. Message 1 carries no MIC, so its counter only starts an
 * exchange: the node raises its replay counter once message 3's MIC verifies, so a forged message 1
 * with a huge counter cannot lock the genuine access point out.
 */
final class FirstMessageHandler {

  private final LinkSupplicant node;

  FirstMessageHandler(LinkSupplicant node) {
    this.node = node;
  }

  void handle(AssociationFrame first, int accessPoint) {
    if (first.replayCounter() <= node.lastCounter()) {
      node.countReplayed();
      return;
    }
    byte[] nodeNonce = node.nonce();
    PairwiseKeys keys = node.derive(accessPoint, first.nonce(), nodeNonce);
    node.begin(
        new LinkSupplicant.Exchange(accessPoint, first.replayCounter(), first.nonce(), keys));
    node.send(
        new AssociationFrame(2, 0, first.replayCounter(), nodeNonce, node.identity()),
        keys,
        accessPoint);
  }
}
