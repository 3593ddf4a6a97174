package io.mvpn.api.time;

import java.util.concurrent.TimeUnit;

/**
 * The only clock and timer source protocol engines may use (blueprint principle 3). Production runs
 * on a Netty event loop; tests and simulations run on virtual time, where the same inputs give the
 * same run to the nanosecond.
 *
 * <p>One scheduler is one thread of execution: tasks never run concurrently with each other, so the
 * state an engine touches only from its scheduler needs no locks.
 */
public interface Scheduler {

  /** Nanoseconds since an arbitrary origin of this scheduler; never decreases. */
  long nanoTime();

  /**
   * Runs the task on this scheduler's thread after the delay (zero or negative: as soon as can).
   */
  Timer schedule(long delay, TimeUnit unit, Runnable task);

  /** Runs the task on this scheduler's thread, after the tasks already due. */
  void execute(Runnable task);

  /** Whether the caller runs on this scheduler's thread right now. */
  boolean inEventLoop();

  /** A scheduled task that has not necessarily run yet. */
  interface Timer {

    /** Stops the task if it has not started; true if this call stopped it. */
    boolean cancel();
  }
}
