package io.mvpn.mn;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the laptop moved by looking at its access interface on the node's scheduler as soon
 * as the kernel says a link or an address changed ({@link Wakeups}: on Linux an rtnetlink
 * subscription), and every {@link #FALLBACK_POLL_MILLIS} besides; without notifications it looks
 * every {@link #POLL_MILLIS}. What a look can find: the link went down (nothing to do but wait: the
 * old network is gone, the next one is not there yet), came up again or flapped between two looks
 * (a new network, or the same one whose agent or home agent must hear from the node again: the
 * kernel dropped the routes through the interface with the link), or gained an address (a new
 * co-located care-of address). Each of the last three is one move; the host re-registers on it. An
 * address that went while the link stayed up is told too ({@link Moves#addressGone}): a host with
 * another link to go to goes there at once.
 */
final class MoveDetector {

  /** What the host does about a move. */
  interface Moves {
    /** The access link went down (nothing to do by default: the move that follows counts). */
    default void linkDown() {}

    /**
     * The link, still up, lost an address (its care-of address, say, while another link may still
     * have one); nothing to do by default.
     */
    default void addressGone(Ipv4Address address) {}

    /** The node must attach again: on a new link, after a flap, or with a new address. */
    void moved(String why);
  }

  /**
   * Where the kernel's word that something changed comes from. {@code wake} may be called from any
   * thread, any number of times; closing what {@link #listen} returned stops the calls.
   */
  interface Wakeups {
    /** Polling only: no notifications. */
    Wakeups NONE = wake -> null;

    /** Starts calling {@code wake} on changes; null if this source has none to give. */
    AutoCloseable listen(Runnable wake) throws IOException;
  }

  /** How often to look when nothing tells the detector that the link changed. */
  static final long POLL_MILLIS = 100;

  /** How often to look besides the notifications: one that never came costs at most this. */
  static final long FALLBACK_POLL_MILLIS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(MoveDetector.class);

  private final AccessLink.Probe probe;
  private final Scheduler scheduler;
  private final Moves moves;
  private final Wakeups wakeups;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private AutoCloseable listening;
  private long pollMillis = POLL_MILLIS;
  private boolean stopped;
  private AccessLink last;
  private Scheduler.Timer timer;
  private long linkDowns;
  private long detected;
  private long wakes;
  private long lookedAt; // System.nanoTime() when the last look began

  /** Polls only, every {@link #POLL_MILLIS}. */
  MoveDetector(AccessLink.Probe probe, Scheduler scheduler, Moves moves) {
    this(probe, scheduler, moves, Wakeups.NONE);
  }

  MoveDetector(AccessLink.Probe probe, Scheduler scheduler, Moves moves, Wakeups wakeups) {
    this.probe = probe;
    this.scheduler = scheduler;
    this.moves = moves;
    this.wakeups = wakeups;
  }

  /** Looks when the kernel's link and address notifications say so, and polls slowly besides. */
  static MoveDetector onKernel(AccessLink.Probe probe, Scheduler scheduler, Moves moves) {
    return new MoveDetector(probe, scheduler, moves, RtnetlinkListener::open);
  }

  /**
   * Takes the link as it is now as the starting point and starts looking: on notifications and
   * every {@link #FALLBACK_POLL_MILLIS}, or, if they cannot be had, every {@link #POLL_MILLIS}.
   */
  void start() {
    last = probe.read();
    try {
      listening = wakeups.listen(this::wake);
    } catch (IOException | RuntimeException e) {
      LOG.warn("no link notifications ({}): looking every {} ms", e.getMessage(), POLL_MILLIS);
    }
    pollMillis = listening == null ? POLL_MILLIS : FALLBACK_POLL_MILLIS;
    timer = scheduler.schedule(pollMillis, TimeUnit.MILLISECONDS, this::look);
    if (listening != null) {
      // A change between the first read and the subscription told nobody: look once more now.
      // The look is also the notification's whole path, run once while nothing hurries it.
      wake();
    }
  }

  /** Stops looking and listening; on the scheduler's thread. */
  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
    if (listening != null) {
      try {
        listening.close();
      } catch (Exception e) {
        LOG.debug("closing the link notifications: {}", e.toString());
      }
    }
  }

  /**
   * Something about the links changed: look at once, on the scheduler's thread. Safe from any
   * thread; wakes that come before the look runs are one look.
   */
  void wake() {
    if (wakePending.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            wakePending.set(false); // a change after this point wakes again
            if (!stopped) {
              wakes++;
              look();
            }
          });
    }
  }

  /** When the last look began ({@link System#nanoTime}; 0 before the first). */
  long lookedAt() {
    return lookedAt;
  }

  /** The link as the last look found it (null before {@link #start}). */
  AccessLink last() {
    return last;
  }

  /** Looks the notifications caused. */
  long wakes() {
    return wakes;
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
    lookedAt = System.nanoTime();
    AccessLink now = probe.read();
    AccessLink before = last;
    last = now;
    if (timer != null) {
      timer.cancel(); // a wake came first: the next poll counts from now
    }
    timer = scheduler.schedule(pollMillis, TimeUnit.MILLISECONDS, this::look);
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
      Set<Ipv4Address> gone = new HashSet<>(before.addresses());
      gone.removeAll(now.addresses());
      for (Ipv4Address a : gone) {
        moves.addressGone(a);
      }
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
