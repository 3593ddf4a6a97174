package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.DiameterMessage;

/**
 * Hears the answer to a request this node sent: the peer's, or one the node made itself (3002
 * UNABLE_TO_DELIVER when no peer could take the request or none answered in time).
 */
@FunctionalInterface
public interface AnswerListener {
  void answered(DiameterMessage answer);
}
