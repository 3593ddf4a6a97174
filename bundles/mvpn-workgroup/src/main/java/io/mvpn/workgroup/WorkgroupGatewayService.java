package io.mvpn.workgroup;

import java.util.List;
import java.util.Map;

/** One running workgroup gateway of the appliance, as the shell sees it. Snapshots, not views. */
public interface WorkgroupGatewayService {

  /** An initiating party's SA into this realm, keyed by IKE (c7-c11). */
  record InboundSaView(String tunnelSource, String party, int spi, long packets) {}

  String name();

  String tenant();

  /** The gateway's public address: the IP-IP tunnel source of everything its realm sends (c3). */
  String publicAddress();

  /** The other tenants' gateways it has tunnels to (c4), from the membership directory. */
  List<String> peers();

  Map<WorkgroupCounter, Long> counters();

  List<InboundSaView> inboundSas();

  /** Parties refused at IKE_AUTH, oldest first: reason and detail. */
  List<String> refusals();
}
