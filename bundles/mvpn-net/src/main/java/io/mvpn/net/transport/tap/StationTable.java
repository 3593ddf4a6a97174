package io.mvpn.net.transport.tap;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stations seen on the link: each source MAC gets a station number the first time a frame comes
 * from it, which protocol code keeps (a foreign agent's visitor list) and sends to later. Bounded:
 * when full, the station heard from longest ago goes; and aged: a station silent for longer than
 * the age is forgotten, so a MAC flood or a long-gone laptop does not hold memory, unless protocol
 * code holds it: a foreign agent's visitor stays reachable while its registration lives, however
 * quiet it is (a laptop that only listens sends nothing for longer than the age). Runs on the VRF's
 * scheduler.
 */
final class StationTable {

  private record Station(int number, long mac, long lastSeenNanos, long heldUntilNanos) {

    /** Known at {@code now}: heard within the age, or held until later. */
    boolean alive(long nowNanos, long ageNanos) {
      return nowNanos - lastSeenNanos <= ageNanos || nowNanos - heldUntilNanos < 0;
    }
  }

  private static final long SWEEP_NANOS = 1_000_000_000L;

  private final int capacity;
  private final long ageNanos;

  /** By MAC, least recently heard first. */
  private final LinkedHashMap<Long, Station> byMac = new LinkedHashMap<>(16, 0.75f, true);

  private final Map<Integer, Station> byNumber = new HashMap<>();
  private int next = 1;
  private boolean swept;
  private long lastSweepNanos;
  private long evicted;

  StationTable(int capacity, long ageNanos) {
    this.capacity = capacity;
    this.ageNanos = ageNanos;
  }

  /** The station of a source MAC, made or refreshed now. */
  int learn(long mac, long nowNanos) {
    Station s = byMac.get(mac);
    if (s == null) {
      if (byMac.size() >= capacity) {
        Iterator<Station> oldest = byMac.values().iterator();
        byNumber.remove(oldest.next().number());
        oldest.remove();
        evicted++;
      }
      int number = next;
      next = next == Integer.MAX_VALUE ? 1 : next + 1;
      s = new Station(number, mac, nowNanos, nowNanos);
      byNumber.put(number, s);
    } else {
      s = new Station(s.number(), mac, nowNanos, s.heldUntilNanos());
      byNumber.put(s.number(), s);
    }
    byMac.put(mac, s);
    return s.number();
  }

  /** The MAC of a station still known, or -1. */
  long macOf(int station, long nowNanos) {
    Station s = byNumber.get(station);
    if (s == null || !s.alive(nowNanos, ageNanos)) {
      return -1;
    }
    return s.mac();
  }

  /**
   * Keeps a station known until {@code untilNanos} even if it stays silent (never shortens an
   * earlier hold); false if the station is already forgotten.
   */
  boolean hold(int station, long untilNanos, long nowNanos) {
    Station s = byNumber.get(station);
    if (s == null || !s.alive(nowNanos, ageNanos)) {
      return false;
    }
    if (untilNanos - s.heldUntilNanos() > 0) {
      Station held = new Station(s.number(), s.mac(), s.lastSeenNanos(), untilNanos);
      byNumber.put(s.number(), held);
      // Counts as an access (to the end of the order): expire() may then free an aged station a
      // sweep later, but macOf never answers for one.
      byMac.replace(s.mac(), held);
    }
    return true;
  }

  /**
   * Forgets stations silent for longer than the age, except those held; at most once a second, so
   * held silent stations at the head of the order are not walked for every frame.
   */
  void expire(long nowNanos) {
    if (swept && nowNanos - lastSweepNanos < SWEEP_NANOS) {
      return;
    }
    swept = true;
    lastSweepNanos = nowNanos;
    Iterator<Station> it = byMac.values().iterator();
    while (it.hasNext()) {
      Station s = it.next();
      if (nowNanos - s.lastSeenNanos() <= ageNanos) {
        return; // in access order: the rest were heard from later
      }
      if (!s.alive(nowNanos, ageNanos)) {
        byNumber.remove(s.number());
        it.remove();
      }
    }
  }

  int size() {
    return byMac.size();
  }

  /** Stations dropped to make room for new ones. */
  long evicted() {
    return evicted;
  }
}
