package io.mvpn.store;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.Binding;
import io.mvpn.api.mobility.BindingStore;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
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
 *
 * <p>A tenant's nodes are kept by their int home address, each node's bindings and last
 * identification in one holder updated in place: a registration's three calls (identification read,
 * identification written, bindings replaced) make no key and box nothing.
 */
public final class InMemoryBindingStore implements BindingStore {

  /** A mobile node: home addresses repeat across tenants, never within one. */
  private static final class Node {
    /** Oldest first; empty while the node is only remembered for its identification. */
    final List<Binding> bindings = new ArrayList<>(1);

    boolean identified;
    long lastIdentification;
  }

  private static final Comparator<Binding> ORDER =
      Comparator.comparing(Binding::homeAddress).thenComparing(Binding::careOfAddress);

  private final Map<MvpnId, IntObjectMap<Node>> tenants = new HashMap<>();
  private int size;

  private IntObjectMap<Node> nodes(MvpnId tenant) {
    return tenants.get(tenant);
  }

  private Node node(MvpnId tenant, Ipv4Address home) {
    IntObjectMap<Node> nodes = tenants.get(tenant);
    return nodes == null ? null : nodes.get(home.toInt());
  }

  private Node nodeMade(MvpnId tenant, Ipv4Address home) {
    IntObjectMap<Node> nodes = tenants.computeIfAbsent(tenant, t -> new IntObjectHashMap<>());
    Node n = nodes.get(home.toInt());
    if (n == null) {
      n = new Node();
      nodes.put(home.toInt(), n);
    }
    return n;
  }

  /** Forgets a node that holds neither bindings nor an identification. */
  private void forgetIfEmpty(MvpnId tenant, Ipv4Address home, Node n) {
    if (n.bindings.isEmpty() && !n.identified) {
      IntObjectMap<Node> nodes = nodes(tenant);
      nodes.remove(home.toInt());
      if (nodes.isEmpty()) {
        tenants.remove(tenant);
      }
    }
  }

  @Override
  public synchronized List<Binding> bindings(MvpnId tenant, Ipv4Address homeAddress) {
    Node n = node(tenant, homeAddress);
    return n == null ? List.of() : List.copyOf(n.bindings);
  }

  @Override
  public synchronized List<Binding> bindings(MvpnId tenant) {
    List<Binding> all = new ArrayList<>();
    IntObjectMap<Node> nodes = nodes(tenant);
    if (nodes != null) {
      for (Node n : nodes.values()) {
        all.addAll(n.bindings);
      }
    }
    all.sort(ORDER);
    return all;
  }

  @Override
  public synchronized void put(Binding binding) {
    List<Binding> list = nodeMade(binding.tenant(), binding.homeAddress()).bindings;
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
    replaceAll(nodeMade(binding.tenant(), binding.homeAddress()), binding);
  }

  @Override
  public synchronized void replaceAll(Binding binding, long identification) {
    Node n = nodeMade(binding.tenant(), binding.homeAddress());
    n.lastIdentification = identification;
    n.identified = true;
    replaceAll(n, binding);
  }

  private void replaceAll(Node n, Binding binding) {
    if (n.bindings.size() == 1) {
      // A renewal, the common case: the node's one binding gives way, in place.
      n.bindings.set(0, binding);
      return;
    }
    size -= n.bindings.size() - 1;
    n.bindings.clear();
    n.bindings.add(binding);
  }

  @Override
  public synchronized Binding remove(MvpnId tenant, Ipv4Address home, Ipv4Address careOf) {
    Node n = node(tenant, home);
    if (n == null) {
      return null;
    }
    List<Binding> list = n.bindings;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).careOfAddress().equals(careOf)) {
        Binding removed = list.remove(i);
        size--;
        forgetIfEmpty(tenant, home, n);
        return removed;
      }
    }
    return null;
  }

  @Override
  public synchronized int removeAll(MvpnId tenant, Ipv4Address homeAddress) {
    Node n = node(tenant, homeAddress);
    if (n == null) {
      return 0;
    }
    int removed = n.bindings.size();
    n.bindings.clear();
    size -= removed;
    forgetIfEmpty(tenant, homeAddress, n);
    return removed;
  }

  @Override
  public synchronized int removeTenant(MvpnId tenant) {
    IntObjectMap<Node> nodes = tenants.remove(tenant);
    if (nodes == null) {
      return 0;
    }
    int removed = 0;
    for (Node n : nodes.values()) {
      removed += n.bindings.size();
    }
    size -= removed;
    return removed;
  }

  @Override
  public synchronized OptionalLong lastIdentification(MvpnId tenant, Ipv4Address homeAddress) {
    Node n = node(tenant, homeAddress);
    return n == null || !n.identified
        ? OptionalLong.empty()
        : OptionalLong.of(n.lastIdentification);
  }

  @Override
  public synchronized long lastIdentification(MvpnId tenant, Ipv4Address homeAddress, long none) {
    Node n = node(tenant, homeAddress);
    return n == null || !n.identified ? none : n.lastIdentification;
  }

  @Override
  public synchronized void setLastIdentification(
      MvpnId tenant, Ipv4Address homeAddress, long identification) {
    Node n = nodeMade(tenant, homeAddress);
    n.lastIdentification = identification;
    n.identified = true;
  }

  @Override
  public synchronized int size() {
    return size;
  }
}
