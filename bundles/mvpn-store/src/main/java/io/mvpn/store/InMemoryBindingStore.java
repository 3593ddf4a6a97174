package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Bindings in memory: in the appliance (with {@code type = memory} in {@code io.mvpn.store}) they
 * survive updates of the home agent bundle, not of the store's nor a restart; tests and the lab use
 * it directly. {@link PersistentBindingStore} keeps the same content in a file.
 */
public final class InMemoryBindingStore implements BindingStore {

  /** A mobile node: home addresses repeat across tenants, never within one. */
  private record Node(MvpnId tenant, int homeAddress) {}

  private static final Comparator<Binding> ORDER =
      Comparator.comparing(Binding::homeAddress).thenComparing(Binding::careOfAddress);

  private final Map<Node, List<Binding>> bindings = new HashMap<>();
  // A holder per node, updated in place: a renewal sets a new identification without boxing one.
  private final Map<Node, long[]> lastIdentification = new HashMap<>();
  private int size;

  private static Node node(MvpnId tenant, Ipv4Address home) {
    return new Node(tenant, home.toInt());
  }

  @Override
  public synchronized List<Binding> bindings(MvpnId tenant, Ipv4Address homeAddress) {
    List<Binding> list = bindings.get(node(tenant, homeAddress));
    return list == null ? List.of() : List.copyOf(list);
  }

  @Override
  public synchronized List<Binding> bindings(MvpnId tenant) {
    List<Binding> all = new ArrayList<>();
    bindings.forEach(
        (n, list) -> {
          if (n.tenant().equals(tenant)) {
            all.addAll(list);
          }
        });
    all.sort(ORDER);
    return all;
  }

  @Override
  public synchronized void put(Binding binding) {
    List<Binding> list =
        bindings.computeIfAbsent(
            node(binding.tenant(), binding.homeAddress()), n -> new ArrayList<>(1));
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).careOfAddress().equals(binding.careOfAddress())) {
        list.set(i, binding);
        return;
      }
    }
    list.add(binding);
    size++;
  }

  @Override
  public synchronized void replaceAll(Binding binding) {
    List<Binding> list = bindings.get(node(binding.tenant(), binding.homeAddress()));
    if (list != null && list.size() == 1) {
      // A renewal, the common case: the node's one binding gives way, in place.
      list.set(0, binding);
      return;
    }
    removeAll(binding.tenant(), binding.homeAddress());
    put(binding);
  }

  @Override
  public synchronized Binding remove(MvpnId tenant, Ipv4Address home, Ipv4Address careOf) {
    Node n = node(tenant, home);
    List<Binding> list = bindings.get(n);
    if (list == null) {
      return null;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).careOfAddress().equals(careOf)) {
        Binding removed = list.remove(i);
        size--;
        if (list.isEmpty()) {
          bindings.remove(n);
        }
        return removed;
      }
    }
    return null;
  }

  @Override
  public synchronized int removeAll(MvpnId tenant, Ipv4Address homeAddress) {
    List<Binding> list = bindings.remove(node(tenant, homeAddress));
    int removed = list == null ? 0 : list.size();
    size -= removed;
    return removed;
  }

  @Override
  public synchronized int removeTenant(MvpnId tenant) {
    int removed = 0;
    var it = bindings.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().tenant().equals(tenant)) {
        removed += e.getValue().size();
        it.remove();
      }
    }
    lastIdentification.keySet().removeIf(n -> n.tenant().equals(tenant));
    size -= removed;
    return removed;
  }

  @Override
  public synchronized OptionalLong lastIdentification(MvpnId tenant, Ipv4Address homeAddress) {
    long[] id = lastIdentification.get(node(tenant, homeAddress));
    return id == null ? OptionalLong.empty() : OptionalLong.of(id[0]);
  }

  @Override
  public synchronized void setLastIdentification(
      MvpnId tenant, Ipv4Address homeAddress, long identification) {
    lastIdentification.computeIfAbsent(node(tenant, homeAddress), n -> new long[1])[0] =
        identification;
  }

  @Override
  public synchronized int size() {
    return size;
  }
}
