package io.mvpn.ipsec.gateway;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import java.util.Objects;

/**
 * The SA bundle between the gateway and one mobile node (seed 001 c1): the inbound SA, whose tunnel
 * source is a wildcard so it accepts the node from any care-of address, and the outbound SA to the
 * node's current care-of address. {@code homeAddress} is the node's address inside the private
 * network, the only inner source the inbound SA admits.
 *
 * @param udpEncapsulated ESP rides UDP 4500 toward the node (RFC 3948), for a path with a NAT
 */
public record MobileTunnel(
    Ipv4Address homeAddress,
    EspSecurityAssociation inbound,
    EspSecurityAssociation outbound,
    boolean udpEncapsulated) {

  public MobileTunnel {
    Objects.requireNonNull(homeAddress, "homeAddress");
    if (inbound.direction() != Direction.INBOUND || outbound.direction() != Direction.OUTBOUND) {
      throw new IllegalArgumentException("a tunnel needs one inbound and one outbound SA");
    }
  }

  /** Where the outbound SA sends now: the node's care-of address. */
  public Ipv4Address careOfAddress() {
    return outbound.tunnelDestination();
  }
}
