package io.mvpn.ipsec.esp;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * Sequence numbers of running SAs reserved a block ahead in a store, so that a later instance of an
 * SA (after an update or a restart of its gateway) neither sends a number again (RFC 4303 §3.3.3;
 * with AES-GCM that would reuse a nonce) nor accepts one again (§3.4.3). A block is {@code
 * interval} packets; the next one is asked for once half of the current one is used, so the store
 * has half a block of packets' time to make it durable before a number outside what it holds is
 * used, and the data path asks for one write per {@code interval} packets.
 *
 * <p>Runs on the thread of the engine that runs the SAs; not thread-safe.
 *
 * @param <K> what the store files an SA under besides its SPI (a node's address and direction, a
 *     tunnel source)
 */
public final class SequenceBlocks<K> {

  /** Where the reservations go. */
  @FunctionalInterface
  public interface Store<K> {
    /** Reserves up to {@code upTo} for the SA: never lowers what is stored. */
    void reserve(K owner, EspSecurityAssociation sa, long upTo);
  }

  private static final class Block<K> {
    final K owner;
    long upTo;

    Block(K owner, long upTo) {
      this.owner = owner;
      this.upTo = upTo;
    }
  }

  /**
   * Told of every reservation and of every SA forgotten, on the reserving thread: for threads that
   * accept numbers beside it and must stay below what the store holds.
   */
  public interface Watcher {
    void reserved(EspSecurityAssociation sa, long upTo);

    void forgotten(EspSecurityAssociation sa);
  }

  private final Map<EspSecurityAssociation, Block<K>> blocks = new IdentityHashMap<>();
  private final long interval;
  private final Store<K> store;
  private Watcher watcher;

  /**
   * @param interval packets per reservation, at least 2
   */
  public SequenceBlocks(int interval, Store<K> store) {
    if (interval < 2) {
      throw new IllegalArgumentException("sequence reservation of " + interval + " packets");
    }
    this.interval = interval;
    this.store = store;
  }

  /** A new SA: its first block, above what it used so far. */
  public void start(K owner, EspSecurityAssociation sa) {
    reserve(owner, sa, sa.sequence() + interval);
  }

  /**
   * A restored SA continues above what an earlier instance of it reserved (sending from the next
   * number, or refusing everything up to it), with the next block reserved.
   */
  public void resume(K owner, EspSecurityAssociation sa, long reserved) {
    sa.resumeAfter(reserved);
    reserve(owner, sa, reserved + interval);
  }

  private void reserve(K owner, EspSecurityAssociation sa, long upTo) {
    blocks.put(sa, new Block<>(owner, upTo));
    store.reserve(owner, sa, upTo);
    if (watcher != null) {
      watcher.reserved(sa, upTo);
    }
  }

  /** Tells {@code w} of every block held now and of every change from now on. */
  public void watch(Watcher w) {
    watcher = w;
    blocks.forEach((sa, b) -> w.reserved(sa, b.upTo));
  }

  /** Whether the SA has a block. */
  public boolean holds(EspSecurityAssociation sa) {
    return blocks.containsKey(sa);
  }

  /** Forgets the blocks of the SAs {@code which} names (the store forgets its own with them). */
  public void forget(BiPredicate<K, EspSecurityAssociation> which) {
    blocks
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = which.test(e.getValue().owner, e.getKey());
              if (gone && watcher != null) {
                watcher.forgotten(e.getKey());
              }
              return gone;
            });
  }

  /**
   * The SA has just used a sequence number (sent, or accepted as authentic): once half of its block
   * is used, the next block is reserved. Called per packet: one map lookup unless it reserves.
   */
  public void used(EspSecurityAssociation sa) {
    used(sa, 0);
  }

  /**
   * As {@link #used(EspSecurityAssociation)}, told that the SA may have used up to {@code ahead}
   * numbers more than it shows here (threads that seal or open ahead of the one that reserves):
   * half a block is kept beyond those too.
   */
  public void used(EspSecurityAssociation sa, long ahead) {
    Block<K> b = blocks.get(sa);
    long reach = sa.sequence() + ahead;
    if (b != null && Long.compareUnsigned(reach + interval / 2, b.upTo) > 0) {
      b.upTo = Math.max(b.upTo, reach) + interval;
      store.reserve(b.owner, sa, b.upTo);
      if (watcher != null) {
        watcher.reserved(sa, b.upTo);
      }
    }
  }

  /**
   * The SAs stop in order: each is handed to {@code release} (which stores what it used, {@link
   * EspSecurityAssociation#sequence}), and all are forgotten.
   */
  public void releaseAll(BiConsumer<K, EspSecurityAssociation> release) {
    blocks.forEach((sa, b) -> release.accept(b.owner, sa));
    blocks.clear();
  }
}
