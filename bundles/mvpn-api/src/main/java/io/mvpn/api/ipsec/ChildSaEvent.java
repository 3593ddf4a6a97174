package io.mvpn.api.ipsec;

import io.mvpn.api.Ipv4Address;
import java.util.Objects;

/**
 * A Child SA a key exchange installed into a security gateway, re-keyed or ended: what a function
 * that follows keying (a workgroup gateway, an SA manager) learns without knowing the exchange.
 *
 * @param gateway the gateway the tunnel is in, as {@link EspTunnelService#GATEWAY} names it
 * @param homeAddress the node the tunnel serves
 * @param peer where the exchange made the tunnel send: the node's address, or its NAT's
 * @param inboundSpi the SPI the gateway receives on
 * @param outboundSpi the SPI the gateway sends on
 */
public record ChildSaEvent(
    Type type,
    String gateway,
    Ipv4Address homeAddress,
    Ipv4Address peer,
    int inboundSpi,
    int outboundSpi) {

  public enum Type {
    /** A node's tunnel from a new exchange, replacing any it had. */
    CREATED,
    /** New keys for a node's tunnel; its previous inbound SA stays until it is DELETED. */
    REKEYED,
    /** The SA ended: the node's tunnel with it if it was the current one. */
    DELETED
  }

  public ChildSaEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(homeAddress, "homeAddress");
    Objects.requireNonNull(peer, "peer");
  }
}
