package io.mvpn.napt;

import io.mvpn.api.napt.NaptInside;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/** One protocol's public ports and the mappings that hold them, by inside and by public port. */
final class PortPool {

  final int protocol;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  final Map<NaptInside, Mapping> byInside = new HashMap<>();
  final Map<Integer, Mapping> byPort = new HashMap<>();

  PortPool(int protocol, int firstPort, int lastPort) {
    this.protocol = protocol;
    for (int p = firstPort; p <= lastPort; p++) {
      free.add(p);
    }
  }

  boolean exhausted() {
    return free.isEmpty();
  }

  /** Takes the next free port for a new mapping; null if none is free. */
  Mapping take(NaptInside inside, long now) {
    Integer port = free.poll();
    if (port == null) {
      return null;
    }
    Mapping m = new Mapping(protocol, inside, port, now, 0);
    hold(m);
    return m;
  }

  /** Holds a mapping taken over from the store: its port leaves the free list. */
  boolean restore(Mapping m) {
    if (!free.remove(m.publicPort) || byInside.containsKey(m.inside)) {
      return false;
    }
    hold(m);
    return true;
  }

  private void hold(Mapping m) {
    byInside.put(m.inside, m);
    byPort.put(m.publicPort, m);
  }

  void release(Mapping m) {
    if (byPort.remove(m.publicPort, m)) {
      byInside.remove(m.inside);
      free.add(m.publicPort);
    }
  }
}
