package io.mvpn.homeagent;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One home agent's bindings by home address, for the per-datagram path: a lookup here takes no lock
 * and copies nothing. Every change is written through to the {@link BindingStore}, which stays the
 * truth across engine restarts; {@link #load} rebuilds the cache from it (blueprint principle 6).
 *
 * <p>Used on the engine's thread only. The arrays handed out are never modified: a change replaces
 * a home address's array.
 */
final class ForwardingCache {

  private static final Binding[] NONE = new Binding[0];

  private final BindingStore store;
  private final MvpnId tenant;
  private final IntObjectMap<Binding[]> byHome = new IntObjectHashMap<>();

  ForwardingCache(BindingStore store, MvpnId tenant) {
    this.store = store;
    this.tenant = tenant;
  }

  /** Reads the tenant's bindings from the store, replacing whatever the cache held. */
  void load() {
    byHome.clear();
    for (Binding b : store.bindings(tenant)) {
      byHome.put(b.homeAddress().toInt(), withPut(bindings(b.homeAddress().toInt()), b));
    }
  }

  /** The bindings of a home address, oldest first; an empty array if there are none. */
  Binding[] bindings(int homeAddress) {
    Binding[] found = byHome.get(homeAddress);
    return found == null ? NONE : found;
  }

  /** Whether a node's datagrams may come tunnelled in IP from {@code outerSource} (RFC 3024). */
  boolean isTunnelSource(int homeAddress, int outerSource) {
    for (Binding b : bindings(homeAddress)) {
      if (b.careOfAddress().toInt() == outerSource || b.source().toInt() == outerSource) {
        return true;
      }
    }
    return false;
  }

  /** Whether a node's datagrams may come in RFC 3519 tunnel data from this address and port. */
  boolean isUdpTunnelSource(int homeAddress, int source, int port) {
    for (Binding b : bindings(homeAddress)) {
      if (b.encapsulation() == Binding.Encapsulation.UDP
          && b.source().toInt() == source
          && b.sourcePort() == port) {
        return true;
      }
    }
    return false;
  }

  /** The binding of a home address to a care-of address, or null. */
  Binding binding(int homeAddress, int careOf) {
    for (Binding b : bindings(homeAddress)) {
      if (b.careOfAddress().toInt() == careOf) {
        return b;
      }
    }
    return null;
  }

  boolean isBound(int homeAddress) {
    return byHome.containsKey(homeAddress);
  }

  /** Adds a binding beside the node's others (simultaneous bindings), replacing its care-of's. */
  void put(Binding binding) {
    store.put(binding);
    int home = binding.homeAddress().toInt();
    byHome.put(home, withPut(bindings(home), binding));
  }

  /**
   * Makes {@code binding} the node's only one, {@code identification} its last accepted one in the
   * store (one write); returns the bindings it replaced.
   */
  Binding[] replaceAll(Binding binding, long identification) {
    store.replaceAll(binding, identification);
    Binding[] old = byHome.put(binding.homeAddress().toInt(), new Binding[] {binding});
    return old == null ? NONE : old;
  }

  /** Removes one binding; returns it, or null. */
  Binding remove(Ipv4Address homeAddress, Ipv4Address careOf) {
    store.remove(tenant, homeAddress, careOf);
    int home = homeAddress.toInt();
    Binding[] current = bindings(home);
    for (int i = 0; i < current.length; i++) {
      if (current[i].careOfAddress().equals(careOf)) {
        Binding[] rest = new Binding[current.length - 1];
        System.arraycopy(current, 0, rest, 0, i);
        System.arraycopy(current, i + 1, rest, i, rest.length - i);
        if (rest.length == 0) {
          byHome.remove(home);
        } else {
          byHome.put(home, rest);
        }
        return current[i];
      }
    }
    return null;
  }

  /** Removes every binding of a node; returns them. */
  Binding[] removeAll(Ipv4Address homeAddress) {
    store.removeAll(tenant, homeAddress);
    Binding[] old = byHome.remove(homeAddress.toInt());
    return old == null ? NONE : old;
  }

  /** Every cached binding, home address by home address. */
  void forEach(Consumer<Binding> action) {
    for (Binding[] list : byHome.values()) {
      for (Binding b : list) {
        action.accept(b);
      }
    }
  }

  /** A copy of {@code list} with {@code binding} in place of the one with its care-of address. */
  private static Binding[] withPut(Binding[] list, Binding binding) {
    for (int i = 0; i < list.length; i++) {
      if (list[i].careOfAddress().equals(binding.careOfAddress())) {
        Binding[] copy = list.clone();
        copy[i] = binding;
        return copy;
      }
    }
    Binding[] grown = Arrays.copyOf(list, list.length + 1);
    grown[list.length] = binding;
    return grown;
  }
}
