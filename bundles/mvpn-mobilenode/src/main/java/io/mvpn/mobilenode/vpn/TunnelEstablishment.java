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
}
