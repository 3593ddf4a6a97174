package io.mvpn.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptMappingView;
import io.mvpn.packet.ipv4.IpProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The UDP, TCP and ICMP mappings of one public address: the engine's forwarding cache, written
 * through to a {@link NaptMappingStore} whenever a mapping is made, changes state or goes, and
 * rebuilt from it on start. A mapping taken over from the store gets a fresh idle period from the
 * first time the table is told after start: the store keeps no clock readings, whose origin a new
 * instance would not share.
 */
final class MappingTable {

  private final Ipv4Address publicAddress;
  private final NaptTimeouts timeouts;
  private final NaptMappingStore store;
  private final PortPool udp;
  private final PortPool tcp;
  private final PortPool icmp;
  private final List<Mapping> restored = new ArrayList<>();

  MappingTable(
      Ipv4Address publicAddress,
      int firstPort,
      int lastPort,
      NaptTimeouts timeouts,
      NaptMappingStore store) {
    if (firstPort < 1024 || lastPort > 0xFFFF || firstPort > lastPort) {
      throw new IllegalArgumentException("port range " + firstPort + "-" + lastPort);
    }
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.store = Objects.requireNonNull(store, "store");
    this.udp = new PortPool(IpProtocol.UDP, firstPort, lastPort);
    this.tcp = new PortPool(IpProtocol.TCP, firstPort, lastPort);
    this.icmp = new PortPool(IpProtocol.ICMP, firstPort, lastPort);
    for (NaptMapping stored : store.mappings(publicAddress)) {
      takeOver(stored);
    }
  }

  private void takeOver(NaptMapping stored) {
    PortPool pool = poolOrNull(stored.protocol());
    Mapping m =
        new Mapping(stored.protocol(), stored.inside(), stored.publicPort(), 0, stored.tcpSeen());
    if (pool != null && pool.restore(m)) {
      restored.add(m);
    } else {
      // Outside this instance's pool (its range was changed) or a duplicate: not ours to keep.
      store.remove(publicAddress, stored.protocol(), stored.publicPort());
    }
  }

  /** Tells the table the time: mappings taken over from the store start their idle period now. */
  void clock(long now) {
    if (!restored.isEmpty()) {
      restored.forEach(m -> m.lastUsed = now);
      restored.clear();
    }
  }

  PortPool pool(int protocol) {
    PortPool pool = poolOrNull(protocol);
    if (pool == null) {
      throw new IllegalArgumentException("the NAPT translates UDP, TCP and ICMP, not " + protocol);
    }
    return pool;
  }

  private PortPool poolOrNull(int protocol) {
    return switch (protocol) {
      case IpProtocol.UDP -> udp;
      case IpProtocol.TCP -> tcp;
      case IpProtocol.ICMP -> icmp;
      default -> null;
    };
  }

  boolean expired(Mapping m, long now) {
    long timeout =
        switch (m.protocol) {
          case IpProtocol.UDP -> timeouts.udp().toNanos();
          case IpProtocol.ICMP -> NaptTimeouts.ICMP_QUERY.toNanos();
          default ->
              m.established()
                  ? timeouts.tcpEstablished().toNanos()
                  : timeouts.tcpTransitory().toNanos();
        };
    return now - m.lastUsed > timeout;
  }

  /** The live mapping for a flow from inside, if any; an expired one is released on the way. */
  Mapping existing(int protocol, NaptInside key, long now) {
    Mapping m = pool(protocol).byInside.get(key);
    if (m != null && expired(m, now)) {
      release(m);
      return null;
    }
    return m;
  }

  /** The live mapping on a public port, or null. */
  Mapping live(int protocol, int publicPort, long now) {
    PortPool pool = poolOrNull(protocol);
    Mapping m = pool == null ? null : pool.byPort.get(publicPort);
    return m == null || expired(m, now) ? null : m;
  }

  /** A new mapping for a flow; null if the pool is used up even after reclaiming idle ones. */
  Mapping create(int protocol, NaptInside key, long now) {
    PortPool pool = pool(protocol);
    if (pool.exhausted()) {
      for (Mapping m : new ArrayList<>(pool.byInside.values())) {
        if (expired(m, now)) {
          release(m);
        }
      }
    }
    Mapping m = pool.take(key, now);
    if (m != null) {
      save(m);
    }
    return m;
  }

  /** Writes a mapping's current state through to the store. */
  void save(Mapping m) {
    store.put(new NaptMapping(m.protocol, publicAddress, m.publicPort, m.inside, m.tcpSeen));
  }

  void release(Mapping m) {
    pool(m.protocol).release(m);
    store.remove(publicAddress, m.protocol, m.publicPort);
  }

  /** Forgets every mapping here and in the store (the NAPT is taken down for good). */
  void clear() {
    for (PortPool pool : List.of(udp, tcp, icmp)) {
      new ArrayList<>(pool.byInside.values()).forEach(this::release);
    }
  }

  List<NaptMappingView> views(long now) {
    List<NaptMappingView> out = new ArrayList<>();
    for (PortPool pool : List.of(udp, tcp, icmp)) {
      for (Mapping m : pool.byInside.values()) {
        if (!expired(m, now)) {
          out.add(
              new NaptMappingView(m.protocol, m.inside, m.publicPort, now - m.lastUsed, m.state()));
        }
      }
    }
    return out;
  }

  NaptInside insideOf(int protocol, int publicPort, long now) {
    Mapping m = live(protocol, publicPort, now);
    return m == null ? null : m.inside;
  }
}
