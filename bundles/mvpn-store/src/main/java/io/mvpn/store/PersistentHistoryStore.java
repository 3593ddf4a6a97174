package io.mvpn.store;

import io.mvpn.api.history.HistoryStore;
import io.mvpn.store.InMemoryHistoryStore.Entry;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals in the {@link StateFile}: reads come from memory; an append goes into the file with its
 * next commit, together with the removal of what the bound pushed out, so the file never holds more
 * than the writer asked for. An entry is keyed {@code JOURNAL#SEQUENCE} (sixteen hex digits), so a
 * journal's entries lie together and in order in the file.
 */
public final class PersistentHistoryStore implements HistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentHistoryStore.class);

  static final String HISTORIES = "histories";

  private static final Charset UTF8 = StandardCharsets.UTF_8;

  private final InMemoryHistoryStore cache = new InMemoryHistoryStore();
  private final StateFile file;
  private final MVMap<String, byte[]> map;

  public PersistentHistoryStore(StateFile file) {
    this.file = file;
    this.map = file.map(HISTORIES);
    List<String> unreadable = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      int hash = e.getKey().lastIndexOf('#');
      try {
        String journal = HistoryStore.checkName(e.getKey().substring(0, Math.max(hash, 0)));
        long sequence = HexFormat.fromHexDigitsToLong(e.getKey(), hash + 1, e.getKey().length());
        cache.restore(journal, new Entry(sequence, new String(e.getValue(), UTF8)));
      } catch (IllegalArgumentException | IndexOutOfBoundsException bad) {
        unreadable.add(e.getKey());
      }
    }
    if (!unreadable.isEmpty()) {
      LOG.error("state file {}: {} history entries unreadable, dropped", file.path(), unreadable);
      file.change(() -> unreadable.forEach(map::remove));
    }
  }

  static String key(String journal, long sequence) {
    return journal + "#" + HexFormat.of().toHexDigits(sequence);
  }

  @Override
  public synchronized void append(String journal, String entry, int capacity) {
    List<Entry> dropped = cache.add(journal, entry, capacity);
    Entry added = cache.last(journal);
    file.change(
        () -> {
          map.put(key(journal, added.sequence()), entry.getBytes(UTF8));
          dropped.forEach(d -> map.remove(key(journal, d.sequence())));
        });
  }

  @Override
  public List<String> entries(String journal) {
    return cache.entries(journal);
  }

  @Override
  public Set<String> journals(String prefix) {
    return cache.journals(prefix);
  }

  @Override
  public synchronized boolean remove(String journal) {
    List<Entry> held = cache.held(journal);
    boolean removed = cache.remove(journal);
    if (removed) {
      file.change(() -> held.forEach(d -> map.remove(key(journal, d.sequence()))));
    }
    return removed;
  }
}
