package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAPT mappings in the {@link StateFile}: reads come from memory, each change goes into the file
 * with its next commit (a NAPT writes when a mapping is made, changes TCP state or goes, never per
 * datagram). A mapping carries no time ({@link NaptMapping} leaves idle time out), so every stored
 * mapping is kept on open; the NAPT that takes it over starts a fresh idle period and ends it from
 * there.
 */
public final class PersistentNaptMappingStore implements NaptMappingStore {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentNaptMappingStore.class);

  static final String MAPPINGS = "napt-mappings";

  private final InMemoryNaptMappingStore cache = new InMemoryNaptMappingStore();
  private final StateFile file;
  private final MVMap<String, byte[]> map;

  public PersistentNaptMappingStore(StateFile file) {
    this.file = file;
    this.map = file.map(MAPPINGS);
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      try {
        cache.put(NaptMappingCodec.decode(e.getValue()));
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: NAPT mapping {} unreadable, dropped", file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    if (!gone.isEmpty()) {
      file.change(() -> gone.forEach(map::remove));
    }
  }

  @Override
  public synchronized void put(NaptMapping mapping) {
    cache.put(mapping);
    file.change(() -> map.put(NaptMappingCodec.key(mapping), NaptMappingCodec.encode(mapping)));
  }

  @Override
  public synchronized boolean remove(Ipv4Address publicAddress, int protocol, int publicPort) {
    boolean removed = cache.remove(publicAddress, protocol, publicPort);
    if (removed) {
      file.change(() -> map.remove(NaptMappingCodec.key(publicAddress, protocol, publicPort)));
    }
    return removed;
  }

  @Override
  public List<NaptMapping> mappings(Ipv4Address publicAddress) {
    return cache.mappings(publicAddress);
  }

  @Override
  public int size() {
    return cache.size();
  }
}
