package io.mvpn.aodv.route;

import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * One (destination, sequence number) pair of a RERR (RFC 3561 §5.3, §6.11), as the table reports it
 * after invalidating a route, or as the engine passes it in from a received RERR.
 */
public record UnreachableDestination(Ipv4Address destination, int seq) {

  public UnreachableDestination {
    Objects.requireNonNull(destination, "destination");
  }

  @Override
  public String toString() {
    return destination + "/" + SequenceNumbers.toString(seq);
  }
}
