package io.mvpn.store.events;

import io.mvpn.api.events.SecurityEvent;
import io.mvpn.api.events.SecurityEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The security events as a plain engine: a ring of the recent ones, each reason's total, and log
 * lines at the rate a {@link LogRateLimiter} allows, with one "N more suppressed" line for each
 * window that held some back. Its clocks are given (virtual time in tests).
 *
 * <p>Reports come from many threads at once (every event loop of a gateway under a refused-ESP
 * flood) and take no lock: the totals are adders, the ring claims its slot atomically, and the
 * limiter counts its quotas atomically. Only an event the limiter admits is formatted into a line,
 * a few a second.
 */
public final class SecurityEventJournal implements SecurityEvents {

  private final EventRing ring;
  private final LogRateLimiter limiter;
  private final LongSupplier nanoClock;
  private final Supplier<Instant> wallClock;
  private final Consumer<String> lines;
  private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();

  /**
   * @param nanoClock the limiter's time
   * @param wallClock the events' time stamps
   * @param lines where log lines go
   */
  SecurityEventJournal(
      int capacity,
      LogRateLimiter limiter,
      LongSupplier nanoClock,
      Supplier<Instant> wallClock,
      Consumer<String> lines) {
    this.ring = new EventRing(capacity);
    this.limiter = limiter;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
    this.lines = lines;
  }

  @Override
  public void report(String tenant, String function, String source, String reason, String detail) {
    SecurityEvent event =
        new SecurityEvent(wallClock.get(), tenant, function, source, reason, detail);
    ring.add(event);
    totals.computeIfAbsent(event.reason(), r -> new LongAdder()).increment();
    long now = nanoClock.getAsLong();
    summarise(limiter.closeWindow(now));
    if (limiter.admit(event.reason(), now)) {
      lines.accept(line(event));
    }
  }

  /** Writes the summary of a window that has ended; the owner calls it a few times a second. */
  public void flush() {
    summarise(limiter.closeWindow(nanoClock.getAsLong()));
  }

  private void summarise(Map<String, Long> suppressed) {
    if (suppressed == null || suppressed.isEmpty()) {
      return;
    }
    long sum = suppressed.values().stream().mapToLong(Long::longValue).sum();
    lines.accept(
        sum
            + " more suppressed ("
            + suppressed.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))
            + ")");
  }

  static String line(SecurityEvent e) {
    return "tenant="
        + printable(e.tenant())
        + " function="
        + printable(e.function())
        + " source="
        + (e.source().isEmpty() ? "-" : printable(e.source()))
        + " reason="
        + printable(e.reason())
        + (e.detail().isEmpty()
            ? ""
            : " detail=\"" + printable(e.detail()).replace('"', '\'') + "\"");
  }

  /**
   * A detail may carry what a peer chose (a certificate's subject, an IKE identity): control
   * characters would let it forge lines of the log, so each becomes '?'.
   */
  static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public List<SecurityEvent> recent(int limit, String tenant) {
    return ring.recent(limit, tenant);
  }

  @Override
  public SortedMap<String, Long> totals() {
    SortedMap<String, Long> copy = new TreeMap<>();
    totals.forEach((reason, count) -> copy.put(reason, count.sum()));
    return copy;
  }
}
