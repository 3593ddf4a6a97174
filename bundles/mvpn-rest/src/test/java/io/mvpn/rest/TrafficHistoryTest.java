package io.mvpn.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mvpn.api.history.HistoryStore;
import io.mvpn.rest.ApplianceView.CounterView;
import io.mvpn.rest.ApplianceView.TrafficSample;
import io.mvpn.rest.ApplianceView.TrafficView;
import io.mvpn.rest.TrafficHistory.Totals;
import io.mvpn.store.InMemoryHistoryStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-tenant traffic rates from the home agents' totals, sampled once a second. */
class TrafficHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> BOTH = Set.of("acme", "globex");

  private final HistoryStore store = new InMemoryHistoryStore();
  private final TrafficHistory history = new TrafficHistory(5, store, JSON);

  @Test
  void theHomeAgentsCountersGiveEachTenantsTotals() {
    List<CounterView> counters =
        List.of(
            counter("mvpn_homeagent_tunnel_received_bytes", 8400, "tenant", "acme"),
            counter("mvpn_homeagent_tunnel_sent_bytes", 4200, "tenant", "acme"),
            counter(
                "mvpn_homeagent_tunnel_received_packets",
                100,
                "tenant",
                "acme",
                "result",
                "accepted"),
            counter(
                "mvpn_homeagent_tunnel_received_packets", 7, "tenant", "acme", "result", "refused"),
            counter("mvpn_homeagent_tunnel_sent_packets", 50, "tenant", "acme"),
            counter("mvpn_homeagent_tunnel_sent_bytes", 10, "tenant", "globex"),
            counter("mvpn_homeagent_registration_replies", 3, "tenant", "acme", "code", "0"),
            counter("mvpn_napt_datagrams", 9, "result", "translated"));

    assertThat(TrafficHistory.totals(counters))
        .containsExactly(
            Map.entry("acme", new Totals(8400, 4200, 100, 50)),
            Map.entry("globex", new Totals(0, 10, 0, 0)));
  }

  @Test
  void eachSampleIsTheRateSinceThePreviousReading() {
    history.record(T0, BOTH, Map.of("acme", new Totals(1000, 500, 10, 5)));
    history.record(T0.plusMillis(500), BOTH, Map.of("acme", new Totals(2000, 1000, 20, 10)));

    assertThat(history.series())
        .containsExactly(
            new TrafficView(
                "acme",
                List.of(new TrafficSample(T0.plusMillis(500).toString(), 2000, 1000, 20, 10))));
  }

  @Test
  void theFirstReadingOnlySetsTheBase() {
    history.record(T0, BOTH, Map.of("acme", new Totals(1000, 500, 10, 5)));

    assertThat(history.series()).containsExactly(new TrafficView("acme", List.of()));
  }

  @Test
  void countersThatStartedAgainCountFromZeroNotBackwards() {
    history.record(T0, BOTH, Map.of("acme", new Totals(5000, 5000, 50, 50)));
    history.record(T0.plusSeconds(1), BOTH, Map.of("acme", new Totals(300, 0, 3, 0)));

    TrafficSample s = history.series().get(0).samples().get(0);
    assertThat(s.receivedBytesPerSecond()).isEqualTo(300);
    assertThat(s.sentBytesPerSecond()).isZero();
  }

  @Test
  void eachTenantKeepsOnlyItsLatestSamplesAndARemovedTenantGoes() {
    for (int i = 0; i <= 20; i++) {
      history.record(
          T0.plusSeconds(i),
          BOTH,
          Map.of("acme", new Totals(100L * i, 0, i, 0), "globex", new Totals(0, 0, 0, 0)));
    }

    List<TrafficSample> acme = history.series().get(0).samples();
    assertThat(acme).hasSize(5);
    assertThat(acme.get(0).time()).isEqualTo(T0.plusSeconds(16).toString());
    assertThat(acme).allSatisfy(s -> assertThat(s.receivedBytesPerSecond()).isEqualTo(100));

    history.record(T0.plusSeconds(21), Set.of("acme"), Map.of("acme", new Totals(2100, 0, 21, 0)));
    assertThat(history.series()).extracting(TrafficView::tenant).containsExactly("acme");
  }

  @Test
  void aReadingNotLaterThanTheLastAddsNoSample() {
    history.record(T0, BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0, BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));

    assertThat(history.series().get(0).samples()).isEmpty();
  }

  private static CounterView counter(String name, double value, String... labels) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return new CounterView(name, "counter", map, value);
  }

  @Test
  void aNewHistoryOverTheSameStoreShowsTheSeriesAnUpdateWouldHaveLost() {
    for (int i = 0; i <= 7; i++) {
      history.record(T0.plusSeconds(i), BOTH, Map.of("acme", new Totals(1000L * i, 0, 10L * i, 0)));
    }
    List<TrafficView> before = history.series();

    TrafficHistory after = new TrafficHistory(5, store, JSON);

    assertThat(before.get(0).samples()).hasSize(5);
    assertThat(after.series()).isEqualTo(before);
    assertThat(store.entries(TrafficHistory.JOURNALS + "acme")).hasSize(5);
  }

  @Test
  void aRestoredSeriesWaitsForItsTenantAndGoesOnWhereItStopped() {
    history.record(T0, BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0.plusSeconds(1), BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));
    TrafficHistory after = new TrafficHistory(5, store, JSON);

    // The tenants are not configured yet: the first readings name neither tenant nor agent.
    after.record(T0.plusSeconds(5), Set.of(), Map.of());
    after.record(T0.plusSeconds(6), BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));
    after.record(T0.plusSeconds(7), BOTH, Map.of("acme", new Totals(300, 0, 3, 0)));

    assertThat(after.series())
        .singleElement()
        .extracting(TrafficView::samples)
        .satisfies(
            samples -> {
              assertThat(samples).hasSize(2);
              assertThat(samples.get(1).receivedBytesPerSecond()).isEqualTo(200);
            });
  }

  @Test
  void aRestoredSeriesWhoseTenantNeverComesBackIsDroppedFromTheStore() {
    history.record(T0, BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0.plusSeconds(1), BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));
    TrafficHistory after = new TrafficHistory(5, store, JSON);

    for (int i = 0; i <= TrafficHistory.RESTORED_GRACE_READINGS; i++) {
      after.record(
          T0.plusSeconds(10 + i), Set.of("globex"), Map.of("globex", new Totals(0, 0, 0, 0)));
    }

    assertThat(after.series()).extracting(TrafficView::tenant).containsExactly("globex");
    assertThat(store.journals(TrafficHistory.JOURNALS))
        .containsExactly(TrafficHistory.JOURNALS + "globex");
  }

  @Test
  void aTenantWhoseHomeAgentMissesAReadingKeepsItsSeriesInMemoryAndInTheStore() {
    history.record(T0, BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0.plusSeconds(1), BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));
    // The home agent is being updated: the tenant exists, its counters are missing.
    history.record(T0.plusSeconds(2), BOTH, Map.of());
    history.record(T0.plusSeconds(3), BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0.plusSeconds(4), BOTH, Map.of("acme", new Totals(50, 0, 1, 0)));

    assertThat(history.series())
        .singleElement()
        .satisfies(
            acme -> {
              assertThat(acme.tenant()).isEqualTo("acme");
              assertThat(acme.samples())
                  .extracting(TrafficSample::receivedBytesPerSecond)
                  .containsExactly(100.0, 50.0);
            });
    assertThat(store.entries(TrafficHistory.JOURNALS + "acme")).hasSize(2);
  }

  @Test
  void aTenantRemovedWhileRunningTakesItsStoredSeriesWithIt() {
    history.record(T0, BOTH, Map.of("acme", new Totals(0, 0, 0, 0)));
    history.record(T0.plusSeconds(1), BOTH, Map.of("acme", new Totals(100, 0, 1, 0)));
    // Its home agent still counts for a moment after the tenant went.
    history.record(T0.plusSeconds(2), Set.of("globex"), Map.of("acme", new Totals(200, 0, 2, 0)));

    assertThat(history.series()).isEmpty();
    assertThat(store.journals(TrafficHistory.JOURNALS)).isEmpty();
  }
}
