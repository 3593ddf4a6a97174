package io.mvpn.keying;

import io.mvpn.ike.IkeService.ChildSaView;
import io.mvpn.ike.IkeService.IkeSaView;
import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TransformNames;
import io.mvpn.ike.sa.ChildSa;
import io.mvpn.ike.sa.IkeSa;
import java.util.ArrayList;
import java.util.List;

/** IKE SAs as the shell shows them; called on the engine's thread. */
final class SaViews {

  private SaViews() {}

  static IkeSaView view(String daemon, String peer, IkeSa sa) {
    List<ChildSaView> children = new ArrayList<>();
    for (ChildSa child : sa.childSas()) {
      children.add(
          new ChildSaView(
              child.inbound().spi() & 0xFFFFFFFFL,
              child.outbound().spi() & 0xFFFFFFFFL,
              PeerSpec.format(child.localSelectors()),
              PeerSpec.format(child.remoteSelectors()),
              algorithms(child.proposal())));
    }
    return new IkeSaView(
        daemon,
        peer,
        sa.isInitiator(),
        sa.spiI(),
        sa.spiR(),
        sa.state().name(),
        sa.local().toString(),
        sa.remote().toString(),
        sa.remoteId() == null ? "" : sa.remoteId().toString(),
        sa.localBehindNat(),
        sa.remoteBehindNat(),
        children,
        sa.peerAdditionalAddresses().stream().map(Object::toString).toList(),
        algorithms(sa.proposal()));
  }

  /** The chosen transforms by name; whatever type or ID a proposal carries is named generically. */
  static String algorithms(Proposal chosen) {
    return chosen == null ? "" : TransformNames.describe(chosen);
  }
}
