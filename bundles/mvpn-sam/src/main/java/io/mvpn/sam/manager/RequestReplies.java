package io.mvpn.sam.manager;

import io.mvpn.sam.kink.KinkPayload;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;

/**
 * The SAM_GRANTs a manager sent lately, by the authenticated principal that asked and the request's
 * XID: a node whose grant was lost sends its request again under the same XID (with a fresh
 * authenticator), and must get the same pair, not a second one. Only requests that passed every
 * check are ever entered, so a forger can neither fill it nor read from it; a principal only ever
 * finds its own entries.
 *
 * <p>Bounded in time and entries: an answered entry is kept {@code windowNanos} after its grant
 * went; at most {@code perPrincipal} entries, answered or under way, are of one principal (its own
 * oldest answered one goes first, so one node's burst cannot push out the others'); at most {@code
 * capacity} answered entries are kept (when another grant goes, the oldest answered one goes first)
 * and at most {@code capacity} are under way. A request forgotten that way is, when sent again, a
 * new request. Entries whose grant is still under way (the KDC is asked) are never dropped: the
 * grant completes them. So a new request that would need a place held by entries under way (its
 * principal's bound, or the cache's) is refused ({@link #open} answers null), and never pushes out
 * another principal's entry.
 *
 * <p>Errors are not kept: they changed nothing, and the node asks again for a transient one.
 */
final class RequestReplies {

  private record Key(String principal, long xid) {}

  /** One request: what it asked, the answer once made, and where that answer goes. */
  static final class Entry {
    private final Key key;
    private final List<KinkPayload> asked;
    private final byte[] keyDigest;
    private InetSocketAddress to;
    private byte[] reply;
    private SecurityAssociationPair pair;
    private long answeredAtNanos;

    private Entry(Key key, List<KinkPayload> asked, byte[] keyDigest, InetSocketAddress to) {
      this.key = key;
      this.asked = List.copyOf(asked);
      this.keyDigest = keyDigest;
      this.to = to;
    }

    /** Where the answer goes: where the latest sending came from. */
    InetSocketAddress to() {
      return to;
    }

    /** The grant's datagram, or null while the grant is under way. */
    byte[] reply() {
      return reply;
    }

    /** The pair the grant carried, or null while it is under way. */
    SecurityAssociationPair pair() {
      return pair;
    }
  }

  private final long windowNanos;
  private final int capacity;
  private final int perPrincipal;
  // Answered entries in the order their grants went: the first is the oldest, the one to drop.
  private final LinkedHashMap<Key, Entry> answered = new LinkedHashMap<>();
  private final Map<Key, Entry> underWay = new HashMap<>();
  private final Map<String, Integer> byPrincipal = new HashMap<>();
  private long evicted;

  RequestReplies(long windowNanos, int capacity, int perPrincipal) {
    if (windowNanos <= 0 || capacity < 1 || perPrincipal < 1) {
      throw new IllegalArgumentException("a positive window, capacity and per-principal bound");
    }
    this.windowNanos = windowNanos;
    this.capacity = capacity;
    this.perPrincipal = perPrincipal;
  }

  /**
   * The entry of {@code principal}'s request {@code xid}, or null; expired entries are dropped
   * first, so an entry found is within the window.
   */
  Entry find(String principal, long xid, long nowNanos) {
    expire(nowNanos);
    Key key = new Key(principal, xid);
    Entry entry = underWay.get(key);
    return entry != null ? entry : answered.get(key);
  }

  /**
   * Whether {@code entry} was made for the same request: the same sealed payloads under the same
   * ticket's session key (the reply is sealed under that key, so another ticket cannot open it).
   */
  static boolean sameRequest(Entry entry, List<KinkPayload> asked, EncryptionKey sessionKey) {
    return entry.asked.equals(asked) && MessageDigest.isEqual(entry.keyDigest, digest(sessionKey));
  }

  /**
   * Enters a new request whose grant is now under way, after dropping the principal's own oldest
   * answered entry if it is at its bound; null, and nothing entered, when the principal's bound or
   * the cache's bound of entries under way is taken by entries under way.
   */
  Entry open(
      String principal,
      long xid,
      List<KinkPayload> asked,
      EncryptionKey sessionKey,
      InetSocketAddress from,
      long nowNanos) {
    expire(nowNanos);
    Key key = new Key(principal, xid);
    forget(find(principal, xid, nowNanos));
    if (byPrincipal.getOrDefault(principal, 0) >= perPrincipal && !dropOldestOf(principal)) {
      return null;
    }
    if (underWay.size() >= capacity) {
      return null;
    }
    Entry entry = new Entry(key, asked, digest(sessionKey), from);
    underWay.put(key, entry);
    byPrincipal.merge(principal, 1, Integer::sum);
    return entry;
  }

  /** A retransmission of a request still under way: its answer goes where this one came from. */
  void resentFrom(Entry entry, InetSocketAddress from) {
    entry.to = from;
  }

  /** The grant went: it is kept for the window from now. */
  void answered(Entry entry, byte[] reply, SecurityAssociationPair pair, long nowNanos) {
    if (!underWay.remove(entry.key, entry)) {
      return; // forgotten meanwhile (a newer request under the same XID)
    }
    if (answered.size() >= capacity) {
      drop(answered.keySet().iterator().next());
    }
    entry.reply = reply.clone();
    entry.pair = pair;
    entry.answeredAtNanos = nowNanos;
    answered.put(entry.key, entry);
  }

  /** Drops an entry: its grant failed, or its pair is no longer held. */
  void forget(Entry entry) {
    if (entry == null) {
      return;
    }
    if (underWay.remove(entry.key, entry) || answered.remove(entry.key, entry)) {
      byPrincipal.computeIfPresent(entry.key.principal(), (p, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Drops every answered entry older than the window. */
  void expire(long nowNanos) {
    Iterator<Entry> oldestFirst = answered.values().iterator();
    while (oldestFirst.hasNext()) {
      Entry entry = oldestFirst.next();
      if (nowNanos - entry.answeredAtNanos < windowNanos) {
        return;
      }
      oldestFirst.remove();
      byPrincipal.computeIfPresent(entry.key.principal(), (p, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Entries held, answered or under way. */
  int size() {
    return answered.size() + underWay.size();
  }

  /** Entries dropped before their window ended, to stay within the bounds. */
  long evicted() {
    return evicted;
  }

  /** Drops the principal's oldest answered entry; false if it has none (all are under way). */
  private boolean dropOldestOf(String principal) {
    for (Key key : answered.keySet()) {
      if (key.principal().equals(principal)) {
        drop(key);
        return true;
      }
    }
    return false;
  }

  private void drop(Key key) {
    forget(answered.get(key));
    evicted++;
  }

  /** SHA-256 of the key's type and value: enough to tell two tickets apart, and not the key. */
  private static byte[] digest(EncryptionKey key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ByteBuffer.allocate(4).putInt(key.getKeyType().getValue()).array());
      sha.update(key.getKeyData());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
