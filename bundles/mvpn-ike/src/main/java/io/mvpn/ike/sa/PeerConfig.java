package io.mvpn.ike.sa;

import io.mvpn.ike.message.TrafficSelector;
import java.util.List;
import java.util.Objects;

/**
 * What one end is and accepts for its IKE SAs, the same record for either role.
 *
 * @param localId our IDi or IDr
 * @param remoteId the identity the peer must prove, or null for any identity the authenticator
 *     accepts
 * @param authenticator our proof and the check of the peer's
 * @param localSelectors our side of the Child SA's traffic (TSi as initiator, TSr as responder)
 * @param remoteSelectors the peer's side
 * @param ike IKE SA transforms
 * @param esp Child SA transforms
 * @param mobike whether we announce MOBIKE_SUPPORTED (RFC 4555 §3.2)
 */
public record PeerConfig(
    Identity localId,
    Identity remoteId,
    Authenticator authenticator,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    ProposalPolicy ike,
    ProposalPolicy esp,
    boolean mobike) {

  public PeerConfig {
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(authenticator, "authenticator");
    localSelectors = List.copyOf(localSelectors);
    remoteSelectors = List.copyOf(remoteSelectors);
    if (localSelectors.isEmpty() || remoteSelectors.isEmpty()) {
      throw new IllegalArgumentException("a Child SA needs selectors on both sides");
    }
    Objects.requireNonNull(ike, "ike");
    Objects.requireNonNull(esp, "esp");
  }

  /** With the default IKE and ESP transforms and MOBIKE announced. */
  public static PeerConfig of(
      Identity localId,
      Identity remoteId,
      Authenticator authenticator,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors) {
    return new PeerConfig(
        localId,
        remoteId,
        authenticator,
        localSelectors,
        remoteSelectors,
        ProposalPolicy.ikeDefault(),
        ProposalPolicy.espDefault(),
        true);
  }

  public PeerConfig withIke(ProposalPolicy policy) {
    return new PeerConfig(
        localId, remoteId, authenticator, localSelectors, remoteSelectors, policy, esp, mobike);
  }

  public PeerConfig withAuthenticator(Authenticator other) {
    return new PeerConfig(
        localId, remoteId, other, localSelectors, remoteSelectors, ike, esp, mobike);
  }
}
