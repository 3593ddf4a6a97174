package io.mvpn.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Failed logins per source address: after {@link #FAILURES} failures within {@link #WINDOW_NANOS}
 * the source is refused (429) for {@link #BLOCK_NANOS}, so guessing passwords costs an attacker
 * time and does not tie up the server's few threads in JAAS logins. The table keeps the most
 * recently seen {@link #SOURCES} sources only.
 *
 * <p>Thread-safe: the server's threads share it.
 */
public final class LoginThrottle {

  static final int FAILURES = 5;
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final long BLOCK_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final int SOURCES = 4096;

  private static final class Failures {
    long since;
    int count;
    long blockedUntil;
  }

  private final LongSupplier nanoTime;
  private final Map<String, Failures> sources =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
          return size() > SOURCES;
        }
      };

  /**
   * @param nanoTime the clock ({@code System::nanoTime} in the appliance; a virtual one in tests)
   */
  public LoginThrottle(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Seconds the source is still refused for; 0 if it may log in. */
  public synchronized long refusedForSeconds(String source) {
    Failures f = sources.get(source);
    long left = f == null ? 0 : f.blockedUntil - nanoTime.getAsLong();
    return left <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left));
  }

  /** A failed login from the source: true if it is refused from now on. */
  public synchronized boolean failed(String source) {
    long now = nanoTime.getAsLong();
    Failures f = sources.computeIfAbsent(source, s -> new Failures());
    if (f.count == 0 || now - f.since > WINDOW_NANOS) {
      f.since = now;
      f.count = 0;
    }
    if (++f.count < FAILURES) {
      return false;
    }
    f.count = 0;
    f.blockedUntil = now + BLOCK_NANOS;
    return true;
  }
}
