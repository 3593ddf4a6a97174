package io.mvpn.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequence number reservations on their way into a map of the {@link StateFile}: a gateway's data
 * path reserves once per block of packets, so a reservation goes to memory on the caller's thread
 * and reaches the file from a thread of its own, never making the data path wait for the disk. The
 * store that owns it also writes what is pending with each SA change it commits ({@link #drain},
 * {@link #write}), holding the same lock the writer thread takes.
 *
 * @param <K> how the store names an SA's reservation
 */
final class ReservationWriter<K> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReservationWriter.class);

  private final StateFile file;
  private final SequenceReservations<K> memory;
  private final MVMap<String, byte[]> map;
  private final Function<K, String> keyName;
  private final Object storeLock;
  private final Map<K, Long> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService writer;

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
      Object storeLock,
      String threadName) {
    this.file = file;
    this.memory = memory;
    this.map = map;
    this.keyName = keyName;
    this.storeLock = storeLock;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
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
    if (queued.compareAndSet(false, true) && !writer.isShutdown()) {
      writer.execute(this::writePending);
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

  /** Writes the reservations made since the last write, in one commit. */
  private void writePending() {
    synchronized (storeLock) {
      queued.set(false);
      Map<K, Long> reserved = drain();
      if (!reserved.isEmpty()) {
        file.change(() -> write(reserved));
      }
    }
  }

  /** Returns once what was reserved so far is in the file. */
  void flush() {
    if (writer.isShutdown()) {
      writePending();
      return;
    }
    Future<?> done = writer.submit(this::writePending);
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("state file {}: sequence reservations not written: {}", file.path(), e.toString());
    }
  }

  /** Stops the writer thread and writes the last reservations. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writePending();
  }
}
