package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NAPT mappings in memory: kept by the store bundle, they survive updates of the NAPT bundle (the
 * new instance keeps each flow's public port), not of the store bundle nor a restart of the
 * appliance. The {@code memory} backend's store, the persistent one's cache, and tests' store.
 */
public final class InMemoryNaptMappingStore implements NaptMappingStore {

  /** A public port: the same number is one mapping for UDP, another for TCP. */
  private record Key(int publicAddress, int protocol, int publicPort) {}

  private final Map<Key, NaptMapping> mappings = new ConcurrentHashMap<>();

  @Override
  public void put(NaptMapping mapping) {
    mappings.put(
        new Key(mapping.publicAddress().toInt(), mapping.protocol(), mapping.publicPort()),
        mapping);
  }

  @Override
  public boolean remove(Ipv4Address publicAddress, int protocol, int publicPort) {
    return mappings.remove(new Key(publicAddress.toInt(), protocol, publicPort)) != null;
  }

  @Override
  public List<NaptMapping> mappings(Ipv4Address publicAddress) {
    return mappings.values().stream().filter(m -> m.publicAddress().equals(publicAddress)).toList();
  }

  @Override
  public int size() {
    return mappings.size();
  }
}
