package io.mvpn.diameter.peer;

import io.mvpn.api.time.Scheduler;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The transport failure algorithm of RFC 3539 §3.4 for one peer: a DWR after Tw of silence,
 * failover when it goes unanswered for another Tw, the connection closed after a third; after a
 * reconnect the peer carries traffic again (failback) only once three DWRs in a row were answered.
 */
final class Watchdog {

  /** DWAs needed in REOPEN before failback (RFC 3539 §3.4.1, NUM_DWA). */
  static final int REOPEN_ANSWERS = 3;

  /** What the watchdog asks of its peer. */
  interface Actions {
    void sendWatchdogRequest();

    void failover();

    void failback();

    void closeConnection();
  }

  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final long twNanos;
  private final long jitterNanos;
  private final Actions actions;

  private WatchdogState state = WatchdogState.INITIAL;
  private boolean pending;
  private int answers;
  private Scheduler.Timer timer;

  Watchdog(Scheduler scheduler, RandomGenerator random, long twNanos, long jitterNanos, Actions a) {
    this.scheduler = scheduler;
    this.random = random;
    this.twNanos = twNanos;
    this.jitterNanos = jitterNanos;
    this.actions = a;
  }

  WatchdogState state() {
    return state;
  }

  /** Whether requests may be routed to the peer (RFC 3539: OKAY only). */
  boolean available() {
    return state == WatchdogState.OKAY;
  }

  /** The connection is open: OKAY at first, REOPEN after a failure. */
  void connectionUp() {
    if (state == WatchdogState.DOWN) {
      answers = 0;
      state = WatchdogState.REOPEN;
      send();
    } else {
      state = WatchdogState.OKAY;
      pending = false;
    }
    arm();
  }

  /** The connection closed: anything but an orderly DPR/DPA leaves the watchdog DOWN. */
  void connectionDown(boolean orderly) {
    cancel();
    if (state == WatchdogState.OKAY && !orderly) {
      actions.failover();
    }
    state = orderly ? WatchdogState.INITIAL : WatchdogState.DOWN;
    pending = false;
  }

  /** Any message arrived from the peer; {@code watchdogAnswer} when it was a DWA. */
  void received(boolean watchdogAnswer) {
    switch (state) {
      case OKAY -> {
        if (watchdogAnswer) {
          pending = false;
        }
        arm();
      }
      case SUSPECT -> {
        pending = false;
        state = WatchdogState.OKAY;
        actions.failback();
        arm();
      }
      case REOPEN -> {
        if (watchdogAnswer) {
          pending = false;
          if (++answers >= REOPEN_ANSWERS) {
            state = WatchdogState.OKAY;
            actions.failback();
          }
        }
      }
      default -> {}
    }
  }

  private void expired() {
    timer = null;
    switch (state) {
      case OKAY -> {
        if (!pending) {
          send();
        } else {
          state = WatchdogState.SUSPECT;
          actions.failover();
        }
        arm();
      }
      case SUSPECT -> {
        state = WatchdogState.DOWN;
        actions.closeConnection();
      }
      case REOPEN -> {
        if (pending) {
          state = WatchdogState.DOWN;
          actions.closeConnection();
        } else {
          send();
          arm();
        }
      }
      default -> {}
    }
  }

  private void send() {
    pending = true;
    actions.sendWatchdogRequest();
  }

  /** SetWatchdog: Tw plus a uniform jitter of up to ±2 s, so peers do not tick in step. */
  private void arm() {
    cancel();
    long jitter = jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1);
    timer = scheduler.schedule(twNanos + jitter, TimeUnit.NANOSECONDS, this::expired);
  }

  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
