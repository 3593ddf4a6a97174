package io.mvpn.ike.sa;

import io.mvpn.ike.message.DeletePayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.Octets;
import io.mvpn.ike.message.Proposal;
import java.util.ArrayList;
import java.util.List;

/**
 * INFORMATIONAL (RFC 7296 §1.4): {@code SK{D(IKE)}} deletes the IKE SA and with it its Child SAs
 * (§1.4.1); {@code SK{}} checks that the peer is alive (§2.4), the retransmission timer of the
 * engine deciding that it is not.
 */
public final class InformationalTask implements IkeTask {

  private final boolean deleteIkeSa;
  private final ChildSa child;

  private InformationalTask(boolean deleteIkeSa, ChildSa child) {
    this.deleteIkeSa = deleteIkeSa;
    this.child = child;
  }

  public static InformationalTask deleteIkeSa() {
    return new InformationalTask(true, null);
  }

  /** {@code SK{D(ESP, our inbound SPI)}}: closes one Child SA, the IKE SA stays (§1.4.1). */
  public static InformationalTask deleteChildSa(ChildSa child) {
    return new InformationalTask(false, child);
  }

  public static InformationalTask liveness() {
    return new InformationalTask(false, null);
  }

  public boolean deletesIkeSa() {
    return deleteIkeSa;
  }

  /** The Child SA this task deletes, or null. */
  public ChildSa deletedChild() {
    return child;
  }

  @Override
  public int exchangeType() {
    return IkeHeader.INFORMATIONAL;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    if (child != null) {
      return List.of(DeletePayload.esp(child.inbound().spi()));
    }
    if (!deleteIkeSa) {
      return List.of();
    }
    sa.state(IkeSaState.DELETING);
    return List.of(DeletePayload.ikeSa());
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    if (child != null) {
      sa.removeChildSa(child.outbound().spi());
    }
    return Outcome.DONE; // any authentic answer proves liveness and ends a delete
  }

  /**
   * The answer to a peer's INFORMATIONAL request. A D(IKE) puts the SA in DELETING; the engine
   * drops it once the answer is out. A D(ESP) names the SPIs the peer receives on, our outbound
   * ones: those Child SAs go, and the answer names their inbound SPIs so that the peer deletes the
   * other half of each pair too (§1.4.1). SPIs of no Child SA of ours are ignored.
   */
  public static List<IkePayload> respond(IkeSa sa, IkeMessage request) {
    List<Integer> closed = new ArrayList<>();
    for (DeletePayload d : request.all(DeletePayload.class)) {
      if (d.protocolId() == Proposal.IKE) {
        sa.state(IkeSaState.DELETING);
        return List.of(); // the IKE SA takes its Child SAs with it
      }
      if (d.protocolId() == Proposal.ESP && d.spiSize() == 4) {
        for (Octets spi : d.spis()) {
          ChildSa child = sa.removeChildSa(ChildSaFactory.spiOf(spi));
          if (child != null) {
            closed.add(child.inbound().spi());
          }
        }
      }
    }
    if (closed.isEmpty()) {
      return List.of();
    }
    return List.of(DeletePayload.esp(closed.stream().mapToInt(Integer::intValue).toArray()));
  }
}
