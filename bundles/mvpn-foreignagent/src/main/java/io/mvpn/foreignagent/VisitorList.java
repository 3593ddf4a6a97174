package io.mvpn.foreignagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import io.mvpn.api.time.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A foreign agent's visitor list: the lookups its per-datagram paths make (by home agent and home
 * address for what home agents tunnel, by station and home address for the reverse tunnel), the
 * lifetime timers, and the write-through to a {@link VisitorStore}, from which a new engine (after
 * an update of the bundle, or a restart over a persistent store) takes the list over. The store is
 * written per registration and read only on start, never per datagram.
 *
 * <p>Runs on the agent's scheduler; {@link #list} may be called from any thread.
 */
final class VisitorList {

  private final Scheduler scheduler;
  private final ForeignAgent.Stores stores;
  private final Map<Long, Visitor> byHome = new ConcurrentHashMap<>();
  private final Map<Long, Visitor> byStation = new HashMap<>();
  private final Map<Long, Scheduler.Timer> expiry = new HashMap<>();

  VisitorList(Scheduler scheduler, ForeignAgent.Stores stores) {
    this.scheduler = scheduler;
    this.stores = stores;
  }

  private static long pair(int high, int low) {
    return ((long) high << 32) | (low & 0xFFFFFFFFL);
  }

  /** The visitor a home agent's tunnelled datagram is for, or null. */
  Visitor find(int homeAgent, int homeAddress) {
    return byHome.get(pair(homeAgent, homeAddress));
  }

  /** The visitor sending from this station with this source address, or null. */
  Visitor fromStation(int station, int homeAddress) {
    return byStation.get(pair(station, homeAddress));
  }

  /** A copy of the list. */
  List<Visitor> list() {
    return List.copyOf(byHome.values());
  }

  /** Records a visitor the home agent accepted, replacing its previous entry. */
  void accept(Visitor v, long identification) {
    index(v);
    VisitorStore store = stores.visitors();
    if (store != null) {
      store.put(
          new VisitorEntry(
              stores.agent(),
              v.homeAgent(),
              v.homeAddress(),
              v.station(),
              v.sourcePort(),
              v.lifetimeSeconds(),
              identification,
              v.expiresAtNanos() + stores.epochOffsetNanos()));
    }
  }

  /** The visitor is gone: deregistered or expired. */
  void remove(int homeAgent, int homeAddress) {
    long key = pair(homeAgent, homeAddress);
    Visitor gone = byHome.remove(key);
    if (gone != null) {
      // Only its own entry: another tenant's node with this home address may hold the station now.
      byStation.remove(pair(gone.station(), homeAddress), gone);
    }
    Scheduler.Timer t = expiry.remove(key);
    if (t != null) {
      t.cancel();
    }
    VisitorStore store = stores.visitors();
    if (store != null) {
      store.remove(stores.agent(), Ipv4Address.of(homeAgent), Ipv4Address.of(homeAddress));
    }
  }

  /**
   * Takes over the agent's visitors from the store: each keeps the wall-clock expiry it had and
   * gets its timer on this scheduler; those that expired meanwhile are removed.
   *
   * @return how many visitors were taken over
   */
  int restore() {
    VisitorStore store = stores.visitors();
    if (store == null) {
      return 0;
    }
    long now = scheduler.nanoTime();
    int restored = 0;
    for (VisitorEntry e : store.visitors(stores.agent())) {
      long expires = e.expiresAtNanos(stores.epochOffsetNanos());
      if (expires <= now) {
        store.remove(e.agent(), e.homeAgent(), e.homeAddress());
      } else {
        index(
            new Visitor(
                e.homeAgent(),
                e.homeAddress(),
                e.station(),
                e.sourcePort(),
                e.lifetimeSeconds(),
                expires));
        restored++;
      }
    }
    return restored;
  }

  /** Stops the timers; the store keeps the visitors for the next engine. */
  void stop() {
    expiry.values().forEach(Scheduler.Timer::cancel);
    expiry.clear();
  }

  private void index(Visitor v) {
    int homeAgent = v.homeAgent().toInt();
    int homeAddress = v.homeAddress().toInt();
    long key = pair(homeAgent, homeAddress);
    Visitor replaced = byHome.put(key, v);
    if (replaced != null) {
      // Two tenants' nodes may share a home address; a stale station of one must not unhook the
      // other, which may have registered from that station since.
      byStation.remove(pair(replaced.station(), homeAddress), replaced);
    }
    byStation.put(pair(v.station(), homeAddress), v);
    Scheduler.Timer old =
        expiry.put(
            key,
            scheduler.schedule(
                v.expiresAtNanos() - scheduler.nanoTime(),
                TimeUnit.NANOSECONDS,
                () -> {
                  if (byHome.get(key) == v) {
                    remove(homeAgent, homeAddress);
                  }
                }));
    if (old != null) {
      old.cancel();
    }
  }
}
