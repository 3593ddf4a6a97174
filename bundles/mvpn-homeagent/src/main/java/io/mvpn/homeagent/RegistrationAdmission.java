package io.mvpn.homeagent;

import io.mvpn.api.time.Scheduler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * How many registration requests one home agent takes on per tick of its scheduler's clock: a
 * budget of {@code perSecond / 10} every 100 ms, three quarters of it for requests for home
 * addresses not bound now. Refreshes (requests for a home address that is bound now) have a quota
 * of their own per bound address and tick: before authentication anyone can name a bound address,
 * so a shared refresh reserve could be claimed by forgeries naming every bound address; per
 * address, forgeries only compete with the one node they name. What is over budget is shed before
 * the replay check, the authentication and the store are spent on it.
 *
 * <p>Runs on the home agent's scheduler thread; not thread-safe.
 */
public final class RegistrationAdmission {

  /** A registration costs about 2 µs; this leaves a core most of its time for forwarding. */
  public static final int DEFAULT_PER_SECOND = 20_000;

  static final long TICK_NANOS = 100_000_000L;
  static final int TICKS_PER_SECOND = 10;

  /** Requests per bound home address and tick: a renewal and a retransmission or handover. */
  static final int REFRESHES_PER_ADDRESS = 2;

  private final Scheduler scheduler;
  private final int forNewPerTick;
  private long tick = Long.MIN_VALUE;
  private int taken; // new requests this tick
  // This tick's refreshes by home address: keyed by the int, so no key is boxed per request; the
  // counts (1 and 2) are the JDK's cached Integers.
  private final IntObjectMap<Integer> refreshes = new IntObjectHashMap<>();

  public RegistrationAdmission(Scheduler scheduler, int perSecond) {
    if (perSecond < TICKS_PER_SECOND) {
      throw new IllegalArgumentException(
          "at least " + TICKS_PER_SECOND + " registrations per second, not " + perSecond);
    }
    this.scheduler = scheduler;
    int perTick = perSecond / TICKS_PER_SECOND;
    this.forNewPerTick = perTick - Math.max(1, perTick / 4);
  }

  /** The requests for home addresses not bound now taken on per tick. */
  public int newPerTick() {
    return forNewPerTick;
  }

  /** Whether a request for a home address not bound now may be worked on in this tick. */
  public boolean admitNew() {
    turn();
    if (taken >= forNewPerTick) {
      return false;
    }
    taken++;
    return true;
  }

  /**
   * Whether a request for a home address bound now (a renewal, handover or deregistration) may be
   * worked on in this tick: it counts against that address's quota only. The map holds no more
   * entries than addresses are bound, and is emptied every tick.
   */
  public boolean admitRefresh(int homeAddress) {
    turn();
    Integer counted = refreshes.get(homeAddress);
    int used = counted == null ? 0 : counted;
    if (used >= REFRESHES_PER_ADDRESS) {
      return false;
    }
    refreshes.put(homeAddress, Integer.valueOf(used + 1));
    return true;
  }

  private void turn() {
    long now = scheduler.nanoTime() / TICK_NANOS;
    if (now != tick) {
      tick = now;
      taken = 0;
      refreshes.clear();
    }
  }
}
