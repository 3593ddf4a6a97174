package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import java.util.ArrayList;
import java.util.List;

/**
 * What a MOBIKE peer's INFORMATIONAL request does to the SA (RFC 4555), once it has been
 * authenticated and found in the message ID window: nothing else reaches here, so a forged or
 * replayed update moves nothing.
 *
 * <ul>
 *   <li>N(UPDATE_SA_ADDRESSES) moves the IKE SA to the request's addresses as the IP and UDP
 *       headers give them (§3.5), with NAT detection on the new path from the request's NAT-D; the
 *       Child SAs' ESP follows at once, or after a return routability check (§3.5, §5.2.2) when the
 *       policy says always or the path is suspicious.
 *   <li>N(NO_NATS_ALLOWED) whose addresses the headers contradict, or a NAT-D that finds a NAT,
 *       refuses the update with UNEXPECTED_NAT_DETECTED (§3.9); nothing moves.
 *   <li>N(COOKIE2) is echoed (§3.5); the answer carries our NAT-D when the request had some.
 *   <li>N(ADDITIONAL_IP4_ADDRESS)s replace the peer's address list, N(NO_ADDITIONAL_ADDRESSES)
 *       empties it (§3.6).
 * </ul>
 */
final class MobikeResponder {

  /**
   * @param payloads what the answer carries for MOBIKE
   * @param checkPath whether the IKE SA moved and its ESP waits for a return routability check
   */
  record Answer(List<IkePayload> payloads, boolean checkPath) {}

  private MobikeResponder() {}

  static Answer respond(
      IkeSa sa,
      IkeMessage request,
      Datagram datagram,
      MobikePolicy policy,
      EngineCounters counters) {
    List<IkePayload> payloads = new ArrayList<>();
    NotifyPayload cookie2 = request.notification(NotifyPayload.COOKIE2);
    if (cookie2 != null) {
      payloads.add(cookie2);
    }
    Endpoint to = datagram.destination();
    Endpoint from = datagram.source();
    IkeSaInitTask.NatState nat = IkeSaInitTask.natState(sa.spiI(), sa.spiR(), request, to, from);
    boolean checkPath = false;
    if (request.notification(NotifyPayload.UPDATE_SA_ADDRESSES) != null) {
      NotifyPayload noNats = request.notification(NotifyPayload.NO_NATS_ALLOWED);
      if (noNats != null
          && ((nat != null && nat.any())
              || !noNats.data().equals(MobikeTask.noNatsData(from, to)))) {
        counters.addressUpdatesRefused.increment();
        payloads.add(NotifyPayload.of(NotifyPayload.UNEXPECTED_NAT_DETECTED));
        return new Answer(payloads, false);
      }
      boolean unknownAddress =
          !from.address().equals(sa.remote().address())
              && !sa.peerAdditionalAddresses().contains(from.address());
      boolean newNat = nat != null && nat.any() && !sa.natDetected();
      checkPath = policy.alwaysCheckReturnRoutability() || unknownAddress || newNat;
      if (nat != null) {
        sa.path().nat(nat.local(), nat.remote());
      }
      if (checkPath) {
        sa.path().ikeEndpoints(to, from);
      } else {
        sa.endpoints(to, from);
      }
      counters.addressUpdates.increment();
    }
    learnAddresses(sa, request);
    if (nat != null) {
      payloads.addAll(IkeSaInitTask.natDetection(sa.spiI(), sa.spiR(), to, from));
    }
    return new Answer(payloads, checkPath);
  }

  /**
   * The peer's address list from IKE_AUTH or an INFORMATIONAL request (§3.6): a new list of
   * N(ADDITIONAL_IP4_ADDRESS) replaces the old one, N(NO_ADDITIONAL_ADDRESSES) clears it; a message
   * with neither leaves it as it was.
   */
  static void learnAddresses(IkeSa sa, IkeMessage message) {
    List<Ipv4Address> additional = new ArrayList<>();
    boolean none = false;
    for (NotifyPayload n : message.all(NotifyPayload.class)) {
      if (n.notifyType() == NotifyPayload.ADDITIONAL_IP4_ADDRESS && n.data().length() == 4) {
        additional.add(Ipv4Address.of(n.data().toByteArray()));
      } else if (n.notifyType() == NotifyPayload.NO_ADDITIONAL_ADDRESSES) {
        none = true;
      }
    }
    if (!additional.isEmpty() || none) {
      sa.path().peerAddresses(additional, additional.isEmpty());
    }
  }
}
