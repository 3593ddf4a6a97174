package io.mvpn.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.h2.mvstore.MVMap;

/**
 * Sequence number reservations on their way into a map of the {@link StateFile}: a gateway's data
 * path reserves once per block of packets, so a reservation goes to memory on the caller's thread
 * and reaches the file on the state file's committer thread, just before its next commit, never
 * making the data path wait for the disk or the maps. The store that owns it also writes what is
 * pending with each SA change it commits ({@link #drain}, {@link #write}), holding the same lock.
 *
 * @param <K> how the store names an SA's reservation
 */
final class ReservationWriter<K> implements AutoCloseable {

  private final StateFile file;
  private final SequenceReservations<K> memory;
  private final MVMap<String, byte[]> map;
  private final Function<K, String> keyName;
  private final Object storeLock;
  private final Map<K, Long> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean queued = new AtomicBoolean();

  /**
   * @param memory the reservations as the store reads them, changed here first
   * @param keyName a reservation's key in {@code map}
   * @param storeLock the lock under which the owning store commits its changes
   */
  ReservationWriter(
      StateFile file,
      SequenceReservations<K> memory,
      MVMap<String, byte[]> map,
      Function<K, String> keyName,
      Object storeLock) {
    this.file = file;
    this.memory = memory;
    this.map = map;
    this.keyName = keyName;
    this.storeLock = storeLock;
  }

  /** Raises a reservation: in memory now, in the file soon. Never a disk write on this thread. */
  void reserve(K key, long upTo) {
    if (memory.raise(key, upTo)) {
      pending.merge(key, upTo, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
      queue();
    }
  }

  /** Sets a reservation to what was used, even lower: in memory now, in the file soon. */
  void release(K key, long usedUpTo) {
    synchronized (pending) {
      memory.set(key, usedUpTo);
      pending.put(key, usedUpTo);
    }
    queue();
  }

  private void queue() {
    if (queued.compareAndSet(false, true)) {
      file.changeLater(this::writePending);
    }
  }

  /** Takes what is pending, for the owner to {@link #write} with its next change. */
  Map<K, Long> drain() {
    Map<K, Long> drained = new HashMap<>();
    for (K k : List.copyOf(pending.keySet())) {
      Long v = pending.remove(k);
      if (v != null) {
        drained.put(k, v);
      }
    }
    return drained;
  }

  /** Puts drained reservations into the map; call inside a {@link StateFile#change}. */
  void write(Map<K, Long> reserved) {
    reserved.forEach((k, v) -> map.put(keyName.apply(k), StateCodec.encodeLong(v)));
  }

  /** Puts the reservations made since the last write into the map, for the next commit. */
  private void writePending() {
    synchronized (storeLock) {
      queued.set(false);
      write(drain());
    }
  }

  /** Returns once what was reserved so far is in the file. */
  void flush() {
    file.change(this::writePending);
    file.flush();
  }

  /** Puts the last reservations into the map; the file's close commits them. */
  @Override
  public void close() {
    file.change(this::writePending);
  }
}
