package io.mvpn.store.events;

import io.mvpn.api.events.SecurityEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent events, at most a fixed number: the oldest is overwritten by the next. Not
 * thread-safe; {@link SecurityEventJournal} guards it.
 */
final class EventRing {

  private final SecurityEvent[] slots;
  private long added;

  EventRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.slots = new SecurityEvent[capacity];
  }

  void add(SecurityEvent event) {
    slots[(int) (added % slots.length)] = event;
    added++;
  }

  /** Events held now (at most the capacity). */
  int size() {
    return (int) Math.min(added, slots.length);
  }

  /** The last {@code limit} events, of one tenant if not null, oldest first. */
  List<SecurityEvent> recent(int limit, String tenant) {
    List<SecurityEvent> newestFirst = new ArrayList<>();
    for (long i = added - 1; i >= added - size() && newestFirst.size() < limit; i--) {
      SecurityEvent e = slots[(int) (i % slots.length)];
      if (tenant == null || tenant.equals(e.tenant())) {
        newestFirst.add(e);
      }
    }
    List<SecurityEvent> oldestFirst = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      oldestFirst.add(newestFirst.get(i));
    }
    return oldestFirst;
  }
}
