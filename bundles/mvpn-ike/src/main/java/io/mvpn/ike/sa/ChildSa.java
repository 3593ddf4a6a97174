package io.mvpn.ike.sa;

import io.mvpn.ike.message.Proposal;
import io.mvpn.ike.message.TrafficSelector;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import java.util.List;

/**
 * A Child SA as one end holds it (RFC 7296 §1.3, §2.17): the ESP SA it receives on, under the SPI
 * it chose itself, and the one it sends on, under the SPI the peer chose.
 *
 * @param inbound decrypts what the peer sends
 * @param outbound encrypts what we send
 * @param localSelectors our side of the narrowed traffic
 * @param remoteSelectors the peer's side
 * @param proposal the ESP proposal both ends agreed on (its transforms name the algorithms); null
 *     when not known
 */
public record ChildSa(
    EspSecurityAssociation inbound,
    EspSecurityAssociation outbound,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    Proposal proposal) {

  public ChildSa {
    localSelectors = List.copyOf(localSelectors);
    remoteSelectors = List.copyOf(remoteSelectors);
  }

  /** A Child SA whose proposal is not known. */
  public ChildSa(
      EspSecurityAssociation inbound,
      EspSecurityAssociation outbound,
      List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors) {
    this(inbound, outbound, localSelectors, remoteSelectors, null);
  }

  @Override
  public String toString() {
    return String.format(
        "CHILD_SA in %08x out %08x %s === %s",
        inbound.spi(), outbound.spi(), localSelectors, remoteSelectors);
  }
}
