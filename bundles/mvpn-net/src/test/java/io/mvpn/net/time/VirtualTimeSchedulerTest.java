package io.mvpn.net.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.time.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualTimeSchedulerTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final List<String> log = new ArrayList<>();

  @Test
  void runsByDueTimeThenFifoAndJumpsTheClock() {
    time.schedule(5, TimeUnit.MILLISECONDS, () -> log.add("b@" + time.nanoTime()));
    time.schedule(1, TimeUnit.MILLISECONDS, () -> log.add("a@" + time.nanoTime()));
    time.schedule(5, TimeUnit.MILLISECONDS, () -> log.add("c@" + time.nanoTime()));
    time.execute(() -> log.add("now@" + time.nanoTime()));
    assertThat(time.runUntilIdle()).isEqualTo(4);
    assertThat(log).containsExactly("now@0", "a@1000000", "b@5000000", "c@5000000");
    assertThat(time.nanoTime()).isEqualTo(5_000_000);
  }

  @Test
  void tasksScheduledByTasksRunInTheSameDrive() {
    time.schedule(
        1, TimeUnit.SECONDS, () -> time.schedule(2, TimeUnit.SECONDS, () -> log.add("late")));
    time.runUntilIdle();
    assertThat(log).containsExactly("late");
    assertThat(time.nanoTime()).isEqualTo(3_000_000_000L);
  }

  @Test
  void runUntilStopsAtTheGivenTimeAndAdvanceMovesTheClock() {
    time.schedule(10, TimeUnit.MILLISECONDS, () -> log.add("ten"));
    time.schedule(30, TimeUnit.MILLISECONDS, () -> log.add("thirty"));
    assertThat(time.runUntil(20_000_000)).isEqualTo(1);
    assertThat(time.nanoTime()).isEqualTo(20_000_000);
    assertThat(time.pendingTasks()).isEqualTo(1);
    assertThat(time.advance(5, TimeUnit.MILLISECONDS)).isZero();
    assertThat(time.advance(5, TimeUnit.MILLISECONDS)).isEqualTo(1);
    assertThat(log).containsExactly("ten", "thirty");
    assertThatThrownBy(() -> time.runUntil(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancelledTimersNeverRunAndDoNotKeepItBusy() {
    Scheduler.Timer t = time.schedule(1, TimeUnit.SECONDS, () -> log.add("cancelled"));
    assertThat(time.isIdle()).isFalse();
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancel()).isFalse();
    assertThat(time.isIdle()).isTrue();
    time.runUntilIdle();
    assertThat(log).isEmpty();
    assertThat(time.nanoTime()).isZero();
  }

  @Test
  void aFailingTaskIsReportedAfterTheOthersRan() {
    time.schedule(
        1,
        TimeUnit.MILLISECONDS,
        () -> {
          throw new IllegalStateException("boom");
        });
    time.schedule(2, TimeUnit.MILLISECONDS, () -> log.add("still ran"));
    assertThatThrownBy(time::runUntilIdle)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("t=1000000")
        .hasRootCauseMessage("boom");
    assertThat(log).containsExactly("still ran");
  }

  @Test
  void aRunawayTimerLoopIsStopped() {
    VirtualTimeScheduler bounded = new VirtualTimeScheduler(1000);
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> bounded.schedule(1, TimeUnit.MILLISECONDS, loop[0]);
    bounded.execute(loop[0]);
    assertThatThrownBy(bounded::runUntilIdle).hasMessageContaining("more than 1000 tasks");
  }
}
