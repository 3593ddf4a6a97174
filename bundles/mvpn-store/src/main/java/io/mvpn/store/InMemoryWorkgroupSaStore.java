package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workgroup gateways' SAs in memory: in the appliance (with {@code type = memory}) they survive
 * updates of the workgroup bundle, not of the store's nor a restart; tests use it directly. {@link
 * PersistentWorkgroupSaStore} keeps the same content in a file.
 */
public final class InMemoryWorkgroupSaStore implements WorkgroupSaStore {

  /** An SA as a gateway selects it, and so its reservation's name. */
  record SaKey(String gateway, int tunnelSource, int spi) {

    static SaKey of(String gateway, Ipv4Address tunnelSource, int spi) {
      return new SaKey(gateway, tunnelSource.toInt(), spi);
    }

    /** Its name in the state file's maps. */
    String name() {
      return WorkgroupCodec.saKey(gateway, Ipv4Address.of(tunnelSource), spi);
    }
  }

  private final Map<String, Map<SaKey, StoredWorkgroupSa>> sas = new HashMap<>();
  private final SequenceReservations<SaKey> reservations = new SequenceReservations<>();

  @Override
  public synchronized void put(String gateway, StoredWorkgroupSa sa) {
    sas.computeIfAbsent(gateway, g -> new LinkedHashMap<>())
        .put(SaKey.of(gateway, sa.tunnelSource(), sa.spi()), sa);
  }

  @Override
  public synchronized StoredWorkgroupSa remove(String gateway, Ipv4Address tunnelSource, int spi) {
    SaKey key = SaKey.of(gateway, tunnelSource, spi);
    reservations.removeIf(key::equals);
    Map<SaKey, StoredWorkgroupSa> of = sas.get(gateway);
    StoredWorkgroupSa removed = of == null ? null : of.remove(key);
    if (of != null && of.isEmpty()) {
      sas.remove(gateway);
    }
    return removed;
  }

  @Override
  public synchronized List<StoredWorkgroupSa> sas(String gateway) {
    Map<SaKey, StoredWorkgroupSa> of = sas.get(gateway);
    return of == null ? List.of() : List.copyOf(of.values());
  }

  @Override
  public void reserve(String gateway, Ipv4Address tunnelSource, int spi, long upTo) {
    reservations.raise(SaKey.of(gateway, tunnelSource, spi), upTo);
  }

  @Override
  public void release(String gateway, Ipv4Address tunnelSource, int spi, long usedUpTo) {
    reservations.set(SaKey.of(gateway, tunnelSource, spi), usedUpTo);
  }

  @Override
  public long reserved(String gateway, Ipv4Address tunnelSource, int spi) {
    return reservations.get(SaKey.of(gateway, tunnelSource, spi));
  }

  /** The reservations, for a persistent copy to raise and set alongside. */
  SequenceReservations<SaKey> reservations() {
    return reservations;
  }

  @Override
  public void flush() {
    // Memory is as durable as it gets.
  }

  @Override
  public synchronized int size() {
    return sas.values().stream().mapToInt(Map::size).sum();
  }
}
