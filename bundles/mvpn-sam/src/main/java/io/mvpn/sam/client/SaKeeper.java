package io.mvpn.sam.client;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.esp.EspSuite;

/**
 * Where a {@link SamEspPath} gets the ESP SAs it runs an installed SA on, and whom it tells what
 * they did: in memory by default ({@link #IN_MEMORY}); a node may keep them in a token of its own
 * instead, which outlives the node.
 */
public interface SaKeeper {

  /** The two ESP SAs one installed SA runs on. */
  record Running(EspSecurityAssociation outbound, EspSecurityAssociation inbound) {}

  /** ESP SAs built from the installed SA's keys, held in memory only. */
  SaKeeper IN_MEMORY =
      (sa, self, peer, replayWindow) ->
          new Running(
              EspSuite.sa(sa.outbound(), Direction.OUTBOUND, self, peer, 0),
              EspSuite.sa(sa.inbound(), Direction.INBOUND, peer, self, replayWindow));

  /** The ESP SAs for an SA the node just installed with the peer at {@code peer}. */
  Running run(InstalledSa sa, Ipv4Address self, Ipv4Address peer, int replayWindow);

  /**
   * The outbound SA of {@link #run} has sealed one more packet: true if it may leave, false if it
   * is to be dropped (the keeper could not record what the SA used).
   */
  default boolean sent(EspSecurityAssociation outbound) {
    return true;
  }

  /** {@code replaced} no longer runs: {@code by}, an SA with the same peer, took its place. */
  default void replaced(InstalledSa replaced, InstalledSa by) {}
}
