package io.mvpn.ike.sa;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IdentificationPayload;
import io.mvpn.ike.message.Octets;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An IKE identity (RFC 7296 §3.5) without the IDi/IDr distinction, so one configured identity
 * serves whichever role the end plays.
 */
public record Identity(int type, Octets data) {

  public Identity {
    Objects.requireNonNull(data, "data");
  }

  public static Identity fqdn(String name) {
    return new Identity(
        IdentificationPayload.ID_FQDN, Octets.of(name.getBytes(StandardCharsets.US_ASCII)));
  }

  public static Identity ipv4(Ipv4Address address) {
    return new Identity(IdentificationPayload.ID_IPV4_ADDR, Octets.of(address.toBytes()));
  }

  public static Identity of(IdentificationPayload id) {
    return new Identity(id.idType(), id.data());
  }

  /** IDi when {@code initiator}, else IDr. */
  public IdentificationPayload payload(boolean initiator) {
    return new IdentificationPayload(initiator, type, data);
  }

  @Override
  public String toString() {
    return payload(true).toString().substring(4);
  }
}
