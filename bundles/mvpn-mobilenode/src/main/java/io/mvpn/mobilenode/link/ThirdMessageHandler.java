package io.mvpn.mobilenode.link;

import io.mvpn.packet.link.AssociationFrame;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Message 3 proves the access point derived the same keys (its MIC) for this exchange (the same
 * ANonce, a counter above message 1's): the node confirms with message 4 and installs the link key
 * for the lifetime message 3 announced.
 */
final class ThirdMessageHandler {

  private final LinkSupplicant node;

  ThirdMessageHandler(LinkSupplicant node) {
    this.node = node;
  }

  void handle(AssociationFrame third, ByteBuf raw, LinkSupplicant.Exchange exchange) {
    if (exchange == null || !Arrays.equals(third.nonce(), exchange.accessPointNonce())) {
      node.countUnexpected();
      return;
    }
    if (third.replayCounter() <= node.lastCounter()
        || third.replayCounter() <= exchange.counter()) {
      node.countReplayed();
      return;
    }
    if (!AssociationFrame.micVerifies(raw, exchange.keys())) {
      node.countBadMic();
      return;
    }
    node.accepted(third.replayCounter(), null);
    node.send(
        new AssociationFrame(
            4, 0, third.replayCounter(), new byte[AssociationFrame.NONCE_LENGTH], node.identity()),
        exchange.keys(),
        exchange.accessPoint());
    node.install(exchange.keys(), third.lifetimeSeconds());
  }
}
