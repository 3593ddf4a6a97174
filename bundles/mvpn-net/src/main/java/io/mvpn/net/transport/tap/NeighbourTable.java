package io.mvpn.net.transport.tap;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IPv4 next hops resolved to MACs by ARP: answers that came back to this link's own requests, kept
 * for {@link #REACHABLE_NANOS}, at most {@code capacity} of them (least recently used goes). While
 * an address is being resolved, a few datagrams wait for it (a bounded queue per address, a bounded
 * number of addresses); the link repeats the request {@link #TRIES} times a second apart, then
 * drops what waited. Runs on the VRF's scheduler.
 */
final class NeighbourTable {

  static final long REACHABLE_NANOS = 300_000_000_000L;
  static final long RETRY_NANOS = 1_000_000_000L;
  static final int TRIES = 3;

  /** Datagrams held per unresolved address (RFC 1122 §2.3.2.2 asks for at least one). */
  static final int QUEUE_PER_ADDRESS = 3;

  /** Addresses being resolved at once; beyond, datagrams to new ones are dropped. */
  static final int MAX_PENDING = 64;

  private record Neighbour(long mac, long expiresNanos) {}

  /** An address being resolved: what waits for it, requests sent so far. */
  static final class Pending {
    final Deque<ByteBuf> waiting = new ArrayDeque<>();
    int requests;
  }

  private final int capacity;
  private final LinkedHashMap<Integer, Neighbour> resolved = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Integer, Pending> pending = new HashMap<>();

  NeighbourTable(int capacity) {
    this.capacity = capacity;
  }

  /** The MAC of a resolved address, or -1. */
  long lookup(int address, long nowNanos) {
    Neighbour n = resolved.get(address);
    if (n == null) {
      return -1;
    }
    if (nowNanos >= n.expiresNanos()) {
      resolved.remove(address);
      return -1;
    }
    return n.mac();
  }

  /** Whether a resolution is running for the address (an answer to it is wanted). */
  boolean resolving(int address) {
    return pending.containsKey(address);
  }

  /** Whether the address is in the table (a gratuitous ARP may refresh it). */
  boolean known(int address) {
    return resolved.containsKey(address);
  }

  /**
   * Queues a datagram for an address; the pending entry, new (then the caller sends the first
   * request) or running. Null if the datagram cannot wait: the caller drops it.
   */
  Pending hold(int address, ByteBuf datagram) {
    Pending p = pending.get(address);
    if (p == null) {
      if (pending.size() >= MAX_PENDING) {
        return null;
      }
      p = new Pending();
      pending.put(address, p);
    }
    if (p.waiting.size() >= QUEUE_PER_ADDRESS) {
      return null;
    }
    p.waiting.add(datagram);
    return p;
  }

  /** Records an answer; returns what waited for it, in order (empty if nothing did). */
  List<ByteBuf> resolve(int address, long mac, long nowNanos) {
    if (!resolved.containsKey(address) && resolved.size() >= capacity) {
      Iterator<Integer> oldest = resolved.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    resolved.put(address, new Neighbour(mac, nowNanos + REACHABLE_NANOS));
    Pending p = pending.remove(address);
    return p == null ? List.of() : new ArrayList<>(p.waiting);
  }

  /** The resolution running for an address, or null. */
  Pending pending(int address) {
    return pending.get(address);
  }

  /** Ends an unanswered resolution; returns what waited for it. */
  List<ByteBuf> abandon(int address) {
    Pending p = pending.remove(address);
    return p == null ? List.of() : new ArrayList<>(p.waiting);
  }

  /** Everything still waiting (on close). */
  List<ByteBuf> clear() {
    List<ByteBuf> all = new ArrayList<>();
    pending.values().forEach(p -> all.addAll(p.waiting));
    pending.clear();
    resolved.clear();
    return all;
  }

  int size() {
    return resolved.size();
  }

  int pendingAddresses() {
    return pending.size();
  }
}
