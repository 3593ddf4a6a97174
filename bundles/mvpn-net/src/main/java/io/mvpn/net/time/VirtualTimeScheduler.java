package io.mvpn.net.time;

import io.mvpn.api.time.Scheduler;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Deterministic discrete-event time for tests and simulation. Tasks run in order of due time, and
 * in the order they were scheduled when due at the same time; time jumps straight to the next task.
 * Nothing runs until a drive method ({@link #runUntilIdle}, {@link #runUntil}, {@link #advance}) is
 * called, on the driving thread, which is this scheduler's only thread.
 *
 * <p>Not thread-safe: one thread schedules and drives. {@link #inEventLoop()} is true on that
 * thread (the one that created the scheduler, or the last one that drove it).
 *
 * <p>A task that throws does not stop the run: the others still run in order, and the first failure
 * is rethrown, wrapped, when the drive call returns, so a test cannot miss it.
 */
public final class VirtualTimeScheduler implements Scheduler {

  /** Default bound on tasks per drive call: a runaway timer loop fails instead of hanging. */
  public static final int DEFAULT_MAX_TASKS = 10_000_000;

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final int maxTasks;
  private long now;
  private long sequence;
  private int cancelled;
  private Thread driver = Thread.currentThread();
  private RuntimeException firstFailure;

  public VirtualTimeScheduler() {
    this(DEFAULT_MAX_TASKS);
  }

  public VirtualTimeScheduler(int maxTasksPerRun) {
    this.maxTasks = maxTasksPerRun;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Timer schedule(long delay, TimeUnit unit, Runnable task) {
    Task t = new Task(now + Math.max(0, unit.toNanos(delay)), sequence++, task);
    queue.add(t);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    schedule(0, TimeUnit.NANOSECONDS, task);
  }

  @Override
  public boolean inEventLoop() {
    return Thread.currentThread() == driver;
  }

  /** Runs every task, including those they schedule, until none is left. */
  public int runUntilIdle() {
    return run(Long.MAX_VALUE, false);
  }

  /** Runs the tasks due up to {@code nanoTime}, then sets the clock there. */
  public int runUntil(long nanoTime) {
    if (nanoTime < now) {
      throw new IllegalArgumentException("time " + nanoTime + " is in the past (now " + now + ")");
    }
    return run(nanoTime, true);
  }

  /** Advances the clock by {@code delay}, running the tasks that fall due on the way. */
  public int advance(long delay, TimeUnit unit) {
    return runUntil(now + unit.toNanos(delay));
  }

  /** Runs only the tasks due now (and those they schedule for now). */
  public int runPending() {
    return run(now, true);
  }

  public boolean isIdle() {
    return pendingTasks() == 0;
  }

  /** Tasks scheduled and not cancelled. */
  public int pendingTasks() {
    return queue.size() - cancelled;
  }

  private int run(long until, boolean setClock) {
    driver = Thread.currentThread();
    int ran = 0;
    try {
      while (!queue.isEmpty() && queue.peek().due <= until) {
        Task t = queue.poll();
        if (t.cancelled) {
          cancelled--;
          continue;
        }
        if (++ran > maxTasks) {
          throw new IllegalStateException(
              "more than " + maxTasks + " tasks in one run: a timer that never stops?");
        }
        now = t.due;
        t.done = true;
        try {
          t.task.run();
        } catch (RuntimeException | AssertionError e) {
          if (firstFailure == null) {
            firstFailure = new IllegalStateException("a task failed at t=" + now + " ns", e);
          }
        }
      }
      if (setClock && until > now) {
        now = until;
      }
    } finally {
      RuntimeException failure = firstFailure;
      firstFailure = null;
      if (failure != null) {
        throw failure;
      }
    }
    return ran;
  }

  private final class Task implements Timer, Comparable<Task> {
    final long due;
    final long seq;
    final Runnable task;
    boolean cancelled;
    boolean done;

    Task(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      if (cancelled || done) {
        return false;
      }
      cancelled = true;
      VirtualTimeScheduler.this.cancelled++;
      return true;
    }

    @Override
    public int compareTo(Task o) {
      int byTime = Long.compare(due, o.due);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }
}
