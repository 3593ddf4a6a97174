package io.mvpn.store.events;

import io.mvpn.api.events.SecurityEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent events, at most a fixed number: the oldest is overwritten by the next.
 * Thread-safe without a lock: a writer claims its slot with one atomic increment. A reader racing
 * writers may miss an event whose slot is claimed but not yet written; it never sees one twice.
 */
final class EventRing {

  /** An event with its place in the order of arrival, so a reader skips overwritten slots. */
  private record Slot(long number, SecurityEvent event) {}

  private final AtomicReferenceArray<Slot> slots;
  private final AtomicLong added = new AtomicLong();

  EventRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  void add(SecurityEvent event) {
    long number = added.getAndIncrement();
    slots.set((int) (number % slots.length()), new Slot(number, event));
  }

  /** Events held now (at most the capacity). */
  int size() {
    return (int) Math.min(added.get(), slots.length());
  }

  /** The last {@code limit} events, of one tenant if not null, oldest first. */
  List<SecurityEvent> recent(int limit, String tenant) {
    long end = added.get();
    long first = Math.max(0, end - slots.length());
    List<SecurityEvent> newestFirst = new ArrayList<>();
    for (long i = end - 1; i >= first && newestFirst.size() < limit; i--) {
      Slot slot = slots.get((int) (i % slots.length()));
      if (slot != null
          && slot.number() == i
          && (tenant == null || tenant.equals(slot.event().tenant()))) {
        newestFirst.add(slot.event());
      }
    }
    List<SecurityEvent> oldestFirst = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      oldestFirst.add(newestFirst.get(i));
    }
    return oldestFirst;
  }
}
