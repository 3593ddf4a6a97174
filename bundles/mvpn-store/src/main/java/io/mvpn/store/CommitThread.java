package io.mvpn.store;

import io.mvpn.api.time.Scheduler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The committer's thread, {@code mvpn-store-commit}: one daemon thread per open state file, parked
 * while nothing waits to be committed.
 */
final class CommitThread implements Scheduler, AutoCloseable {

  static final String NAME = "mvpn-store-commit";

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  CommitThread() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, NAME);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Timer schedule(long delay, TimeUnit unit, Runnable task) {
    ScheduledFuture<?> f = executor.schedule(task, delay, unit);
    return () -> f.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  @Override
  public boolean inEventLoop() {
    return Thread.currentThread() == thread;
  }

  /**
   * Drops the commits not yet due and waits for a running one. Never interrupts it: an interrupt
   * during a write closes the file's channel, and MVStore the file with it.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
