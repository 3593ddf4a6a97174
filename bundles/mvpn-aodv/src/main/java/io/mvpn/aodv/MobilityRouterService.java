package io.mvpn.aodv;

import io.mvpn.aodv.route.RouteEntry;
import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Map;

/** One running mobility router of the appliance, as the shell sees it. Snapshots, not views. */
public interface MobilityRouterService {

  String name();

  Ipv4Address address();

  List<RouteEntry> routes();

  List<Ipv4Address> neighbours();

  Map<AodvCounter, Long> counters();

  /** Nodes that entered through this router as a sink with authenticated hellos (seed 002 c40). */
  List<SiteNode> siteNodes();

  /** Nodes that entered with DHCP hellos, the sink acting for them in AODV (seed 002 c57-62). */
  default List<DhcpLease> dhcpLeases() {
    return List.of();
  }

  AodvParameters parameters();
}
