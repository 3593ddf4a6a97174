package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Optional;

/**
 * Where one IKE SA and its Child SAs' ESP travel: the IKE endpoints, which follow the peer behind a
 * NAT (RFC 7296 §2.23) and MOBIKE's updates (RFC 4555); the ESP endpoints, which stay on the old
 * path while a return routability check of a new one runs (§3.5), or for good when something else
 * moves them; the NAT detection results; and the addresses the peer announced (§3.6). The {@link
 * IkeSa} reads it out; the tasks move it.
 */
final class IkePath {

  private final Ipv4Address via;
  private Endpoint local;
  private Endpoint remote;
  private Endpoint espLocal;
  private Endpoint espRemote;
  private boolean espPinned;
  private boolean localBehindNat;
  private boolean remoteBehindNat;
  private List<Ipv4Address> peerAdditionalAddresses = List.of();
  private boolean peerAnnouncedNoAdditional;

  IkePath(Endpoint local, Endpoint remote, Ipv4Address via) {
    this.via = via;
    this.local = local;
    this.remote = remote;
    this.espLocal = local;
    this.espRemote = remote;
  }

  /** The same path for the SA that re-keys this one's (§2.18). */
  IkePath copy() {
    IkePath next = new IkePath(local, remote, via);
    next.espLocal = espLocal;
    next.espRemote = espRemote;
    next.espPinned = espPinned;
    next.localBehindNat = localBehindNat;
    next.remoteBehindNat = remoteBehindNat;
    next.peerAdditionalAddresses = peerAdditionalAddresses;
    next.peerAnnouncedNoAdditional = peerAnnouncedNoAdditional;
    return next;
  }

  Endpoint local() {
    return local;
  }

  /** The tunnel the SA was set up through ({@link Datagram#via}), for good; null: the one way. */
  Ipv4Address via() {
    return via;
  }

  Endpoint remote() {
    return remote;
  }

  boolean localBehindNat() {
    return localBehindNat;
  }

  boolean remoteBehindNat() {
    return remoteBehindNat;
  }

  boolean natDetected() {
    return localBehindNat || remoteBehindNat;
  }

  Optional<UdpEncapsulation> udpEncapsulation() {
    return natDetected()
        ? Optional.of(new UdpEncapsulation(espLocal, espRemote))
        : Optional.empty();
  }

  boolean espPathPending() {
    return !espLocal.equals(local) || !espRemote.equals(remote);
  }

  List<Ipv4Address> peerAdditionalAddresses() {
    return peerAdditionalAddresses;
  }

  boolean peerAnnouncedNoAdditional() {
    return peerAnnouncedNoAdditional;
  }

  /**
   * Moves IKE alone to a new path; ESP stays where it was until {@link #espFollowsIke}: a MOBIKE
   * responder checks return routability first (RFC 4555 §3.5).
   */
  void ikeEndpoints(Endpoint newLocal, Endpoint newRemote) {
    local = newLocal;
    remote = newRemote;
  }

  /**
   * The Child SAs' ESP SAs stay where they are when IKE moves (something else moves them); {@link
   * #udpEncapsulation} still says where IKE is.
   */
  void pinEsp() {
    espPinned = true;
  }

  /** The Child SAs' ESP SAs move to the IKE endpoints, same SPIs and keys. */
  void espFollowsIke(List<ChildSa> children) {
    boolean moved =
        !local.address().equals(espLocal.address())
            || !remote.address().equals(espRemote.address());
    espLocal = local;
    espRemote = remote;
    if (moved && !espPinned) {
      // The Child SAs' ESP shares the IKE SA's mapping (RFC 3948): it moves with it.
      for (ChildSa child : children) {
        child.outbound().repoint(local.address(), remote.address());
        child.inbound().repoint(remote.address(), local.address());
      }
    }
  }

  void peerAddresses(List<Ipv4Address> additional, boolean noAdditional) {
    peerAdditionalAddresses = List.copyOf(additional);
    peerAnnouncedNoAdditional = noAdditional;
  }

  void nat(boolean localNat, boolean remoteNat) {
    localBehindNat = localNat;
    remoteBehindNat = remoteNat;
  }
}
