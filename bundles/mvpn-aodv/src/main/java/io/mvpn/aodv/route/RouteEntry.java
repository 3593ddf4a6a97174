package io.mvpn.aodv.route;

import io.mvpn.aodv.message.SequenceNumbers;
import io.mvpn.api.Ipv4Address;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One route table entry with the fields of RFC 3561 §2 ("route table entry"). Only {@link
 * RouteTable} changes it, on the scheduler thread; {@link RouteTable#routes()} hands out copies.
 *
 * <p>{@link #expiresAtNanos()} serves both states: a valid route becomes invalid then, an invalid
 * one is deleted then (§6.11 sets it to now + DELETE_PERIOD on invalidation). Times are {@code
 * Scheduler#nanoTime} values and are compared by difference, because that clock may wrap.
 */
public final class RouteEntry {

  private final Ipv4Address destination;
  private int seq;
  private boolean validSeq;
  private RouteState state;
  private String networkInterface;
  private int hopCount;
  private Ipv4Address nextHop;
  private final Set<Ipv4Address> precursors;
  private long expiresAtNanos;

  RouteEntry(Ipv4Address destination) {
    this.destination = destination;
    this.state = RouteState.INVALID;
    this.precursors = new LinkedHashSet<>();
  }

  private RouteEntry(RouteEntry other) {
    destination = other.destination;
    seq = other.seq;
    validSeq = other.validSeq;
    state = other.state;
    networkInterface = other.networkInterface;
    hopCount = other.hopCount;
    nextHop = other.nextHop;
    precursors = new LinkedHashSet<>(other.precursors);
    expiresAtNanos = other.expiresAtNanos;
  }

  RouteEntry copy() {
    return new RouteEntry(this);
  }

  public Ipv4Address destination() {
    return destination;
  }

  /** The destination sequence number, unsigned; meaningless unless {@link #validSeq()}. */
  public int seq() {
    return seq;
  }

  public boolean validSeq() {
    return validSeq;
  }

  public RouteState state() {
    return state;
  }

  public String networkInterface() {
    return networkInterface;
  }

  public int hopCount() {
    return hopCount;
  }

  public Ipv4Address nextHop() {
    return nextHop;
  }

  /** The neighbours that route through us to this destination and so get our RERRs (§6.2). */
  public Set<Ipv4Address> precursors() {
    return Collections.unmodifiableSet(precursors);
  }

  public long expiresAtNanos() {
    return expiresAtNanos;
  }

  /** Valid and not yet past its lifetime at {@code now}. */
  public boolean isActive(long now) {
    return state == RouteState.VALID && now - expiresAtNanos < 0;
  }

  /** Sets the route part of the entry; true if any field changed. */
  boolean assign(
      int newSeq,
      boolean newValidSeq,
      int newHopCount,
      Ipv4Address newNextHop,
      String newInterface,
      long newExpiresAt) {
    boolean changed =
        state != RouteState.VALID
            || seq != newSeq
            || validSeq != newValidSeq
            || hopCount != newHopCount
            || !newNextHop.equals(nextHop)
            || !newInterface.equals(networkInterface)
            || expiresAtNanos != newExpiresAt;
    state = RouteState.VALID;
    seq = newSeq;
    validSeq = newValidSeq;
    hopCount = newHopCount;
    nextHop = newNextHop;
    networkInterface = newInterface;
    expiresAtNanos = newExpiresAt;
    return changed;
  }

  /** Makes the route unusable until {@code deleteAt}, when it is deleted (§6.11). */
  void invalidate(int newSeq, long deleteAt) {
    seq = newSeq;
    state = RouteState.INVALID;
    expiresAtNanos = deleteAt;
  }

  /** Moves the expiry to {@code atLeast} if that is later; true if it moved. */
  boolean extendTo(long atLeast) {
    if (atLeast - expiresAtNanos > 0) {
      expiresAtNanos = atLeast;
      return true;
    }
    return false;
  }

  boolean addPrecursor(Ipv4Address neighbour) {
    return precursors.add(neighbour);
  }

  boolean removePrecursor(Ipv4Address neighbour) {
    return precursors.remove(neighbour);
  }

  @Override
  public String toString() {
    return destination
        + " via "
        + nextHop
        + " ("
        + networkInterface
        + ") hops "
        + hopCount
        + " seq "
        + (validSeq ? SequenceNumbers.toString(seq) : "unknown")
        + " "
        + state
        + " precursors "
        + precursors;
  }
}
