package io.mvpn.ike.sa;

import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.NotifyPayload;
import java.util.List;

/**
 * The responder's side of an IKE SA re-key (RFC 7296 §1.3.2, §2.18): answers it with {@link
 * IkeRekeyTask#respond}, registers the successor and moves the Child SAs there, or, while our own
 * re-key of the same SA is out, keeps both new SAs until our answer tells which one survives
 * (§2.8.2).
 */
final class IkeRekeyResponder {

  private final IkeSaManager manager;

  IkeRekeyResponder(IkeSaManager manager) {
    this.manager = manager;
  }

  /**
   * The peer re-keys {@code sa}. While a request of ours on it is out that is not our own re-key of
   * it, or once it is re-keyed or being deleted, the answer is TEMPORARY_FAILURE (§2.25): the peer
   * tries again later.
   */
  void answer(IkeSa sa, Datagram datagram, IkeHeader h, IkeMessage request) {
    IkeTask active = sa.tasks().active();
    IkeRekeyTask ours = active instanceof IkeRekeyTask r ? r : null;
    if (sa.state() != IkeSaState.ESTABLISHED || (active != null && ours == null)) {
      manager.respond(sa, datagram, h, List.of(NotifyPayload.of(NotifyPayload.TEMPORARY_FAILURE)));
      return;
    }
    IkeRekeyTask.Answer answer =
        IkeRekeyTask.respond(sa.config(), manager.random(), sa, request, manager::newIkeSpi);
    manager.respond(sa, datagram, h, answer.payloads());
    IkeSa successor = answer.successor();
    if (successor == null) {
      return;
    }
    manager.register(successor);
    IkeSaManager.logKeys(successor);
    if (ours != null) {
      ours.collided(successor, answer.ni(), answer.nr());
      return;
    }
    manager.replace(sa, successor);
    manager.expireRekeyed(sa);
  }
}
