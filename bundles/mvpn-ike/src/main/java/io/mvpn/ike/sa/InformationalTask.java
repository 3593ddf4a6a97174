package io.mvpn.ike.sa;

import io.mvpn.ike.message.DeletePayload;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.message.IkeMessage;
import io.mvpn.ike.message.IkePayload;
import io.mvpn.ike.message.Proposal;
import java.util.List;

/**
 * INFORMATIONAL (RFC 7296 §1.4): {@code SK{D(IKE)}} deletes the IKE SA and with it its Child SAs
 * (§1.4.1); {@code SK{}} checks that the peer is alive (§2.4), the retransmission timer of the
 * engine deciding that it is not.
 */
public final class InformationalTask implements IkeTask {

  private final boolean deleteIkeSa;

  private InformationalTask(boolean deleteIkeSa) {
    this.deleteIkeSa = deleteIkeSa;
  }

  public static InformationalTask deleteIkeSa() {
    return new InformationalTask(true);
  }

  public static InformationalTask liveness() {
    return new InformationalTask(false);
  }

  public boolean deletesIkeSa() {
    return deleteIkeSa;
  }

  @Override
  public int exchangeType() {
    return IkeHeader.INFORMATIONAL;
  }

  @Override
  public List<IkePayload> buildRequest(IkeSa sa) {
    if (!deleteIkeSa) {
      return List.of();
    }
    sa.state(IkeSaState.DELETING);
    return List.of(DeletePayload.ikeSa());
  }

  @Override
  public Outcome processResponse(IkeSa sa, IkeMessage response, byte[] raw) {
    return Outcome.DONE; // any authentic answer proves liveness and ends a delete
  }

  /**
   * The answer to a peer's INFORMATIONAL request: empty. A D(IKE) puts the SA in DELETING; the
   * engine drops it once the answer is out.
   */
  public static List<IkePayload> respond(IkeSa sa, IkeMessage request) {
    for (DeletePayload d : request.all(DeletePayload.class)) {
      if (d.protocolId() == Proposal.IKE) {
        sa.state(IkeSaState.DELETING);
      }
    }
    return List.of();
  }
}
