package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeFormatException;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The responder's side of IKE_SA_INIT (RFC 7296 §1.2): a new SA for a new request, the same answer
 * again for a retransmitted one, a stateless COOKIE first while too many SAs are half-open (§2.6),
 * a stateless error for a request that cannot be answered (§2.21.1), and half-open SAs dropped when
 * their IKE_AUTH never comes. What goes into the answer is {@link IkeSaInitTask#respond}'s.
 */
final class IkeSaInitResponder {

  /**
   * How long a responder keeps an SA whose IKE_AUTH never comes (strongSwan's half_open_timeout):
   * past it the SA only costs memory and counts towards the cookie threshold.
   */
  static final long HALF_OPEN_TIMEOUT_SECONDS = 30;

  private record InitKey(long spiI, Endpoint remote, Ipv4Address via) {}

  private final IkeSaManager manager;
  private final Cookies cookies;
  private final Map<InitKey, IkeSa> byInitiator = new HashMap<>();
  // The reverse of byInitiator, and the SAs still waiting for IKE_AUTH: kept as they change, so
  // neither a new request nor an SA's end walks every SA (tens of thousands after an outage).
  private final Map<IkeSa, InitKey> initKeys = new IdentityHashMap<>();
  private final Set<IkeSa> halfOpen = Collections.newSetFromMap(new IdentityHashMap<>());

  IkeSaInitResponder(IkeSaManager manager) {
    this.manager = manager;
    this.cookies = new Cookies(manager.random());
  }

  static boolean isInitRequest(IkeHeader h) {
    return h.exchangeType() == IkeHeader.IKE_SA_INIT
        && (h.flags() & IkeHeader.RESPONSE) == 0
        && h.spiR() == 0
        && h.messageId() == 0;
  }

  /**
   * A message that does not parse. Only an IKE_SA_INIT request gets an answer, unprotected and
   * stateless (§2.21.1): anything later is not authenticated yet and is dropped (§2.21.2).
   */
  void malformed(Datagram datagram, IkeFormatException e) {
    manager.counters().malformed.increment();
    IkeHeader h = e.header();
    if (h != null && isInitRequest(h)) {
      sendStateless(
          datagram,
          h,
          List.of(NotifyPayload.of(e.reason().notifyType(), Octets.of(e.notifyData()))));
    }
  }

  void process(Datagram datagram, IkeMessage request) {
    IkeHeader h = request.header();
    IkeSa existing = byInitiator.get(new InitKey(h.spiI(), datagram.source(), datagram.via()));
    if (existing != null) {
      RequestResponder.answerAgain(manager, existing, h.messageId(), datagram);
      return;
    }
    IkeEngine peer = manager.peerFor(datagram.source());
    if (peer == null) {
      manager.counters().noPeerConfig.increment();
      return;
    }
    if (halfOpen.size() >= manager.settings().halfOpenCookieThreshold()
        && !cookies.valid(request, datagram.source())) {
      Octets cookie = cookies.cookie(request, datagram.source());
      if (cookie == null) { // no nonce to bind the cookie to
        sendStateless(datagram, h, List.of(NotifyPayload.of(NotifyPayload.INVALID_SYNTAX)));
        return;
      }
      sendStateless(datagram, h, List.of(NotifyPayload.of(NotifyPayload.COOKIE, cookie)));
      manager.counters().cookiesSent.increment();
      return;
    }
    IkeSa sa =
        new IkeSa(
            false,
            h.spiI(),
            manager.newIkeSpi(),
            datagram.destination(),
            datagram.source(),
            datagram.via());
    sa.owner(peer);
    if (!peer.espFollowsIke()) {
      sa.path().pinEsp();
    }
    IkeSaInitTask.Answer answer =
        IkeSaInitTask.respond(peer.config(), manager.random(), sa, request, datagram.payload());
    if (!answer.accepted()) {
      sendStateless(datagram, h, answer.payloads());
      return;
    }
    manager.register(sa);
    InitKey key = new InitKey(h.spiI(), datagram.source(), datagram.via());
    byInitiator.put(key, sa);
    initKeys.put(sa, key);
    halfOpen.add(sa);
    List<IkePayload> payloads = answer.payloads();
    if (manager.fragmentation().supported(sa)) {
      // RFC 7383 §2.3: the responder announces it only to an initiator that did.
      payloads = IkeFragmentation.announce(payloads);
    }
    manager.respond(sa, datagram, h, payloads);
    manager
        .scheduler()
        .schedule(HALF_OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> expireHalfOpen(sa));
  }

  /** IKE_AUTH is through: the SA no longer counts as half-open. */
  void settled(IkeSa sa) {
    halfOpen.remove(sa);
  }

  /** The SA ended: a new request with its initiator's SPI is a new SA. */
  void forget(IkeSa sa) {
    halfOpen.remove(sa);
    InitKey key = initKeys.remove(sa); // where IKE_SA_INIT came from, maybe not remote() now
    if (key != null) {
      byInitiator.remove(key);
    }
  }

  /** How many responder SAs wait for their IKE_AUTH. */
  int halfOpen() {
    return halfOpen.size();
  }

  private void expireHalfOpen(IkeSa sa) {
    if (sa.state() == IkeSaState.INIT_DONE) {
      sa.fail(-1);
      manager.destroy(sa);
    }
  }

  /**
   * An IKE_SA_INIT answer that keeps no state: SPIr 0 (§2.6), back to where the request came from.
   */
  private void sendStateless(Datagram request, IkeHeader h, List<IkePayload> payloads) {
    IkeHeader answer =
        IkeHeader.of(h.spiI(), 0, IkeHeader.IKE_SA_INIT, IkeHeader.RESPONSE, h.messageId());
    manager.answer(request, List.of(new IkeMessage(answer, payloads).toByteArray()));
  }
}
