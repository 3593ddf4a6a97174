package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.StoredEspTunnel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Security gateways' SAs in memory: in the appliance (with {@code type = memory}) they survive
 * updates of the ipsec bundle, not of the store's nor a restart; tests use it directly. {@link
 * PersistentEspSaStore} keeps the same content in a file.
 */
public final class InMemoryEspSaStore implements EspSaStore {

  /** One SA's reservation: SPIs are chosen by either end, so the node's address is part of it. */
  record SequenceKey(String gateway, int homeAddress, Direction direction, int spi) {}

  private final Map<String, Map<Integer, StoredEspTunnel>> tunnels = new HashMap<>();
  private final SequenceReservations<SequenceKey> reservations = new SequenceReservations<>();

  static SequenceKey key(String gateway, Ipv4Address home, Direction direction, int spi) {
    return new SequenceKey(gateway, home.toInt(), direction, spi);
  }

  /** The reservation keys of every SA the tunnel holds. */
  static Set<SequenceKey> sequenceKeys(String gateway, StoredEspTunnel t) {
    Ipv4Address home = t.homeAddress();
    return Stream.concat(
            Stream.of(
                key(gateway, home, Direction.INBOUND, t.tunnel().inbound().spi()),
                key(gateway, home, Direction.OUTBOUND, t.tunnel().outbound().spi())),
            t.retiring().stream().map(r -> key(gateway, home, Direction.INBOUND, r.keys().spi())))
        .collect(Collectors.toSet());
  }

  /**
   * Stores the tunnel; returns the reservation keys it dropped, for a persistent copy to drop too.
   */
  synchronized List<SequenceKey> putAndDrop(String gateway, StoredEspTunnel t) {
    tunnels.computeIfAbsent(gateway, g -> new LinkedHashMap<>()).put(t.homeAddress().toInt(), t);
    Set<SequenceKey> kept = sequenceKeys(gateway, t);
    return dropReservations(gateway, t.homeAddress(), kept);
  }

  private List<SequenceKey> dropReservations(
      String gateway, Ipv4Address home, Set<SequenceKey> kept) {
    List<SequenceKey> gone = new ArrayList<>();
    reservations.removeIf(
        k -> {
          boolean drop =
              k.gateway().equals(gateway) && k.homeAddress() == home.toInt() && !kept.contains(k);
          if (drop) {
            gone.add(k);
          }
          return drop;
        });
    return gone;
  }

  @Override
  public void put(String gateway, StoredEspTunnel tunnel) {
    putAndDrop(gateway, tunnel);
  }

  @Override
  public synchronized StoredEspTunnel remove(String gateway, Ipv4Address homeAddress) {
    Map<Integer, StoredEspTunnel> of = tunnels.get(gateway);
    StoredEspTunnel removed = of == null ? null : of.remove(homeAddress.toInt());
    if (of != null && of.isEmpty()) {
      tunnels.remove(gateway);
    }
    dropReservations(gateway, homeAddress, Set.of());
    return removed;
  }

  @Override
  public synchronized List<StoredEspTunnel> tunnels(String gateway) {
    Map<Integer, StoredEspTunnel> of = tunnels.get(gateway);
    return of == null ? List.of() : List.copyOf(of.values());
  }

  @Override
  public void reserve(
      String gateway, Ipv4Address homeAddress, Direction direction, int spi, long upTo) {
    reservations.raise(key(gateway, homeAddress, direction, spi), upTo);
  }

  @Override
  public void release(
      String gateway, Ipv4Address homeAddress, Direction direction, int spi, long usedUpTo) {
    reservations.set(key(gateway, homeAddress, direction, spi), usedUpTo);
  }

  @Override
  public long reserved(String gateway, Ipv4Address homeAddress, Direction direction, int spi) {
    return reservations.get(key(gateway, homeAddress, direction, spi));
  }

  /** The reservations, for a persistent copy to raise and set alongside. */
  SequenceReservations<SequenceKey> reservations() {
    return reservations;
  }

  @Override
  public void flush() {
    // Memory is as durable as it gets.
  }

  @Override
  public synchronized int size() {
    return tunnels.values().stream().mapToInt(Map::size).sum();
  }
}
