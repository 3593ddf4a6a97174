package io.mvpn.net.time;

import io.mvpn.api.time.Scheduler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Production time: a Netty event loop's thread, timers and the monotonic clock. */
public final class EventLoopScheduler implements Scheduler {

  private final EventExecutor loop;
  private final long origin = System.nanoTime();

  public EventLoopScheduler(EventExecutor loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  public EventExecutor eventLoop() {
    return loop;
  }

  /** Nanoseconds since this scheduler was made. */
  @Override
  public long nanoTime() {
    return System.nanoTime() - origin;
  }

  @Override
  public Timer schedule(long delay, TimeUnit unit, Runnable task) {
    ScheduledFuture<?> future = loop.schedule(task, Math.max(0, delay), unit);
    return () -> future.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public boolean inEventLoop() {
    return loop.inEventLoop();
  }
}
