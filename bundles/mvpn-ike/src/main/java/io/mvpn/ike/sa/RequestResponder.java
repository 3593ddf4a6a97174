package io.mvpn.ike.sa;

import io.mvpn.ike.message.EncryptedFragmentPayload;
import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NoncePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The responder's side of every protected exchange (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL and
 * MOBIKE's updates in it): finds the SA, answers a retransmitted request from cache (§2.1),
 * reassembles fragments (RFC 7383), decrypts, follows the peer behind a NAT (§2.23) or its MOBIKE
 * update (RFC 4555), and hands the request to its exchange's responder: {@link IkeAuthTask}, {@link
 * CreateChildSaTask}, {@link InformationalTask}, {@link IkeRekeyResponder}. What the answer did to
 * the SA reaches the SA's listener afterwards.
 */
final class RequestResponder {

  private final IkeSaManager manager;
  private final IkeRekeyResponder ikeRekey;

  RequestResponder(IkeSaManager manager) {
    this.manager = manager;
    this.ikeRekey = new IkeRekeyResponder(manager);
  }

  /**
   * Sends the cached answer, back to where the copy came from (§2.11), if {@code request} repeats
   * the last request; true if it did.
   */
  static boolean answerAgain(IkeSaManager manager, IkeSa sa, long messageId, Datagram request) {
    if (sa.tasks().isRetransmission(messageId, request.payload())) {
      manager.counters().duplicatesAnswered.increment();
      manager.answer(request, sa.tasks().lastResponse());
      return true;
    }
    manager.counters().unexpectedMessageId.increment();
    return false;
  }

  void process(Datagram datagram, IkeMessage request) {
    IkeHeader h = request.header();
    IkeSa sa = manager.lookup(h);
    if (sa == null) {
      return;
    }
    EngineCounters counters = manager.counters();
    if (!Objects.equals(sa.via(), datagram.via())) {
      // Another tunnel's peer naming this SA: whoever it is, it is not this SA's peer.
      counters.unknownSpi.increment();
      return;
    }
    if (request.encryptedPayload() == null
        && request.first(EncryptedFragmentPayload.class) == null) {
      counters.undecryptable.increment(); // after IKE_SA_INIT nothing counts outside SK (§3.14)
      return;
    }
    if (h.messageId() != sa.expectedRequestId() || sa.cipher() == null) {
      answerAgain(manager, sa, h.messageId(), datagram);
      return;
    }
    IkeMessage opened;
    try {
      if (request.encryptedFragment() != null) {
        FragmentReassembly set =
            manager.fragmentation().reassemble(sa, true, request, datagram.payload());
        if (set == null) {
          return;
        }
        // From here on the request is its first fragment: what a retransmission of it repeats,
        // which brings the answer again (RFC 7383 §2.6.1).
        datagram = datagram.withPayload(set.firstFragment());
        opened = IkeMessage.reassembled(h, set.firstType(), set.joined());
      } else {
        opened = request.opened(sa.cipher());
      }
    } catch (GeneralSecurityException e) {
      counters.undecryptable.increment();
      return;
    } catch (IkeFormatException e) {
      // Authentic but malformed inside: tell the peer; a broken IKE_AUTH ends the SA (§2.21.2).
      counters.malformed.increment();
      if (h.exchangeType() == IkeHeader.IKE_AUTH) {
        sa.fail(e.reason().notifyType());
      }
      manager.respond(
          sa,
          datagram,
          h,
          List.of(NotifyPayload.of(e.reason().notifyType(), Octets.of(e.notifyData()))));
      afterResponding(sa, h);
      return;
    }
    answer(sa, datagram, h, opened);
  }

  private void answer(IkeSa sa, Datagram datagram, IkeHeader h, IkeMessage opened) {
    boolean mobike =
        sa.peerSupportsMobike() && sa.config().mobike() && sa.state() == IkeSaState.ESTABLISHED;
    MobikeResponder.Answer moved = new MobikeResponder.Answer(List.of(), false);
    if (mobike && h.exchangeType() == IkeHeader.INFORMATIONAL) {
      // RFC 4555 §3.5: only N(UPDATE_SA_ADDRESSES) moves a MOBIKE SA, to the IP header's
      // addresses, unless NO_NATS_ALLOWED refuses it (§3.9).
      moved =
          MobikeResponder.respond(
              sa, opened, datagram, sa.owner().mobikePolicy(), manager.counters());
    } else if (sa.natDetected() && !mobike) {
      // §2.23: behind a NAT the peer's mapping may change, and it floats to port 4500 after
      // IKE_SA_INIT; an authentic request tells where it is now. Not with MOBIKE (RFC 4555
      // §3.8): there only the peer's updates move the SA.
      sa.endpoints(datagram.destination(), datagram.source());
    }
    if (h.exchangeType() == IkeHeader.CREATE_CHILD_SA && IkeRekeyTask.rekeysIkeSa(opened)) {
      ikeRekey.answer(sa, datagram, h, opened);
      return;
    }
    if (h.exchangeType() == IkeHeader.CREATE_CHILD_SA && sa.state() != IkeSaState.ESTABLISHED) {
      // Re-keyed or being deleted: no new Child SAs here (§2.25).
      manager.respond(sa, datagram, h, List.of(NotifyPayload.of(NotifyPayload.TEMPORARY_FAILURE)));
      return;
    }
    List<ChildSa> children = sa.childSas();
    List<IkePayload> payloads = new ArrayList<>(moved.payloads());
    List<IkePayload> answer = exchange(sa, opened);
    payloads.addAll(answer);
    manager.respond(sa, datagram, h, payloads);
    if (h.exchangeType() == IkeHeader.IKE_AUTH && sa.peerSupportsMobike()) {
      MobikeResponder.learnAddresses(sa, opened);
    }
    if (moved.checkPath()) {
      // §3.5: ESP waits on the old path until the new one answers our COOKIE2.
      manager.counters().returnRoutabilityChecks.increment();
      manager.queue(sa, MobikeTask.returnRoutability(manager.cookie2(), sa.local(), sa.remote()));
    }
    if (sa.state() == IkeSaState.ESTABLISHED) {
      for (ChildSa child : children) {
        if (!sa.childSas().contains(child)) {
          sa.listener().childSaDeleted(sa, child);
        }
      }
      // A Child SA this request created (a re-key answered): the SAD learns it now.
      for (ChildSa child : sa.childSas()) {
        if (!children.contains(child) && h.exchangeType() == IkeHeader.CREATE_CHILD_SA) {
          manager.childSaCreated(sa, child);
          childRekeyCollision(sa, opened, answer);
        }
      }
    }
    afterResponding(sa, h);
  }

  /** The answer of the exchange's responder, after libcharon's process_r/build_r. */
  private List<IkePayload> exchange(IkeSa sa, IkeMessage request) {
    switch (request.header().exchangeType()) {
      case IkeHeader.IKE_AUTH:
        if (!sa.isInitiator() && sa.state() == IkeSaState.INIT_DONE) {
          choosePeer(sa, request);
          return IkeAuthTask.respond(sa.config(), manager.random(), sa, request);
        }
        return List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX));
      case IkeHeader.INFORMATIONAL:
        return InformationalTask.respond(sa, request);
      case IkeHeader.CREATE_CHILD_SA:
        return CreateChildSaTask.respond(sa.config(), manager.random(), sa, request);
      default:
        // Unknown exchanges.
        return List.of(NotifyPayload.of(NotifyPayload.NO_ADDITIONAL_SAS));
    }
  }

  /** IKE_AUTH names the peer: the configuration that expects it by name takes the SA over. */
  private void choosePeer(IkeSa sa, IkeMessage request) {
    IdentificationPayload idI = request.first(IdentificationPayload.class);
    if (idI != null && idI.initiator()) {
      sa.owner(manager.peerFor(sa, Identity.of(idI), sa.owner()));
    }
  }

  /**
   * §2.8.1: the peer's request re-keyed the Child SA that our own outstanding request re-keys; the
   * nonces decide which new pair goes once our answer is in.
   */
  private static void childRekeyCollision(IkeSa sa, IkeMessage request, List<IkePayload> answer) {
    NotifyPayload rekey = request.notification(NotifyPayload.REKEY_SA);
    NoncePayload ni = request.first(NoncePayload.class);
    if (rekey != null
        && ni != null
        && sa.tasks().active() instanceof CreateChildSaTask ours
        && ours.rekeyed() != null
        && ChildSaFactory.spiOf(rekey.spi()) == ours.rekeyed().outbound().spi()) {
      for (IkePayload p : answer) {
        if (p instanceof NoncePayload nr) {
          ours.collided(ni.data().toByteArray(), nr.data().toByteArray());
        }
      }
    }
  }

  private void afterResponding(IkeSa sa, IkeHeader request) {
    if (sa.failure() != 0 || sa.state() == IkeSaState.DELETING) {
      manager.destroy(sa);
    } else if (request.exchangeType() == IkeHeader.IKE_AUTH
        && sa.state() == IkeSaState.ESTABLISHED) {
      manager.established(sa);
    }
  }
}
