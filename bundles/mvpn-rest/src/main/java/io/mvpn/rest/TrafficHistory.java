package io.mvpn.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.history.HistoryStore;
import io.mvpn.rest.ApplianceView.CounterView;
import io.mvpn.rest.ApplianceView.TrafficSample;
import io.mvpn.rest.ApplianceView.TrafficView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Each tenant's tunnelled traffic over the last {@code capacity} samples: the home agents count
 * totals only, so the dashboard's graph needs someone to read them now and then and keep the rates.
 * Bounded: {@code capacity} samples per tenant, and only the tenants that exist (a removed tenant's
 * series goes with it; one whose home agent is missing from a reading, being updated or
 * reconfigured, keeps its series). Each series is written through to the {@link HistoryStore}
 * (journal {@value #JOURNALS}TENANT) and read back when a new instance starts, so an update or
 * restart of this bundle keeps the graphs; a series read back waits up to {@value
 * #RESTORED_GRACE_READINGS} readings for its tenant to be configured again before it is dropped.
 * Thread-safe.
 */
public final class TrafficHistory {

  /** A tenant's totals at one instant, as its home agent counts them. */
  public record Totals(long receivedBytes, long sentBytes, long receivedPackets, long sentPackets) {
    Totals plus(Totals o) {
      return new Totals(
          receivedBytes + o.receivedBytes,
          sentBytes + o.sentBytes,
          receivedPackets + o.receivedPackets,
          sentPackets + o.sentPackets);
    }
  }

  private record Reading(Instant at, Totals totals) {}

  /** The store's journals of the series, one a tenant, one JSON sample an entry. */
  public static final String JOURNALS = "dashboard/traffic/";

  /** Readings a series read back from the store waits for its tenant (a minute at one a second). */
  static final int RESTORED_GRACE_READINGS = 60;

  private final int capacity;
  private final HistoryStore store;
  private final ObjectMapper json;
  private final Map<String, Reading> last = new TreeMap<>();
  private final Map<String, Deque<TrafficSample>> samples = new TreeMap<>();
  // Series read back from the store whose tenant no reading has named yet.
  private final Set<String> restored = new TreeSet<>();
  private long readings;

  /** Series that start from what {@code store} kept of the last ones. */
  public TrafficHistory(int capacity, HistoryStore store, ObjectMapper json) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " < 1");
    }
    this.capacity = capacity;
    this.store = store;
    this.json = json;
    for (String journal : store.journals(JOURNALS)) {
      Deque<TrafficSample> ring = new ArrayDeque<>();
      for (String entry : store.entries(journal)) {
        TrafficSample sample = Journal.read(json, entry, TrafficSample.class);
        if (sample != null) {
          ring.addLast(sample);
        }
      }
      while (ring.size() > capacity) {
        ring.removeFirst();
      }
      if (!ring.isEmpty()) {
        String tenant = journal.substring(JOURNALS.length());
        samples.put(tenant, ring);
        restored.add(tenant);
      }
    }
  }

  /**
   * The totals of every tenant with a home agent, from the home agents' metrics: bytes and packets
   * out of the nodes' tunnels (accepted ones) and into them.
   */
  public static Map<String, Totals> totals(List<CounterView> counters) {
    Map<String, Totals> byTenant = new TreeMap<>();
    for (CounterView c : counters) {
      String tenant = c.labels().get("tenant");
      if (tenant == null) {
        continue;
      }
      long v = (long) c.value();
      Totals add =
          switch (c.name()) {
            case "mvpn_homeagent_tunnel_received_bytes" -> new Totals(v, 0, 0, 0);
            case "mvpn_homeagent_tunnel_sent_bytes" -> new Totals(0, v, 0, 0);
            case "mvpn_homeagent_tunnel_received_packets" ->
                "accepted".equals(c.labels().get("result")) ? new Totals(0, 0, v, 0) : null;
            case "mvpn_homeagent_tunnel_sent_packets" -> new Totals(0, 0, 0, v);
            default -> null;
          };
      if (add != null) {
        byTenant.merge(tenant, add, Totals::plus);
      }
    }
    return byTenant;
  }

  /**
   * Adds a sample per tenant: the rates since the previous reading. A total that went down (the
   * home agent's counters started again) counts from zero; the first reading of a tenant only sets
   * the base. {@code tenants} are the tenants that exist now: only a tenant missing from them loses
   * its series, not one whose home agent is missing from {@code byTenant} for a while.
   */
  public synchronized void record(Instant at, Set<String> tenants, Map<String, Totals> byTenant) {
    readings++;
    last.keySet().removeIf(t -> !byTenant.containsKey(t) || !tenants.contains(t));
    for (String tenant : List.copyOf(samples.keySet())) {
      boolean waiting = restored.contains(tenant) && readings <= RESTORED_GRACE_READINGS;
      if (!tenants.contains(tenant) && !waiting) {
        samples.remove(tenant);
        restored.remove(tenant);
        if (persisted(tenant)) {
          store.remove(JOURNALS + tenant);
        }
      }
    }
    restored.removeAll(tenants);
    byTenant.forEach(
        (tenant, now) -> {
          if (!tenants.contains(tenant)) {
            // A home agent outliving its tenant for a moment: no series to start again.
            return;
          }
          Reading before = last.get(tenant);
          if (before != null && at.isAfter(before.at())) {
            double seconds = Duration.between(before.at(), at).toNanos() / 1e9;
            Totals was = before.totals();
            Deque<TrafficSample> ring = samples.computeIfAbsent(tenant, t -> new ArrayDeque<>());
            TrafficSample sample =
                new TrafficSample(
                    at.toString(),
                    rate(was.receivedBytes(), now.receivedBytes(), seconds),
                    rate(was.sentBytes(), now.sentBytes(), seconds),
                    rate(was.receivedPackets(), now.receivedPackets(), seconds),
                    rate(was.sentPackets(), now.sentPackets(), seconds));
            ring.addLast(sample);
            while (ring.size() > capacity) {
              ring.removeFirst();
            }
            if (persisted(tenant)) {
              store.append(JOURNALS + tenant, Journal.write(json, sample), capacity);
            }
          }
          if (before == null || at.isAfter(before.at())) {
            last.put(tenant, new Reading(at, now));
          }
        });
  }

  /** Whether the tenant's name can name a journal (a label from a metric might not). */
  private static boolean persisted(String tenant) {
    return HistoryStore.NAME.matcher(JOURNALS + tenant).matches();
  }

  private static double rate(long before, long now, double seconds) {
    return (now >= before ? now - before : now) / seconds;
  }

  /** Every tenant's samples, oldest first, tenants by name. */
  public synchronized List<TrafficView> series() {
    List<TrafficView> all = new ArrayList<>();
    Set<String> tenants = new TreeSet<>(last.keySet());
    tenants.addAll(samples.keySet());
    for (String tenant : tenants) {
      Deque<TrafficSample> ring = samples.get(tenant);
      all.add(new TrafficView(tenant, ring == null ? List.of() : List.copyOf(ring)));
    }
    return all;
  }
}
