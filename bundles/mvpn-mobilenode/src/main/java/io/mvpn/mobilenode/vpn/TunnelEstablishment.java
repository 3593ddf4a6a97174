package io.mvpn.mobilenode.vpn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import java.util.function.BiConsumer;

/**
 * Sets up a fresh IPsec tunnel from a care-of address to the gateway (IKEv2 in a product); calls
 * {@code ready} with the node's new inbound and outbound SAs once the gateway holds its half.
 */
@FunctionalInterface
public interface TunnelEstablishment {

  void establish(
      Ipv4Address careOf, BiConsumer<EspSecurityAssociation, EspSecurityAssociation> ready);

  /**
   * The node's SAs moved to {@code careOf} without a new key exchange (seed 001's fast handover)
   * and the home agent accepted the registration from there: the gateway's outbound SA follows by
   * the home agent's SIU, and a key exchange that keeps state of its own (IKE's SA) may tell the
   * gateway too. Nothing by default.
   */
  default void moved(Ipv4Address careOf) {}
}
