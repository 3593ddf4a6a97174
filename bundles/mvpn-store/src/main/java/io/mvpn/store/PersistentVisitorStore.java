package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Foreign agents' visitors in the {@link StateFile}: reads come from memory, each change goes into
 * the file with its next commit (visitors change per registration, not per datagram). Visitors
 * whose wall-clock expiry passed while the file was closed are dropped when it is opened.
 */
public final class PersistentVisitorStore implements VisitorStore {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentVisitorStore.class);

  static final String VISITORS = "visitors";

  private final InMemoryVisitorStore cache = new InMemoryVisitorStore();
  private final StateFile file;
  private final MVMap<String, byte[]> map;

  public PersistentVisitorStore(StateFile file, Clock clock) {
    this.file = file;
    this.map = file.map(VISITORS);
    long now = PersistentBindingStore.unixNanos(clock);
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      try {
        VisitorEntry v = StateCodec.decodeVisitor(e.getValue());
        if (v.expiresAtUnixNanos() <= now) {
          gone.add(e.getKey());
        } else {
          cache.put(v);
        }
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: visitor {} unreadable, dropped", file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    file.change(() -> gone.forEach(map::remove));
  }

  private static String key(String agent, Ipv4Address homeAgent, Ipv4Address homeAddress) {
    return StateCodec.key(agent, homeAgent, homeAddress);
  }

  @Override
  public List<VisitorEntry> visitors(String agent) {
    return cache.visitors(agent);
  }

  @Override
  public synchronized void put(VisitorEntry v) {
    cache.put(v);
    file.change(
        () -> map.put(key(v.agent(), v.homeAgent(), v.homeAddress()), StateCodec.encode(v)));
  }

  @Override
  public synchronized VisitorEntry remove(
      String agent, Ipv4Address homeAgent, Ipv4Address homeAddress) {
    VisitorEntry removed = cache.remove(agent, homeAgent, homeAddress);
    if (removed != null) {
      file.change(() -> map.remove(key(agent, homeAgent, homeAddress)));
    }
    return removed;
  }

  @Override
  public synchronized int removeAgent(String agent) {
    List<VisitorEntry> old = cache.visitors(agent);
    cache.removeAgent(agent);
    file.change(() -> old.forEach(v -> map.remove(key(agent, v.homeAgent(), v.homeAddress()))));
    return old.size();
  }

  @Override
  public int size() {
    return cache.size();
  }
}
