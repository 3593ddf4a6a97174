package io.mvpn.aodv;

import io.mvpn.api.Ipv4Address;
import java.util.List;
import java.util.Set;

/**
 * What makes a sink serve nodes that speak only DHCP (seed 002 c57-62): the Ethernet links it
 * listens on for their DHCP hellos, the subnet mask it hands them (long enough that the node
 * reaches the sink, its router, on the link), the lease time, and the DNS servers it names, if any.
 * The sink's own address on the link is the node's router and the DHCP server identifier.
 */
public record DhcpAccess(
    Set<String> links, int prefixLength, long leaseSeconds, List<Ipv4Address> dnsServers) {

  /** An hour: long enough that renewals are rare, short enough that a vanished node is freed. */
  public static final long DEFAULT_LEASE_SECONDS = 3600;

  public DhcpAccess {
    links = Set.copyOf(links);
    dnsServers = List.copyOf(dnsServers);
    if (links.isEmpty()) {
      throw new IllegalArgumentException("no DHCP access link");
    }
    if (prefixLength < 1 || prefixLength > 30) {
      throw new IllegalArgumentException("prefix length " + prefixLength);
    }
    if (leaseSeconds < 60 || leaseSeconds >= 0xFFFFFFFFL) {
      throw new IllegalArgumentException("lease of " + leaseSeconds + " s");
    }
  }
}
