package io.mvpn.foreignagent.internal;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.dispatch.TunnelEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant of each home agent on this appliance, by its public address, from the tunnel endpoints
 * bound. An endpoint is forgotten by identity: a replacement bound before its predecessor is
 * unbound (same address, same tenant) stays, and an address whose last endpoint goes is gone.
 */
final class HomeAgentTenants {

  private final List<TunnelEndpoint> bound = new ArrayList<>();
  private final Map<Ipv4Address, String> byAddress = new ConcurrentHashMap<>();

  synchronized void bind(TunnelEndpoint endpoint) {
    bound.add(endpoint);
    byAddress.put(endpoint.address(), endpoint.tenant().value());
  }

  synchronized void unbind(TunnelEndpoint endpoint) {
    bound.removeIf(e -> e == endpoint);
    Ipv4Address address = endpoint.address();
    String tenant = null;
    for (TunnelEndpoint e : bound) {
      if (e.address().equals(address)) {
        tenant = e.tenant().value(); // the latest bound answers, as it did when bound
      }
    }
    if (tenant == null) {
      byAddress.remove(address);
    } else {
      byAddress.put(address, tenant);
    }
  }

  /** A live view, safe to read from any thread. */
  Map<Ipv4Address, String> byAddress() {
    return byAddress;
  }

  boolean contains(Ipv4Address address) {
    return byAddress.containsKey(address);
  }
}
