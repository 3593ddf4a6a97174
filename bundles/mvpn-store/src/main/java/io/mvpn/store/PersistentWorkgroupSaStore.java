package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.workgroup.WorkgroupSaStore;
import io.mvpn.store.InMemoryWorkgroupSaStore.SaKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workgroup gateways' SAs in the {@link StateFile}, key material included (the file is readable by
 * the appliance's user only). Reads come from memory. An SA's installation and removal (a key
 * exchange) go to the file's maps at once and with its next group commit; a sequence number
 * reservation, made once per block of packets from the gateway's data path, goes to memory there
 * and reaches the file on the state file's committer thread. SAs whose wall-clock lifetime ran out
 * while the file was closed are dropped when it is opened.
 */
public final class PersistentWorkgroupSaStore implements WorkgroupSaStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentWorkgroupSaStore.class);

  static final String SAS = "workgroup-sas";
  static final String SEQUENCES = "workgroup-sa-sequences";

  private final InMemoryWorkgroupSaStore cache = new InMemoryWorkgroupSaStore();
  private final StateFile file;
  private final MVMap<String, byte[]> sas;
  private final MVMap<String, byte[]> sequences;
  private final ReservationWriter<SaKey> reservations;

  public PersistentWorkgroupSaStore(StateFile file, Clock clock) {
    this.file = file;
    this.sas = file.map(SAS);
    this.sequences = file.map(SEQUENCES);
    this.reservations =
        new ReservationWriter<>(file, cache.reservations(), sequences, SaKey::name, this);
    long now = PersistentBindingStore.unixNanos(clock);
    List<String> gone = new ArrayList<>();
    Set<String> held = new HashSet<>();
    for (Map.Entry<String, byte[]> e : sas.entrySet()) {
      String gateway = e.getKey().split(" ")[0];
      try {
        StoredWorkgroupSa sa = WorkgroupCodec.decodeSa(e.getValue());
        if (sa.expiresAtUnixNanos() <= now) {
          gone.add(e.getKey());
        } else {
          cache.put(gateway, sa);
          held.add(e.getKey());
        }
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: workgroup SA {} unreadable, dropped", file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    List<String> orphans = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : sequences.entrySet()) {
      String[] f = e.getKey().split(" ");
      try {
        if (!held.contains(e.getKey()) || f.length != 3) {
          orphans.add(e.getKey());
          continue;
        }
        cache
            .reservations()
            .raise(
                new SaKey(
                    f[0], Ipv4Address.parse(f[1]).toInt(), Integer.parseUnsignedInt(f[2], 16)),
                StateCodec.decodeLong(e.getValue()));
      } catch (IllegalArgumentException bad) {
        orphans.add(e.getKey());
      }
    }
    if (!gone.isEmpty() || !orphans.isEmpty()) {
      file.change(
          () -> {
            gone.forEach(sas::remove);
            orphans.forEach(sequences::remove);
          });
    }
  }

  @Override
  public synchronized void put(String gateway, StoredWorkgroupSa sa) {
    cache.put(gateway, sa);
    Map<SaKey, Long> reserved = reservations.drain();
    file.change(
        () -> {
          sas.put(
              WorkgroupCodec.saKey(gateway, sa.tunnelSource(), sa.spi()),
              WorkgroupCodec.encode(sa));
          reservations.write(reserved);
        });
  }

  @Override
  public synchronized StoredWorkgroupSa remove(String gateway, Ipv4Address tunnelSource, int spi) {
    StoredWorkgroupSa removed = cache.remove(gateway, tunnelSource, spi);
    SaKey key = SaKey.of(gateway, tunnelSource, spi);
    Map<SaKey, Long> reserved = reservations.drain();
    boolean pending = reserved.remove(key) != null;
    if (removed == null && !pending && reserved.isEmpty()) {
      return null;
    }
    file.change(
        () -> {
          sas.remove(key.name());
          sequences.remove(key.name());
          reservations.write(reserved);
        });
    return removed;
  }

  @Override
  public List<StoredWorkgroupSa> sas(String gateway) {
    return cache.sas(gateway);
  }

  /** Memory now, the file from the writer thread: never a disk write on the caller's thread. */
  @Override
  public void reserve(String gateway, Ipv4Address tunnelSource, int spi, long upTo) {
    reservations.reserve(SaKey.of(gateway, tunnelSource, spi), upTo);
  }

  @Override
  public void release(String gateway, Ipv4Address tunnelSource, int spi, long usedUpTo) {
    reservations.release(SaKey.of(gateway, tunnelSource, spi), usedUpTo);
  }

  @Override
  public long reserved(String gateway, Ipv4Address tunnelSource, int spi) {
    return cache.reserved(gateway, tunnelSource, spi);
  }

  @Override
  public void flush() {
    reservations.flush();
  }

  @Override
  public int size() {
    return cache.size();
  }

  /** Puts the last reservations into the maps; the file's close commits them. */
  @Override
  public void close() {
    reservations.close();
  }
}
