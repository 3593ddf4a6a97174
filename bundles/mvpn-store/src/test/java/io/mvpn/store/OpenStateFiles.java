package io.mvpn.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The state file a test opens and reopens, and what it opened over it, closed in reverse order as
 * the appliance closes them when it stops: stores first, then the file.
 */
final class OpenStateFiles implements AutoCloseable {

  final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-12-05T09:00:00Z"));
  private final Path path;
  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  OpenStateFiles(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Opens the file again, as a restart does. */
  StateFile open() {
    return track(StateFile.open(path, clock));
  }

  /** Closes {@code c} with the rest, before what was opened earlier. */
  <T extends AutoCloseable> T track(T c) {
    open.push(c);
    return c;
  }

  /** The current wall-clock time in Unix nanoseconds. */
  long now() {
    return PersistentBindingStore.unixNanos(clock);
  }

  @Override
  public void close() {
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
