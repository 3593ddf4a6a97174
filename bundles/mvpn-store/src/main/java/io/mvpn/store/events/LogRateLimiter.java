package io.mvpn.store.events;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides which events get a log line: in each window (one second by default) at most {@code total}
 * lines, and at most {@code perReason} of any one reason, so a flood of one kind cannot hide the
 * others. What it holds back is counted by reason and summed up in one line when the window ends.
 * Time is the caller's, in nanoseconds of any origin.
 *
 * <p>Thread-safe without a lock: a refused-ESP flood on every event loop at once must not queue
 * them behind one another. A window's quotas are atomic counters, and the suppressed counts are
 * adders that the window's end drains; an event held back as a window ends is summed into the
 * summary of that window or of the next, never lost and never counted twice.
 */
final class LogRateLimiter {

  /** One window's quotas; a window that has ended is replaced, never reset. */
  private static final class Window {
    final long start;
    final AtomicInteger logged = new AtomicInteger();
    final Map<String, AtomicInteger> loggedByReason = new ConcurrentHashMap<>();

    Window(long start) {
      this.start = start;
    }
  }

  private final long windowNanos;
  private final int total;
  private final int perReason;
  private final AtomicReference<Window> window = new AtomicReference<>();
  private final Map<String, LongAdder> suppressedByReason = new ConcurrentHashMap<>();

  LogRateLimiter(long window, TimeUnit unit, int total, int perReason) {
    this.windowNanos = unit.toNanos(window);
    this.total = total;
    this.perReason = perReason;
  }

  /**
   * Whether an event of this reason may be logged now; counts it as suppressed otherwise. Before
   * anything else the caller must {@link #closeWindow} what has ended.
   */
  boolean admit(String reason, long nowNanos) {
    Window w = window.get();
    if (w == null) {
      Window fresh = new Window(nowNanos - Math.floorMod(nowNanos, windowNanos));
      w = window.compareAndExchange(null, fresh);
      if (w == null) {
        w = fresh;
      }
    }
    AtomicInteger ofReason = w.loggedByReason.computeIfAbsent(reason, r -> new AtomicInteger());
    if (takeOne(ofReason, perReason)) {
      if (takeOne(w.logged, total)) {
        return true;
      }
      ofReason.decrementAndGet();
    }
    suppressedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
    return false;
  }

  /** Raises {@code count} by one unless it has reached {@code limit}. */
  private static boolean takeOne(AtomicInteger count, int limit) {
    for (int now = count.get(); now < limit; now = count.get()) {
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the window if its time is up: returns what was suppressed since the last summary (empty if
   * nothing), and the next event opens a fresh window. Null while the window runs, or when none is
   * open and nothing is left to sum up. Of concurrent callers, one gets the summary.
   */
  Map<String, Long> closeWindow(long nowNanos) {
    Window w = window.get();
    if (w == null) {
      // Events held back by a window that another thread was closing at that moment.
      Map<String, Long> late = drainSuppressed();
      return late.isEmpty() ? null : late;
    }
    // A clock stepped back ends the window too, or it would hold its quota until time caught up.
    if ((nowNanos >= w.start && nowNanos - w.start < windowNanos)
        || !window.compareAndSet(w, null)) {
      return null;
    }
    return drainSuppressed();
  }

  private Map<String, Long> drainSuppressed() {
    Map<String, Long> suppressed = new TreeMap<>();
    suppressedByReason.forEach(
        (reason, count) -> {
          long n = count.sumThenReset();
          if (n > 0) {
            suppressed.put(reason, n);
          }
        });
    return suppressed;
  }
}
