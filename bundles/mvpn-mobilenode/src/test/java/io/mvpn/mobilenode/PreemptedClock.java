package io.mvpn.mobilenode;

import io.mvpn.api.time.Scheduler;
import java.util.concurrent.TimeUnit;

/**
 * A clock as a thread on a busy machine sees it: each reading lands at least a millisecond after
 * the one before, as if the thread lost the processor in between. Timers run on the clock given.
 */
final class PreemptedClock implements Scheduler {

  static final long STALL_NANOS = 1_000_000L;

  private final Scheduler clock;
  private long last;

  PreemptedClock(Scheduler clock) {
    this.clock = clock;
  }

  @Override
  public long nanoTime() {
    last = Math.max(clock.nanoTime(), last + STALL_NANOS);
    return last;
  }

  @Override
  public Timer schedule(long delay, TimeUnit unit, Runnable task) {
    return clock.schedule(delay, unit, task);
  }

  @Override
  public void execute(Runnable task) {
    clock.execute(task);
  }

  @Override
  public boolean inEventLoop() {
    return clock.inEventLoop();
  }
}
