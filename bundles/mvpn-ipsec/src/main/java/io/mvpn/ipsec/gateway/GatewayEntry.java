package io.mvpn.ipsec.gateway;

import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.SecurityPolicy;
import java.util.ArrayList;
import java.util.List;

/** A security gateway's tunnel with the two SPD entries that point at it. */
final class GatewayEntry {
  final MobileTunnel tunnel;
  SecurityPolicy homePolicy;
  SecurityPolicy careOfPolicy;
  // Inbound SAs of this node's previous keys, still accepted until retired (RFC 7296 §2.8).
  final List<EspSecurityAssociation> retiring = new ArrayList<>(1);

  GatewayEntry(MobileTunnel tunnel) {
    this.tunnel = tunnel;
  }
}
