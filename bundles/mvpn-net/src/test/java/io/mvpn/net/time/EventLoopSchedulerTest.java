package io.mvpn.net.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.time.Scheduler;
import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopSchedulerTest {

  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final EventLoopScheduler scheduler = new EventLoopScheduler(loop);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void runsTasksOnTheLoopAfterTheirDelay() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean onLoop = new AtomicBoolean();
    AtomicLong ranAt = new AtomicLong();
    long scheduledAt = scheduler.nanoTime();
    scheduler.schedule(
        20,
        TimeUnit.MILLISECONDS,
        () -> {
          onLoop.set(scheduler.inEventLoop());
          ranAt.set(scheduler.nanoTime());
          done.countDown();
        });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(onLoop).isTrue();
    assertThat(scheduler.inEventLoop()).isFalse();
    assertThat(ranAt.get() - scheduledAt).isGreaterThanOrEqualTo(20_000_000);
  }

  @Test
  void cancelledTimerDoesNotRun() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    Scheduler.Timer timer = scheduler.schedule(200, TimeUnit.MILLISECONDS, () -> ran.set(true));
    assertThat(timer.cancel()).isTrue();
    // A task queued after the timer's due time proves the loop got past it.
    CountDownLatch later = new CountDownLatch(1);
    scheduler.schedule(300, TimeUnit.MILLISECONDS, later::countDown);
    assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isFalse();
  }
}
