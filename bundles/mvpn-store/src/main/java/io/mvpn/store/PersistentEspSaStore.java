package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.ipsec.EspSaStore;
import io.mvpn.api.ipsec.StoredEspTunnel;
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
 * Security gateways' SAs in the {@link StateFile}, key material included (the file is readable by
 * the appliance's user only). Reads come from memory. A tunnel's change (a key exchange, a re-key,
 * a handover) goes into the file's maps at once and with the file's next commit to the disk; a
 * sequence number reservation, made once per block of packets from the gateway's data path, only
 * goes to memory there and reaches the maps and the file on the file's committer thread, so the
 * data path never waits for the disk. Tunnels whose wall-clock lifetime ran out while the file was
 * closed are dropped when it is opened.
 */
public final class PersistentEspSaStore implements EspSaStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PersistentEspSaStore.class);

  static final String TUNNELS = "esp-tunnels";
  static final String SEQUENCES = "esp-sequences";

  private final InMemoryEspSaStore cache = new InMemoryEspSaStore();
  private final StateFile file;
  private final MVMap<String, byte[]> tunnels;
  private final MVMap<String, byte[]> sequences;
  private final ReservationWriter<InMemoryEspSaStore.SequenceKey> reservations;

  public PersistentEspSaStore(StateFile file, Clock clock) {
    this.file = file;
    this.tunnels = file.map(TUNNELS);
    this.sequences = file.map(SEQUENCES);
    this.reservations =
        new ReservationWriter<>(
            file, cache.reservations(), sequences, EspSaCodec::sequenceKey, this);
    long now = PersistentBindingStore.unixNanos(clock);
    List<String> gone = new ArrayList<>();
    Set<InMemoryEspSaStore.SequenceKey> held = new HashSet<>();
    for (Map.Entry<String, byte[]> e : tunnels.entrySet()) {
      String gateway = e.getKey().split(" ")[0];
      try {
        StoredEspTunnel t = EspSaCodec.decodeTunnel(e.getValue());
        if (t.expiresAtUnixNanos() <= now) {
          // An operator wonders where a tunnel went after a restart: say it, once, here.
          LOG.info(
              "state file {}: ESP tunnel {} expired while closed, dropped",
              file.path(),
              e.getKey());
          gone.add(e.getKey());
        } else {
          cache.put(gateway, t);
          held.addAll(InMemoryEspSaStore.sequenceKeys(gateway, t));
        }
      } catch (IllegalArgumentException bad) {
        LOG.error("state file {}: ESP tunnel {} unreadable, dropped", file.path(), e.getKey());
        gone.add(e.getKey());
      }
    }
    List<String> orphans = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : sequences.entrySet()) {
      try {
        InMemoryEspSaStore.SequenceKey k = EspSaCodec.parseSequenceKey(e.getKey());
        if (held.contains(k)) {
          cache.reservations().raise(k, StateCodec.decodeLong(e.getValue()));
        } else {
          orphans.add(e.getKey());
        }
      } catch (IllegalArgumentException bad) {
        orphans.add(e.getKey());
      }
    }
    file.change(
        () -> {
          gone.forEach(tunnels::remove);
          orphans.forEach(sequences::remove);
        });
  }

  @Override
  public synchronized void put(String gateway, StoredEspTunnel tunnel) {
    List<InMemoryEspSaStore.SequenceKey> dropped = cache.putAndDrop(gateway, tunnel);
    Map<InMemoryEspSaStore.SequenceKey, Long> reserved = reservations.drain();
    file.change(
        () -> {
          tunnels.put(
              EspSaCodec.tunnelKey(gateway, tunnel.homeAddress()), EspSaCodec.encode(tunnel));
          reservations.write(reserved);
          dropped.forEach(k -> sequences.remove(EspSaCodec.sequenceKey(k)));
        });
  }

  @Override
  public synchronized StoredEspTunnel remove(String gateway, Ipv4Address homeAddress) {
    StoredEspTunnel removed = cache.remove(gateway, homeAddress);
    Map<InMemoryEspSaStore.SequenceKey, Long> reserved = reservations.drain();
    reserved
        .keySet()
        .removeIf(k -> k.gateway().equals(gateway) && k.homeAddress() == homeAddress.toInt());
    if (removed == null && reserved.isEmpty()) {
      return null;
    }
    file.change(
        () -> {
          tunnels.remove(EspSaCodec.tunnelKey(gateway, homeAddress));
          reservations.write(reserved);
          if (removed != null) {
            InMemoryEspSaStore.sequenceKeys(gateway, removed)
                .forEach(k -> sequences.remove(EspSaCodec.sequenceKey(k)));
          }
        });
    return removed;
  }

  @Override
  public List<StoredEspTunnel> tunnels(String gateway) {
    return cache.tunnels(gateway);
  }

  /** Memory now, the file from its committer: never a disk write on the caller's thread. */
  @Override
  public void reserve(
      String gateway, Ipv4Address homeAddress, Direction direction, int spi, long upTo) {
    reservations.reserve(InMemoryEspSaStore.key(gateway, homeAddress, direction, spi), upTo);
  }

  @Override
  public void release(
      String gateway, Ipv4Address homeAddress, Direction direction, int spi, long usedUpTo) {
    reservations.release(InMemoryEspSaStore.key(gateway, homeAddress, direction, spi), usedUpTo);
  }

  @Override
  public long reserved(String gateway, Ipv4Address homeAddress, Direction direction, int spi) {
    return cache.reserved(gateway, homeAddress, direction, spi);
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
