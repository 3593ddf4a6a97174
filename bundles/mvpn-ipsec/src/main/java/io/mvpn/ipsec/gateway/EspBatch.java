package io.mvpn.ipsec.gateway;

import io.mvpn.api.time.Scheduler;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jobs for one thread, run in the order they were added, with one task on its scheduler per burst
 * rather than one per job: a job added while a task is pending or running joins it, and only a job
 * that finds the thread idle schedules (and so wakes) it. Under load the hand-over between threads
 * thus costs a queue insertion per packet and a wake-up per burst; at a trickle, as before, a
 * wake-up per packet. Any thread may add; the jobs run on the scheduler's thread only.
 */
final class EspBatch {

  /** Work for the thread; {@link #discard} instead when the thread is gone. */
  interface Job {
    void run();

    /** The thread will never run this job: give back what it holds. */
    void discard();
  }

  private static final Runnable NOTHING = () -> {};

  private final Scheduler thread;
  private final Runnable afterBurst;
  private final int burst;
  private final Queue<Job> jobs = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private volatile boolean gone; // the scheduler refused a task: it will run no more

  EspBatch(Scheduler thread) {
    this(thread, NOTHING, Integer.MAX_VALUE);
  }

  /**
   * @param afterBurst run on the thread after every {@code burst} jobs and whenever it has run all
   *     there were: where what the jobs produced is passed on, a burst at a time
   */
  EspBatch(Scheduler thread, Runnable afterBurst, int burst) {
    this.thread = Objects.requireNonNull(thread, "thread");
    this.afterBurst = Objects.requireNonNull(afterBurst, "afterBurst");
    if (burst < 1) {
      throw new IllegalArgumentException("burst " + burst);
    }
    this.burst = burst;
  }

  /** Adds a job; it runs after every job added before it. */
  void add(Job job) {
    jobs.add(job);
    if (gone) {
      discardAll();
    } else if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      schedule();
    }
  }

  private void schedule() {
    try {
      thread.execute(drain);
    } catch (RejectedExecutionException e) {
      gone = true; // the flag stays set: nothing schedules again
      discardAll();
    }
  }

  /** On the thread: every job there is, those added meanwhile too. */
  private void drain() {
    try {
      do {
        Job job;
        int run = 0;
        while ((job = jobs.poll()) != null) {
          job.run();
          if (++run % burst == 0) {
            afterBurst.run();
          }
        }
        afterBurst.run();
        scheduled.set(false);
        // A job added after the last poll and before the flag fell found it set: run it now.
      } while (!jobs.isEmpty() && scheduled.compareAndSet(false, true));
    } catch (RuntimeException | Error e) {
      // A job that threw: the rest run in a task of their own, as they would have one each.
      schedule();
      throw e;
    }
  }

  private void discardAll() {
    Job job;
    while ((job = jobs.poll()) != null) {
      job.discard();
    }
  }
}
