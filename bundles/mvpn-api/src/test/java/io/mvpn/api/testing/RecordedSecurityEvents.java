package io.mvpn.api.testing;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Keeps every security event an engine reports, in order, for a test to read. */
public final class RecordedSecurityEvents implements SecurityEvents {

  private final List<SecurityEvent> events = new ArrayList<>();

  @Override
  public synchronized void report(
      String tenant, String function, String source, String reason, String detail) {
    events.add(new SecurityEvent(Instant.EPOCH, tenant, function, source, reason, detail));
  }

  /** Every event so far, oldest first. */
  public synchronized List<SecurityEvent> all() {
    return List.copyOf(events);
  }

  /** Each event as "reason from source". */
  public synchronized List<String> reasonsAndSources() {
    return events.stream().map(e -> e.reason() + " from " + e.source()).toList();
  }

  @Override
  public synchronized List<SecurityEvent> recent(int limit, String tenant) {
    return events.stream()
        .filter(e -> tenant == null || tenant.equals(e.tenant()))
        .skip(Math.max(0, events.size() - limit))
        .toList();
  }

  @Override
  public synchronized SortedMap<String, Long> totals() {
    SortedMap<String, Long> totals = new TreeMap<>();
    events.forEach(e -> totals.merge(e.reason(), 1L, Long::sum));
    return totals;
  }
}
