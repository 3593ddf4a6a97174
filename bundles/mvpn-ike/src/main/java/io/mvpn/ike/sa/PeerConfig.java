package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
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
 * @param virtualAddresses as initiator, non-null asks the responder for an address (the function is
 *     not called); as responder, gives an initiator that asks its internal address (a road
 *     warrior's home address, RFC 7296 §3.15), or null to refuse; null: no configuration payload
 */
public record PeerConfig(
    Identity localId,
    Identity remoteId,
    Authenticator authenticator,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    ProposalPolicy ike,
    ProposalPolicy esp,
    boolean mobike,
    java.util.function.Function<Identity, Ipv4Address> virtualAddresses) {

  /** Without configuration payloads. */
  public PeerConfig(
      Identity localId,
      Identity remoteId,
      Authenticator authenticator,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors,
      ProposalPolicy ike,
      ProposalPolicy esp,
      boolean mobike) {
    this(localId, remoteId, authenticator, localSelectors, remoteSelectors, ike, esp, mobike, null);
  }

  /** As initiator: ask for an internal address; as responder: hand them out with {@code pool}. */
  public PeerConfig withVirtualAddresses(java.util.function.Function<Identity, Ipv4Address> pool) {
    return new PeerConfig(
        localId, remoteId, authenticator, localSelectors, remoteSelectors, ike, esp, mobike, pool);
  }

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
    return withProposals(policy, esp);
  }

  /** With these IKE and ESP transforms, as an operator configured them. */
  public PeerConfig withProposals(ProposalPolicy ikePolicy, ProposalPolicy espPolicy) {
    return new PeerConfig(
        localId,
        remoteId,
        authenticator,
        localSelectors,
        remoteSelectors,
        ikePolicy,
        espPolicy,
        mobike,
        virtualAddresses);
  }

  public PeerConfig withAuthenticator(Authenticator other) {
    return new PeerConfig(
        localId,
        remoteId,
        other,
        localSelectors,
        remoteSelectors,
        ike,
        esp,
        mobike,
        virtualAddresses);
  }
}
