package io.mvpn.store;

import io.mvpn.api.mobility.CounterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters in the {@link StateFile}. Counting never touches the file: engines add to memory, and
 * {@link #flush} writes the totals that changed, once a second from the file's committer thread and
 * when the store closes. A crash loses at most the last second's counts; an update of any bundle,
 * none.
 */
public final class PersistentCounterStore implements CounterStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentCounterStore.class);

  static final String COUNTERS = "counters";

  private final InMemoryCounterStore counters = new InMemoryCounterStore();
  private final StateFile file;
  private final MVMap<String, byte[]> map;

  /**
   * @param flushIntervalMillis how often totals go to the file; 0 writes only on {@link #flush}
   */
  public PersistentCounterStore(StateFile file, long flushIntervalMillis) {
    this.file = file;
    this.map = file.map(COUNTERS);
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      String[] key = e.getKey().split(" ");
      try {
        InMemoryCounterStore.Handle h = counters.handle(key[0], key[1]);
        h.written = StateCodec.decodeLong(e.getValue());
        h.add(h.written);
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException bad) {
        LOG.error("state file {}: counter {} unreadable, dropped", file.path(), e.getKey());
      }
    }
    if (flushIntervalMillis > 0) {
      file.every(flushIntervalMillis, this::flush);
    }
  }

  @Override
  public Counter counter(String scope, String name) {
    return counters.counter(scope, name);
  }

  @Override
  public SortedMap<String, Long> snapshot(String scope) {
    return counters.snapshot(scope);
  }

  @Override
  public void reset(String scope) {
    counters.reset(scope);
    flush();
  }

  /** Writes every total that changed since it was last written, in one commit. */
  public synchronized void flush() {
    List<Runnable> writes = new ArrayList<>();
    counters.forEach(
        (scope, name, h) -> {
          long total = h.get();
          if (total != h.written) {
            h.written = total;
            writes.add(() -> map.put(StateCodec.key(scope, name), StateCodec.encodeLong(total)));
          }
        });
    if (!writes.isEmpty()) {
      file.change(() -> writes.forEach(Runnable::run));
    }
  }

  /** Writes the last totals; the file's close commits them and ends the periodic writes. */
  @Override
  public void close() {
    flush();
  }
}
