package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.DiameterMessage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers already given, by Origin-Host and End-to-End Identifier (RFC 6733 §6.1.3): a request seen
 * again (a retransmission after failover, T bit) gets the same answer rather than being served
 * twice. Entries live as long as an End-to-End Identifier must stay unique, four minutes.
 */
final class DuplicateCache {

  static final long LIFETIME_NANOS = 240_000_000_000L;

  private record Entry(long at, DiameterMessage answer) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final int capacity;

  DuplicateCache(int capacity) {
    this.capacity = capacity;
  }

  static String key(String originHost, int endToEnd) {
    return originHost + '/' + Integer.toUnsignedString(endToEnd);
  }

  DiameterMessage answer(String key, long now) {
    expire(now);
    Entry e = entries.get(key);
    return e == null ? null : e.answer();
  }

  void remember(String key, DiameterMessage answer, long now) {
    expire(now);
    entries.remove(key);
    entries.put(key, new Entry(now, answer));
    if (entries.size() > capacity) {
      Iterator<String> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  int size() {
    return entries.size();
  }

  private void expire(long now) {
    for (Iterator<Entry> i = entries.values().iterator(); i.hasNext(); ) {
      if (now - i.next().at() < LIFETIME_NANOS) {
        return;
      }
      i.remove();
    }
  }
}
