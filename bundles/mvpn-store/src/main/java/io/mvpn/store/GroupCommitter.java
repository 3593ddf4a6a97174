package io.mvpn.store;

import io.mvpn.api.time.Scheduler;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for a {@link StateFile}: changes go into the MVStore maps on the caller's thread
 * (readers see them at once) and one commit, on the committer's scheduler, hands everything changed
 * since the previous commit to the file, at most once per interval. An idle file commits its first
 * change without waiting; under load one commit covers a whole interval's changes. An interval of 0
 * commits each change on the caller's thread, as it is made.
 *
 * <p>MVStore lets one thread commit while others write to its maps: a write that misses a commit
 * belongs to the next one, which this class always schedules after it. A failure, of a change or of
 * a commit, is counted and logged at most once a minute, never thrown to the caller.
 */
final class GroupCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

  private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final MVStore store;
  private final Path path;
  private final long intervalNanos;
  private final Scheduler scheduler;

  /** Changes made since the last commit started: what a failing commit loses. */
  private final LongAdder uncommitted = new LongAdder();

  /** Changes to be made on the committer's thread, just before its next commit. */
  private final Queue<Runnable> deferred = new ConcurrentLinkedQueue<>();

  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean closed;

  /** The scheduler time before which no commit may start, so they come once per interval. */
  private volatile long nextCommitAt;

  private long commits;
  private long failedWrites;
  private long lastFailureLog;

  GroupCommitter(MVStore store, Path path, long intervalMillis, Scheduler scheduler) {
    if (intervalMillis < 0) {
      throw new IllegalArgumentException("commit interval " + intervalMillis + " ms is negative");
    }
    this.store = store;
    this.path = path;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    this.scheduler = scheduler;
    this.nextCommitAt = scheduler.nanoTime();
  }

  /** Applies the change now and commits it now (interval 0) or with the next group. */
  void change(Runnable mutation) {
    try {
      mutation.run();
    } catch (RuntimeException e) {
      failed(1, e);
      return;
    }
    uncommitted.increment();
    if (intervalNanos == 0) {
      commitChanges();
    } else {
      commitSoon();
    }
  }

  /** Makes the change on the committer's thread, never the caller's, then commits it. */
  void changeLater(Runnable mutation) {
    deferred.add(mutation);
    commitSoon();
  }

  /**
   * Runs {@code write} on the committer's thread every {@code periodMillis} until close, for
   * writers that batch their own changes (counter totals).
   */
  void every(long periodMillis, Runnable write) {
    schedule(
        TimeUnit.MILLISECONDS.toNanos(periodMillis),
        () -> {
          if (!closed) {
            write.run();
            every(periodMillis, write);
          }
        });
  }

  /** Makes the deferred changes and commits everything on the caller's thread, now. */
  void flush() {
    runDeferred();
    commitChanges();
  }

  /** Commits what is pending; later changes are only counted as failed writes. */
  void close() {
    closed = true;
    flush();
  }

  private void commitSoon() {
    if (closed || !scheduled.compareAndSet(false, true)) {
      return;
    }
    if (!schedule(Math.max(0, nextCommitAt - scheduler.nanoTime()), this::scheduledCommit)) {
      scheduled.set(false);
    }
  }

  private boolean schedule(long delayNanos, Runnable task) {
    try {
      scheduler.schedule(delayNanos, TimeUnit.NANOSECONDS, task);
      return true;
    } catch (RejectedExecutionException stopping) {
      // Closing: the close commits what is pending.
      return false;
    }
  }

  private void scheduledCommit() {
    // Cleared first: a change from now on schedules the next commit, which covers it for sure.
    scheduled.set(false);
    if (!closed) {
      flush();
    }
  }

  private void runDeferred() {
    for (Runnable r = deferred.poll(); r != null; r = deferred.poll()) {
      try {
        r.run();
        uncommitted.increment();
      } catch (RuntimeException e) {
        failed(1, e);
      }
    }
  }

  private synchronized void commitChanges() {
    if (store.isClosed()) {
      return;
    }
    long changes = uncommitted.sumThenReset();
    nextCommitAt = scheduler.nanoTime() + intervalNanos;
    try {
      store.commit();
      commits++;
    } catch (RuntimeException e) {
      failed(changes, e);
    }
  }

  private synchronized void failed(long changes, RuntimeException e) {
    failedWrites += changes;
    long now = System.nanoTime();
    if (lastFailureLog == 0 || now - lastFailureLog > FAILURE_LOG_INTERVAL_NANOS) {
      lastFailureLog = now;
      LOG.error("state file {}: {} writes failed so far, latest: {}", path, failedWrites, e);
    }
  }

  synchronized long failedWrites() {
    return failedWrites;
  }

  /** Commits that reached the file. */
  synchronized long commits() {
    return commits;
  }
}
