package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Visitors in memory: in the appliance (with {@code type = memory}) they survive updates of the
 * foreign agent bundle, not of the store's nor a restart; tests use it directly. {@link
 * PersistentVisitorStore} keeps the same content in a file.
 */
public final class InMemoryVisitorStore implements VisitorStore {

  /** A visitor of an agent: home addresses repeat across home agents, never within one. */
  private record Key(String agent, int homeAgent, int homeAddress) {}

  private static final Comparator<VisitorEntry> ORDER =
      Comparator.comparing(VisitorEntry::homeAgent).thenComparing(VisitorEntry::homeAddress);

  private final Map<Key, VisitorEntry> visitors = new HashMap<>();

  private static Key key(VisitorEntry v) {
    return new Key(v.agent(), v.homeAgent().toInt(), v.homeAddress().toInt());
  }

  @Override
  public synchronized List<VisitorEntry> visitors(String agent) {
    return visitors.values().stream().filter(v -> v.agent().equals(agent)).sorted(ORDER).toList();
  }

  @Override
  public synchronized void put(VisitorEntry visitor) {
    visitors.put(key(visitor), visitor);
  }

  @Override
  public synchronized VisitorEntry remove(
      String agent, Ipv4Address homeAgent, Ipv4Address homeAddress) {
    return visitors.remove(new Key(agent, homeAgent.toInt(), homeAddress.toInt()));
  }

  @Override
  public synchronized int removeAgent(String agent) {
    int before = visitors.size();
    visitors.keySet().removeIf(k -> k.agent().equals(agent));
    return before - visitors.size();
  }

  @Override
  public synchronized int size() {
    return visitors.size();
  }
}
