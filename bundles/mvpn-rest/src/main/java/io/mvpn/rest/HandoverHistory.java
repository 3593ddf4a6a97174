package io.mvpn.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.history.HistoryStore;
import io.mvpn.rest.ApplianceView.HandoverView;
import io.mvpn.rest.ApplianceView.NodeView;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where each mobile node is, and the latest handovers: a change of a node's care-of address seen
 * between two looks at the bindings. The home agents keep only where a node is now; this keeps
 * where it was, for the dashboard's timeline. Bounded: at most {@code capacity} handovers (the
 * oldest go first) and the nodes of the tenants that exist; a tenant that goes takes its handovers
 * with it, so a new tenant of the same name starts with none. The timeline is written through to
 * the {@link HistoryStore} (journal {@value #JOURNAL}) and read back when a new instance starts, so
 * an update or restart of this bundle keeps it; where nodes are is looked at again. Thread-safe.
 */
public final class HandoverHistory {

  /** A mobile node: home addresses are unique only within a tenant. */
  public record Node(String tenant, String homeAddress) {
    public Node {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(homeAddress, "homeAddress");
    }
  }

  /**
   * Where a node is registered: a care-of address, served by the foreign agent of that name (null
   * when the address is the node's own, co-located one). {@link #HOME} is no binding at all.
   */
  public record Location(String careOfAddress, String foreignAgent) {
    public static final Location HOME = new Location(null, null);
  }

  private record Placed(Location location, Instant since) {}

  /** The store's journal of the timeline, one JSON handover an entry. */
  public static final String JOURNAL = "dashboard/handovers";

  private final int capacity;
  private final HistoryStore store;
  private final ObjectMapper json;
  private final Deque<HandoverView> handovers = new ArrayDeque<>();
  private Map<Node, Placed> nodes;
  private Set<String> tenantsBefore = Set.of();

  /** A timeline that starts from what {@code store} kept of the last one. */
  public HandoverHistory(int capacity, HistoryStore store, ObjectMapper json) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
    this.store = store;
    this.json = json;
    for (String entry : store.entries(JOURNAL)) {
      HandoverView h = Journal.read(json, entry, HandoverView.class);
      if (h != null) {
        handovers.addLast(h);
      }
    }
    while (handovers.size() > capacity) {
      handovers.removeFirst();
    }
  }

  /**
   * One look at the bindings: {@code away} holds every node with a binding now, {@code tenants}
   * every tenant now. A node whose care-of address differs from the last look has handed over; one
   * that lost its binding went home; one that appeared came from home. The first look only sets
   * where nodes are: it cannot know whence they came.
   */
  public synchronized void observe(Instant at, Set<String> tenants, Map<Node, Location> away) {
    forgetRemovedTenants(tenants);
    Map<Node, Placed> next = new LinkedHashMap<>();
    if (nodes != null) {
      for (Map.Entry<Node, Placed> e : nodes.entrySet()) {
        Node node = e.getKey();
        if (!tenants.contains(node.tenant())) {
          continue;
        }
        Placed before = e.getValue();
        Location now = away.getOrDefault(node, Location.HOME);
        if (before.location().equals(now)) {
          next.put(node, before);
        } else {
          record(at, node, before.location(), now);
          next.put(node, new Placed(now, at));
        }
      }
    }
    for (Map.Entry<Node, Location> e : away.entrySet()) {
      if (!next.containsKey(e.getKey())) {
        if (nodes != null) {
          record(at, e.getKey(), Location.HOME, e.getValue());
        }
        next.put(e.getKey(), new Placed(e.getValue(), at));
      }
    }
    nodes = next;
  }

  /** Drops the handovers of the tenants gone since the last look, from memory and journal. */
  private void forgetRemovedTenants(Set<String> tenants) {
    Set<String> gone = new HashSet<>(tenantsBefore);
    gone.removeAll(tenants);
    tenantsBefore = Set.copyOf(tenants);
    if (gone.isEmpty() || !handovers.removeIf(h -> gone.contains(h.tenant()))) {
      return;
    }
    store.remove(JOURNAL);
    for (HandoverView h : handovers) {
      store.append(JOURNAL, Journal.write(json, h), capacity);
    }
  }

  private void record(Instant at, Node node, Location from, Location to) {
    HandoverView handover =
        new HandoverView(
            at.toString(),
            node.tenant(),
            node.homeAddress(),
            from.careOfAddress(),
            from.foreignAgent(),
            to.careOfAddress(),
            to.foreignAgent());
    handovers.addLast(handover);
    store.append(JOURNAL, Journal.write(json, handover), capacity);
    while (handovers.size() > capacity) {
      handovers.removeFirst();
    }
  }

  /** The latest {@code limit} handovers, oldest first, of one tenant or (null) of all. */
  public synchronized List<HandoverView> handovers(int limit, String tenant) {
    List<HandoverView> matching = new ArrayList<>();
    for (HandoverView h : handovers) {
      if (tenant == null || tenant.equals(h.tenant())) {
        matching.add(h);
      }
    }
    return List.copyOf(matching.subList(Math.max(0, matching.size() - limit), matching.size()));
  }

  /** Every node seen (of the tenants that exist), in the order first seen, where it is now. */
  public synchronized List<NodeView> nodes() {
    if (nodes == null) {
      return List.of();
    }
    return nodes.entrySet().stream()
        .map(
            e ->
                new NodeView(
                    e.getKey().tenant(),
                    e.getKey().homeAddress(),
                    e.getValue().location().careOfAddress(),
                    e.getValue().location().foreignAgent(),
                    e.getValue().since().toString()))
        .toList();
  }
}
