package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.NotifyPayload;
import io.mvpn.ike.message.Octets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * MOBIKE's own INFORMATIONAL exchanges (RFC 4555), as their initiator runs them.
 *
 * <ul>
 *   <li>The mobile node's address update (§3.5): {@code SK{N(UPDATE_SA_ADDRESSES), N(COOKIE2),
 *       [N(NO_NATS_ALLOWED)], N(NAT_D)s}} from the new path, the SA already moved there. The answer
 *       must echo the cookie; its NAT-D tell whether a NAT sits on the new path. An answer of
 *       UNEXPECTED_NAT_DETECTED (§3.9) refuses the path: the SA goes back to where it was.
 *   <li>The gateway's return routability check (§3.5, §5.2.2): {@code SK{N(COOKIE2)}} to the peer's
 *       new address, whose Child SAs' ESP moves there only once the cookie comes back.
 *   <li>An address list update (§3.6): {@code SK{N(ADDITIONAL_IP4_ADDRESS)s}}, or {@code
 *       SK{N(NO_ADDITIONAL_ADDRESSES)}}: where else this end can be reached.
 * </ul>
 */
final class MobikeTask implements IkeTask {

  private final byte[] cookie2;
  private final boolean update;
  private final boolean noNats;
  // An update's path before the move (to go back to when refused); a check's path being checked.
  private final Endpoint pathLocal;
  private final Endpoint pathRemote;
  private final List<Ipv4Address> addresses;

  private MobikeTask(
      byte[] cookie2,
      boolean update,
      boolean noNats,
      Endpoint pathLocal,
      Endpoint pathRemote,
      List<Ipv4Address> addresses) {
    this.cookie2 = cookie2 == null ? null : cookie2.clone();
    this.update = update;
    this.noNats = noNats;
    this.pathLocal = pathLocal;
    this.pathRemote = pathRemote;
    this.addresses = addresses == null ? null : List.copyOf(addresses);
  }

  /** The update of an SA moved from {@code pathLocal}, {@code pathRemote} to its endpoints now. */
  static MobikeTask update(
      byte[] cookie2, boolean noNats, Endpoint pathLocal, Endpoint pathRemote) {
    return new MobikeTask(cookie2, true, noNats, pathLocal, pathRemote, null);
  }

  /**
   * The responder's check of the path {@code local}, {@code remote} the peer moved the IKE SA to:
   * ESP follows if the echo comes back while IKE is still there (a later update brings its own
   * check).
   */
  static MobikeTask returnRoutability(byte[] cookie2, Endpoint local, Endpoint remote) {
    return new MobikeTask(cookie2, false, false, local, remote, null);
  }

  /** Tells the peer our other addresses; an empty list sends N(NO_ADDITIONAL_ADDRESSES). */
  static MobikeTask addresses(List<Ipv4Address> additional) {
    return new MobikeTask(null, false, false, null, null, additional);
  }

  @Override
  public int exchangeType() {
    return IkeHeader.INFORMATIONAL;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    List<IkePayload> payloads = new ArrayList<>();
    if (addresses != null) {
      for (Ipv4Address a : addresses) {
        payloads.add(
            NotifyPayload.of(NotifyPayload.ADDITIONAL_IP4_ADDRESS, Octets.of(a.toBytes())));
      }
      if (addresses.isEmpty()) {
        payloads.add(NotifyPayload.of(NotifyPayload.NO_ADDITIONAL_ADDRESSES));
      }
      return payloads;
    }
    if (update) {
      payloads.add(NotifyPayload.of(NotifyPayload.UPDATE_SA_ADDRESSES));
    }
    payloads.add(NotifyPayload.of(NotifyPayload.COOKIE2, Octets.of(cookie2)));
    if (update) {
      if (noNats) {
        payloads.add(
            NotifyPayload.of(NotifyPayload.NO_NATS_ALLOWED, noNatsData(sa.local(), sa.remote())));
      }
      payloads.addAll(IkeSaInitTask.natDetection(sa.spiI(), sa.spiR(), sa.local(), sa.remote()));
    }
    return payloads;
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    if (addresses != null) {
      return Outcome.DONE;
    }
    NotifyPayload echo = response.notification(NotifyPayload.COOKIE2);
    boolean echoed =
        echo != null && MessageDigest.isEqual(echo.data().toByteArray(), cookie2.clone());
    if (!update) {
      if (!echoed) {
        // ESP stays on the old path.
        return Outcome.REFUSED;
      }
      if (sa.local().equals(pathLocal) && sa.remote().equals(pathRemote)) {
        sa.espFollowsIke();
      }
      return Outcome.DONE;
    }
    if (!echoed) {
      // §3.5: an answer without our cookie is not the answer to this update.
      sa.fail(NotifyPayload.INVALID_SYNTAX);
      return Outcome.FAILED;
    }
    if (response.notification(NotifyPayload.UNEXPECTED_NAT_DETECTED) != null) {
      sa.endpoints(pathLocal, pathRemote);
      return Outcome.REFUSED;
    }
    IkeSaInitTask.NatState nat =
        IkeSaInitTask.natState(sa.spiI(), sa.spiR(), response, sa.local(), sa.remote());
    if (nat != null) {
      sa.path().nat(nat.local(), nat.remote());
    }
    return Outcome.DONE;
  }

  /**
   * NO_NATS_ALLOWED's data for IPv4 (§4.2.4): source and destination address, source and
   * destination port, as the sender put them in the IP and UDP headers.
   */
  static Octets noNatsData(Endpoint source, Endpoint destination) {
    return Octets.of(
        ByteBuffer.allocate(12)
            .put(source.address().toBytes())
            .put(destination.address().toBytes())
            .putShort((short) source.port())
            .putShort((short) destination.port())
            .array());
  }
}
