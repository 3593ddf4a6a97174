package io.mvpn.ike.sa;

import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import java.security.GeneralSecurityException;

/**
 * The initiator's side of every exchange once its response comes (libcharon's process_i): matches
 * the response to the SA's outstanding request, reassembles and decrypts it, hands it to the active
 * {@link IkeTask}, and does what the task's outcome asks: the next request, a retry, the end of the
 * SA, and what a finished exchange means for the SA (established, a Child SA in, a re-key through
 * and the Delete of what it replaced, §2.8).
 */
final class ResponseProcessor {

  /** How long after a refused re-key of its own policy the engine tries again, at most. */
  static final long REKEY_RETRY_SECONDS = 10;

  private final IkeSaManager manager;

  ResponseProcessor(IkeSaManager manager) {
    this.manager = manager;
  }

  void process(IkeMessage response, byte[] raw) {
    IkeHeader h = response.header();
    IkeSa sa = manager.lookup(h);
    if (sa == null) {
      return;
    }
    TaskManager tasks = sa.tasks();
    if (!tasks.awaits(h.messageId(), h.exchangeType())) {
      manager.counters().unexpectedMessageId.increment();
      return;
    }
    IkeTask task = tasks.active();
    IkeMessage message = response;
    if (h.exchangeType() != IkeHeader.IKE_SA_INIT) {
      try {
        if (response.encryptedFragment() != null) {
          FragmentReassembly set = manager.fragmentation().reassemble(sa, false, response, raw);
          if (set == null) {
            return;
          }
          message = IkeMessage.reassembled(h, set.firstType(), set.joined());
        } else {
          message = response.opened(sa.cipher());
        }
      } catch (GeneralSecurityException e) {
        manager.counters().undecryptable.increment();
        return;
      } catch (IkeFormatException e) {
        manager.counters().malformed.increment();
        return;
      }
    }
    IkeTask.Outcome outcome = task.processResponse(sa, message, raw);
    if (outcome == IkeTask.Outcome.DONE
        && h.exchangeType() == IkeHeader.IKE_AUTH
        && sa.peerSupportsMobike()) {
      MobikeResponder.learnAddresses(sa, message);
    }
    switch (outcome) {
      case RETRY:
        tasks.retry();
        break;
      case DONE:
        tasks.completed();
        done(sa, task);
        break;
      case REFUSED:
        tasks.completed();
        refused(sa, task);
        tasks.startNext();
        break;
      default:
        manager.destroy(sa);
    }
  }

  /** A re-key of ours refused: the peer's own, if it came meanwhile, wins; else try later. */
  private void refused(IkeSa sa, IkeTask task) {
    if (task instanceof IkeRekeyTask rekey) {
      if (rekey.peerSuccessor() != null) {
        manager.replace(sa, rekey.peerSuccessor());
        manager.expireRekeyed(sa);
      } else {
        sa.tasks().retryIkeRekey(REKEY_RETRY_SECONDS);
      }
    }
  }

  private void done(IkeSa sa, IkeTask task) {
    if (task instanceof InformationalTask info) {
      if (info.deletesIkeSa()) {
        manager.destroy(sa);
        return;
      }
      if (info.deletedChild() != null) {
        sa.listener().childSaDeleted(sa, info.deletedChild());
      }
    }
    if (task instanceof IkeAuthTask) {
      manager.established(sa);
    }
    if (task instanceof CreateChildSaTask create) {
      manager.childSaCreated(sa, create.created());
      if (create.redundant()) {
        // §2.8.1: the peer re-keyed it too and ours had the lowest nonce: we delete ours, the
        // peer deletes the old pair.
        sa.tasks().queueLater(InformationalTask.deleteChildSa(create.created()));
      } else if (create.rekeyed() != null) {
        // §2.8: the new pair is in; the initiator of the re-key deletes the old one.
        sa.tasks().queueLater(InformationalTask.deleteChildSa(create.rekeyed()));
      }
    }
    if (task instanceof IkeRekeyTask rekey) {
      ikeRekeyed(sa, rekey);
    }
    sa.tasks().startNext();
  }

  /** Our re-key of {@code old} is through; with the peer's at the same time, one SA goes. */
  private void ikeRekeyed(IkeSa old, IkeRekeyTask rekey) {
    IkeSa ours = rekey.successor();
    manager.register(ours);
    IkeSaManager.logKeys(ours);
    IkeSa theirs = rekey.peerSuccessor();
    if (theirs != null && rekey.redundant()) {
      // §2.8.2: ours had the lowest nonce; we delete it, the peer deletes the old SA.
      manager.replace(old, theirs);
      ours.tasks().queue(InformationalTask.deleteIkeSa());
      manager.expireRekeyed(old);
      return;
    }
    manager.replace(old, ours);
    if (theirs != null) {
      manager.expireRekeyed(theirs); // the peer deletes its redundant SA
    }
    // §2.18: the Delete is the last request on the old SA.
    old.tasks().queueLater(InformationalTask.deleteIkeSa());
  }
}
