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

  AodvParameters parameters();
}
