package io.mvpn.aodv.route;

import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.api.Ipv4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The AODV route table (RFC 3561 §2, §6.1, §6.2, §6.5, §6.7, §6.11). It owns no clock and no timer:
 * every time-dependent call takes {@code now} from {@code Scheduler#nanoTime}, and the engine calls
 * {@link #expire(long)} when it likes, so tests run in virtual time.
 *
 * <p>Not thread-safe; the engine uses it from its scheduler thread only.
 */
public final class RouteTable {

  private static final Comparator<RouteEntry> BY_DESTINATION =
      Comparator.comparing(RouteEntry::destination);

  private final long activeRouteTimeout;
  private final long deletePeriod;
  private final long netTraversalTime;
  private final long nodeTraversalTime;
  private final Map<Ipv4Address, RouteEntry> entries = new HashMap<>();

  public RouteTable(RouteTimeouts timeouts) {
    activeRouteTimeout = nanos(timeouts.activeRouteTimeoutMillis());
    deletePeriod = nanos(timeouts.deletePeriodMillis());
    netTraversalTime = nanos(timeouts.netTraversalTimeMillis());
    nodeTraversalTime = nanos(timeouts.nodeTraversalTimeMillis());
  }

  /** The entry for the destination whatever its state: invalid ones still hold seq and hops. */
  public Optional<RouteEntry> lookup(Ipv4Address destination) {
    return Optional.ofNullable(entries.get(destination));
  }

  /** The route that may carry traffic to the destination at {@code now}. */
  public Optional<RouteEntry> activeRoute(Ipv4Address destination, long now) {
    RouteEntry entry = entries.get(destination);
    return entry != null && entry.isActive(now) ? Optional.of(entry) : Optional.empty();
  }

  /**
   * Applies the general update rule of §6.2: the route changes only if the new sequence number is
   * higher, or equal with a smaller hop count, or unknown. An unknown stored number counts as older
   * than any known one, as §6.7 (i) says for RREPs. Lifetime becomes now + the update's.
   *
   * @return whether the table changed
   */
  public boolean updateFrom(RouteUpdate update, long now) {
    RouteEntry entry = entries.get(update.destination());
    if (entry != null && !generalRuleAccepts(entry, update)) {
      return false;
    }
    return apply(update, now + nanos(update.lifetimeMillis()));
  }

  /**
   * Applies the RREP rule of §6.7 to the forward route: update if the stored number is invalid, the
   * RREP's is higher, the numbers are equal and the stored route is inactive, or equal with a
   * smaller hop count. Lifetime becomes now + the RREP's Lifetime.
   *
   * @return whether the table changed
   */
  public boolean updateFromRrep(RouteUpdate update, long now) {
    RouteEntry entry = entries.get(update.destination());
    if (entry != null && !rrepRuleAccepts(entry, update, now)) {
      return false;
    }
    return apply(update, now + nanos(update.lifetimeMillis()));
  }

  /**
   * A refresh RREP (seed 002 c67-70) for the route already in use: same sequence number, same next
   * hop, same hop count. The route lives at least its Lifetime more; nothing else changes.
   *
   * @return whether the update matched the stored active route
   */
  public boolean refreshFromRrep(RouteUpdate update, long now) {
    RouteEntry entry = entries.get(update.destination());
    if (entry == null
        || !entry.isActive(now)
        || !entry.validSeq()
        || !update.validSeq()
        || entry.seq() != update.seq()
        || entry.hopCount() != update.hopCount()
        || !entry.nextHop().equals(update.nextHop())) {
      return false;
    }
    entry.extendTo(now + nanos(update.lifetimeMillis()));
    RouteEntry nextHop = entries.get(entry.nextHop());
    if (nextHop != null && nextHop.isActive(now)) {
      nextHop.extendTo(now + activeRouteTimeout);
    }
    return true;
  }

  /**
   * Creates or refreshes the reverse route to a RREQ's originator (§6.5). Unlike §6.2 this always
   * takes the RREQ's next hop and hop count, and takes its sequence number only if that is higher:
   * the RREQ just arrived over that path, so the path works now. Lifetime = max(existing, now + 2 x
   * NET_TRAVERSAL_TIME - 2 x HopCount x NODE_TRAVERSAL_TIME), where HopCount is the update's (the
   * RREQ's after +1); an invalid entry's deletion time is not a lifetime and does not count.
   *
   * @return whether the table changed
   */
  public boolean refreshReverseRoute(RouteUpdate update, long now) {
    RouteEntry entry = entries.get(update.destination());
    int seq = update.seq();
    boolean validSeq = update.validSeq();
    if (entry != null
        && entry.validSeq()
        && (!validSeq || SequenceNumbers.isStale(seq, entry.seq()))) {
      seq = entry.seq();
      validSeq = true;
    }
    long expiresAt = now + 2 * netTraversalTime - 2L * update.hopCount() * nodeTraversalTime;
    if (entry != null && entry.isActive(now) && entry.expiresAtNanos() - expiresAt > 0) {
      expiresAt = entry.expiresAtNanos();
    }
    return apply(
        new RouteUpdate(
            update.destination(),
            seq,
            validSeq,
            update.hopCount(),
            update.nextHop(),
            update.networkInterface(),
            0),
        expiresAt);
  }

  /**
   * Data was forwarded to the destination: its route and the route to its next hop live at least
   * ACTIVE_ROUTE_TIMEOUT more (§6.2). The engine calls this for the packet's source as well, since
   * §6.2 treats the path as symmetric.
   *
   * @return whether the destination had an active route
   */
  public boolean refreshOnUse(Ipv4Address destination, long now) {
    return keepAlive(destination, now + activeRouteTimeout, now);
  }

  /**
   * An active route, and the route to its next hop, live at least until {@code until}. A refresh
   * RREP (seed 002 c70) keeps the way back to the originator as long as the route it prolongs.
   *
   * @return whether the destination had an active route
   */
  public boolean keepAlive(Ipv4Address destination, long until, long now) {
    RouteEntry entry = entries.get(destination);
    if (entry == null || !entry.isActive(now)) {
      return false;
    }
    entry.extendTo(until);
    RouteEntry nextHop = entries.get(entry.nextHop());
    if (nextHop != null && nextHop.isActive(now)) {
      nextHop.extendTo(until);
    }
    return true;
  }

  /**
   * Records that {@code neighbour} routes through us to {@code destination} (we sent or forwarded
   * it a RREP, §6.2, §6.6.2, §6.7), so it needs our RERRs for that destination.
   *
   * @return false if there is no entry for the destination or the neighbour was already there
   */
  public boolean addPrecursor(Ipv4Address destination, Ipv4Address neighbour) {
    RouteEntry entry = entries.get(destination);
    return entry != null && entry.addPrecursor(Objects.requireNonNull(neighbour, "neighbour"));
  }

  public boolean removePrecursor(Ipv4Address destination, Ipv4Address neighbour) {
    RouteEntry entry = entries.get(destination);
    return entry != null && entry.removePrecursor(neighbour);
  }

  /**
   * The link to {@code neighbour} broke (§6.11 case i): every active route through it, the route to
   * the neighbour included, gets seq + 1 (if it had a valid one), becomes invalid and is deleted
   * after DELETE_PERIOD. The neighbour leaves every precursor list, as it can no longer hear our
   * RERRs.
   *
   * @return the invalidated destinations that have precursors, with their new numbers: the content
   *     of the RERR to send, sorted by destination
   */
  public List<UnreachableDestination> linkBroken(Ipv4Address neighbour, long now) {
    List<RouteEntry> lost = new ArrayList<>();
    for (RouteEntry entry : entries.values()) {
      entry.removePrecursor(neighbour);
      if (entry.isActive(now) && entry.nextHop().equals(neighbour)) {
        entry.invalidate(
            entry.validSeq() ? SequenceNumbers.increment(entry.seq()) : entry.seq(),
            now + deletePeriod);
        lost.add(entry);
      }
    }
    return withPrecursors(lost);
  }

  /**
   * A RERR came from {@code transmitter} (§6.11 case iii): each listed destination whose active
   * route goes through the transmitter takes the RERR's sequence number and becomes invalid.
   *
   * @return the invalidated destinations that have precursors: the RERR to propagate
   */
  public List<UnreachableDestination> invalidateFromRerr(
      Ipv4Address transmitter, List<UnreachableDestination> unreachable, long now) {
    List<RouteEntry> lost = new ArrayList<>();
    for (UnreachableDestination reported : unreachable) {
      RouteEntry entry = entries.get(reported.destination());
      if (entry != null && entry.isActive(now) && entry.nextHop().equals(transmitter)) {
        entry.invalidate(reported.seq(), now + deletePeriod);
        lost.add(entry);
      }
    }
    return withPrecursors(lost);
  }

  /**
   * Advances the table to {@code now} (§6.11): a valid route past its lifetime becomes invalid and
   * is kept for DELETE_PERIOD more, keeping its sequence number; an invalid one past that is
   * deleted.
   *
   * @return how many entries changed state or were deleted
   */
  public int expire(long now) {
    int changed = 0;
    Iterator<RouteEntry> it = entries.values().iterator();
    while (it.hasNext()) {
      RouteEntry entry = it.next();
      if (now - entry.expiresAtNanos() < 0) {
        continue;
      }
      if (entry.state() == RouteState.VALID) {
        entry.invalidate(entry.seq(), now + deletePeriod);
      } else {
        it.remove();
      }
      changed++;
    }
    return changed;
  }

  /**
   * The earliest time at which {@link #expire(long)} has work, so that the engine can arm one
   * scheduler timer instead of polling; empty when the table is empty.
   */
  public OptionalLong nextExpiry() {
    boolean any = false;
    long earliest = 0;
    for (RouteEntry entry : entries.values()) {
      if (!any || entry.expiresAtNanos() - earliest < 0) {
        earliest = entry.expiresAtNanos();
        any = true;
      }
    }
    return any ? OptionalLong.of(earliest) : OptionalLong.empty();
  }

  /** Copies of all entries, sorted by destination, for the shell. */
  public List<RouteEntry> routes() {
    List<RouteEntry> copies = new ArrayList<>(entries.size());
    for (RouteEntry entry : entries.values()) {
      copies.add(entry.copy());
    }
    copies.sort(BY_DESTINATION);
    return copies;
  }

  public int size() {
    return entries.size();
  }

  private static boolean generalRuleAccepts(RouteEntry stored, RouteUpdate update) {
    if (!update.validSeq() || !stored.validSeq()) {
      return true; // (iii) the sequence number is unknown
    }
    if (SequenceNumbers.isNewer(update.seq(), stored.seq())) {
      return true; // (i) fresher
    }
    // (ii) as fresh and shorter
    return update.seq() == stored.seq() && update.hopCount() < stored.hopCount();
  }

  private static boolean rrepRuleAccepts(RouteEntry stored, RouteUpdate update, long now) {
    if (!stored.validSeq()) {
      return true; // (i) the stored number is marked invalid
    }
    if (!update.validSeq()) {
      return false;
    }
    if (SequenceNumbers.isNewer(update.seq(), stored.seq())) {
      return true; // (ii) fresher
    }
    if (update.seq() != stored.seq()) {
      return false; // stale
    }
    // (iii) as fresh and the stored route inactive; (iv) as fresh and shorter
    return !stored.isActive(now) || update.hopCount() < stored.hopCount();
  }

  /**
   * Writes an accepted update. With no number in the update the stored one stays: §6.1 lets a node
   * change a destination's number only on fresh information about it.
   */
  private boolean apply(RouteUpdate update, long expiresAt) {
    RouteEntry entry = entries.get(update.destination());
    boolean created = entry == null;
    if (created) {
      entry = new RouteEntry(update.destination());
      entries.put(update.destination(), entry);
    }
    boolean keepSeq = !update.validSeq() && !created;
    boolean changed =
        entry.assign(
            keepSeq ? entry.seq() : update.seq(),
            keepSeq ? entry.validSeq() : update.validSeq(),
            update.hopCount(),
            update.nextHop(),
            update.networkInterface(),
            expiresAt);
    return created || changed;
  }

  private static List<UnreachableDestination> withPrecursors(List<RouteEntry> lost) {
    lost.sort(BY_DESTINATION);
    List<UnreachableDestination> rerr = new ArrayList<>();
    for (RouteEntry entry : lost) {
      if (!entry.precursors().isEmpty()) {
        rerr.add(new UnreachableDestination(entry.destination(), entry.seq()));
      }
    }
    return rerr;
  }

  private static long nanos(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
