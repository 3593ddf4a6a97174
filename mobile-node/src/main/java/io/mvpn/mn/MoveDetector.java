package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Notices that the laptop moved by looking at its access interface every {@link #POLL_MILLIS} on
 * the node's scheduler: the link went down (nothing to do but wait: the old network is gone, the
 * next one is not there yet), came up again or flapped between two looks (a new network, or the
 * same one whose agent or home agent must hear from the node again: the kernel dropped the routes
 * through the interface with the link), or gained an address (a new co-located care-of address).
 * Each of the last three is one move; the host re-registers on it.
 */
final class MoveDetector {

  /** What the host does about a move. */
  interface Moves {
    /** The access link went down (nothing to do by default: the move that follows counts). */
    default void linkDown() {}

    /** The node must attach again: on a new link, after a flap, or with a new address. */
    void moved(String why);
  }

  static final long POLL_MILLIS = 100;

  private final AccessLink.Probe probe;
  private final Scheduler scheduler;
  private final Moves moves;
  private AccessLink last;
  private Scheduler.Timer timer;
  private long linkDowns;
  private long detected;

  MoveDetector(AccessLink.Probe probe, Scheduler scheduler, Moves moves) {
    this.probe = probe;
    this.scheduler = scheduler;
    this.moves = moves;
  }

  /** Takes the link as it is now as the starting point and starts looking. */
  void start() {
    last = probe.read();
    timer = scheduler.schedule(POLL_MILLIS, TimeUnit.MILLISECONDS, this::look);
  }

  void stop() {
    if (timer != null) {
      timer.cancel();
    }
  }

  /** Times the link was seen going down. */
  long linkDowns() {
    return linkDowns;
  }

  /** Moves detected: each one a re-attachment. */
  long moves() {
    return detected;
  }

  private void look() {
    AccessLink now = probe.read();
    AccessLink before = last;
    last = now;
    timer = scheduler.schedule(POLL_MILLIS, TimeUnit.MILLISECONDS, this::look);
    if (before.up() && !now.up()) {
      linkDowns++;
      moves.linkDown();
      return;
    }
    if (!now.up()) {
      return;
    }
    if (!before.up()) {
      move("link up");
    } else if (now.carrierChanges() != before.carrierChanges()) {
      linkDowns++; // down and up again between two looks
      move("link flapped");
    } else {
      Set<Ipv4Address> gained = new HashSet<>(now.addresses());
      gained.removeAll(before.addresses());
      if (!gained.isEmpty()) {
        move("new address " + gained.iterator().next());
      }
    }
  }

  private void move(String why) {
    detected++;
    moves.moved(why);
  }
}
