package io.mvpn.store.events;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides which events get a log line: in each window (one second by default) at most {@code total}
 * lines, and at most {@code perReason} of any one reason, so a flood of one kind cannot hide the
 * others. What it holds back is counted by reason and summed up in one line when the window ends.
 * Time is the caller's, in nanoseconds of any origin; not thread-safe.
 */
final class LogRateLimiter {

  private final long windowNanos;
  private final int total;
  private final int perReason;

  private long windowStart;
  private boolean open;
  private int logged;
  private final Map<String, Integer> loggedByReason = new TreeMap<>();
  private final Map<String, Long> suppressedByReason = new TreeMap<>();

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
    if (!open) {
      open = true;
      windowStart = nowNanos - Math.floorMod(nowNanos, windowNanos);
    }
    int ofReason = loggedByReason.getOrDefault(reason, 0);
    if (logged < total && ofReason < perReason) {
      logged++;
      loggedByReason.put(reason, ofReason + 1);
      return true;
    }
    suppressedByReason.merge(reason, 1L, Long::sum);
    return false;
  }

  /**
   * Ends the window if its time is up: returns what it suppressed (empty if nothing), and the next
   * event opens a fresh one. Null while the window runs or when none is open.
   */
  Map<String, Long> closeWindow(long nowNanos) {
    // A clock stepped back ends the window too, or it would hold its quota until time caught up.
    if (!open || (nowNanos >= windowStart && nowNanos - windowStart < windowNanos)) {
      return null;
    }
    Map<String, Long> suppressed = new TreeMap<>(suppressedByReason);
    open = false;
    logged = 0;
    loggedByReason.clear();
    suppressedByReason.clear();
    return suppressed;
  }
}
