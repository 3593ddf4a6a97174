package io.mvpn.store;

import io.mvpn.api.history.HistoryStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Journals in memory. In the appliance (with {@code type = memory}) they survive updates of the
 * functions that write them, not of the store's nor a restart; {@link PersistentHistoryStore} keeps
 * them in the state file, with this as its cache.
 */
public final class InMemoryHistoryStore implements HistoryStore {

  /** One entry and its place in its journal, which the state file keys it by. */
  record Entry(long sequence, String text) {}

  private final Map<String, Deque<Entry>> journals = new TreeMap<>();
  private final Map<String, Long> nextSequence = new TreeMap<>();

  @Override
  public void append(String journal, String entry, int capacity) {
    add(journal, entry, capacity);
  }

  /**
   * Appends and returns what the bound pushed out (oldest first), so the file can drop it too; the
   * new entry's sequence number is {@link #last}'s.
   */
  synchronized List<Entry> add(String journal, String entry, int capacity) {
    HistoryStore.checkName(journal);
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    long sequence = nextSequence.merge(journal, 1L, Long::sum) - 1;
    Deque<Entry> ring = journals.computeIfAbsent(journal, j -> new ArrayDeque<>());
    ring.addLast(new Entry(sequence, entry));
    List<Entry> dropped = new ArrayList<>();
    while (ring.size() > capacity) {
      dropped.add(ring.removeFirst());
    }
    return dropped;
  }

  /** The journal's newest entry, or null. */
  synchronized Entry last(String journal) {
    Deque<Entry> ring = journals.get(journal);
    return ring == null ? null : ring.peekLast();
  }

  /** Puts back an entry read from the file, at its own sequence number (in order of those). */
  synchronized void restore(String journal, Entry entry) {
    journals.computeIfAbsent(journal, j -> new ArrayDeque<>()).addLast(entry);
    nextSequence.merge(journal, entry.sequence() + 1, Math::max);
  }

  @Override
  public synchronized List<String> entries(String journal) {
    Deque<Entry> ring = journals.get(journal);
    return ring == null ? List.of() : ring.stream().map(Entry::text).toList();
  }

  /** The journal's entries with their sequence numbers, oldest first. */
  synchronized List<Entry> held(String journal) {
    Deque<Entry> ring = journals.get(journal);
    return ring == null ? List.of() : List.copyOf(ring);
  }

  @Override
  public synchronized Set<String> journals(String prefix) {
    Set<String> names = new TreeSet<>();
    for (String name : journals.keySet()) {
      if (name.startsWith(prefix)) {
        names.add(name);
      }
    }
    return names;
  }

  @Override
  public synchronized boolean remove(String journal) {
    nextSequence.remove(journal);
    return journals.remove(journal) != null;
  }
}
