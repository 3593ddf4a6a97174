package io.mvpn.foreignagent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.foreignagent.ForeignAgent;
import io.mvpn.foreignagent.ForeignAgentService;
import io.mvpn.foreignagent.HomeAgentFigures;
import io.mvpn.foreignagent.MapCounterStore;
import io.mvpn.foreignagent.Visitor;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The shared agent's samples carry the tenant of each visitor's home agent. */
class ForeignAgentMetricsTest {

  private static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  private static final Ipv4Address REMOTE_HA = Ipv4Address.parse("198.51.100.99");

  private record Sample(String name, double value, List<String> labels) {}

  private static final class Sink implements MetricSink {
    final List<Sample> samples = new ArrayList<>();

    @Override
    public void counter(String name, String help, long value, String... labels) {
      samples.add(new Sample(name, value, List.of(labels)));
    }

    @Override
    public void gauge(String name, String help, double value, String... labels) {
      samples.add(new Sample(name, value, List.of(labels)));
    }

    double sum(String name, String... labels) {
      return samples.stream()
          .filter(s -> s.name().equals(name) && s.labels().containsAll(List.of(labels)))
          .mapToDouble(Sample::value)
          .sum();
    }

    /** The value of each tenant's sample of a name, those carrying {@code labels}. */
    Map<String, Double> byTenant(String name, String... labels) {
      Map<String, Double> out = new TreeMap<>();
      for (Sample s : samples) {
        if (s.name().equals(name) && s.labels().containsAll(List.of(labels))) {
          int at = s.labels().indexOf("tenant");
          out.merge(s.labels().get(at + 1), s.value(), Double::sum);
        }
      }
      return out;
    }
  }

  private static VisitorEntry visitor(Ipv4Address homeAgent, String homeAddress) {
    return new VisitorEntry(
        "fa1", homeAgent, Ipv4Address.parse(homeAddress), 1, 434, 300, 1, Long.MAX_VALUE);
  }

  /** An agent's counts as the metrics read them; its datagram counts are fixed. */
  private record Counts(
      long relayedRequests, long relayedReplies, Map<Ipv4Address, HomeAgentFigures> byHomeAgent)
      implements ForeignAgentService {
    @Override
    public Ipv4Address careOf() {
      return Ipv4Address.parse("203.0.113.11");
    }

    @Override
    public List<Visitor> visitors() {
      return List.of();
    }

    @Override
    public long deliveredToVisitors() {
      return 40;
    }

    @Override
    public long reverseTunnelled() {
      return 30;
    }

    @Override
    public long dropped() {
      return 2;
    }

    @Override
    public long nanoTime() {
      return 0;
    }
  }

  private static final ForeignAgentService ENGINE =
      new Counts(
          9,
          6,
          Map.of(
              ACME_HA,
              new HomeAgentFigures(4, Map.of(0, 3L, 131, 1L), Map.of(70, 1L)),
              GLOBEX_HA,
              new HomeAgentFigures(3, Map.of(0, 2L), Map.of()),
              REMOTE_HA,
              new HomeAgentFigures(2, Map.of(), Map.of(78, 2L))));

  @Test
  void visitorsAndRegistrationsCarryTheirHomeAgentsTenantAndAddUpToTheAgentsTotals() {
    Sink sink = new Sink();
    // acme's home agent and globex's are this appliance's; the third is someone else's.
    Map<Ipv4Address, String> tenants = Map.of(ACME_HA, "acme", GLOBEX_HA, "globex");
    List<VisitorEntry> visitors =
        List.of(
            visitor(ACME_HA, "10.1.0.5"),
            visitor(GLOBEX_HA, "10.1.0.5"),
            visitor(ACME_HA, "10.1.0.6"),
            visitor(REMOTE_HA, "10.9.0.1"));

    ForeignAgentMetrics.collect(sink, "fa1", visitors, ENGINE, tenants);

    assertThat(sink.byTenant("mvpn_foreignagent_visitors"))
        .isEqualTo(Map.of("acme", 2.0, "globex", 1.0, "", 1.0));
    assertThat(sink.byTenant("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .isEqualTo(Map.of("acme", 4.0, "globex", 3.0, "", 2.0));
    assertThat(sink.sum("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .isEqualTo(ENGINE.relayedRequests());
    assertThat(sink.sum("mvpn_foreignagent_relayed_registrations", "message", "reply"))
        .isEqualTo(ENGINE.relayedReplies());
    assertThat(sink.sum("mvpn_foreignagent_registration_replies", "origin", "home_agent"))
        .isEqualTo(ENGINE.relayedReplies());
    assertThat(
            sink.byTenant(
                "mvpn_foreignagent_registration_replies", "origin", "foreign_agent", "code", "78"))
        .isEqualTo(Map.of("", 2.0));
    assertThat(
            sink.byTenant(
                "mvpn_foreignagent_registration_replies", "origin", "home_agent", "code", "0"))
        .isEqualTo(Map.of("acme", 3.0, "globex", 2.0));
    assertThat(sink.sum("mvpn_foreignagent_delivered_packets", "agent", "fa1")).isEqualTo(40);
  }

  @Test
  void everyTenantWithAHomeAgentHereHasItsSeriesEvenBeforeItsNodesVisit() {
    Sink sink = new Sink();
    ForeignAgentService quiet = new Counts(0, 0, Map.of());

    ForeignAgentMetrics.collect(sink, "fa1", List.of(), quiet, Map.of(ACME_HA, "acme"));

    assertThat(sink.byTenant("mvpn_foreignagent_visitors")).isEqualTo(Map.of("acme", 0.0));
    assertThat(sink.byTenant("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .isEqualTo(Map.of("acme", 0.0));
  }

  @Test
  void totalsCountedBeforeCountsByHomeAgentAreExportedUnderNoTenantSoTheSumStaysTheTotal() {
    // A store an earlier version wrote: totals, and only part of them by home agent.
    MapCounterStore store = new MapCounterStore();
    String scope = "foreignagent/fa1";
    store.counter(scope, "relayed-requests").add(7);
    store.counter(scope, "relayed-replies").add(5);
    store.counter(scope, "ha-" + ACME_HA + "-requests").add(2);
    store.counter(scope, "ha-" + ACME_HA + "-reply-0").add(1);
    VirtualTimeScheduler time = new VirtualTimeScheduler();
    Vrf access = new Vrf("fa-access", time, ByteBufAllocator.DEFAULT);
    Vrf uplink = new Vrf("fa-uplink", time, ByteBufAllocator.DEFAULT);
    ForeignAgent engine =
        new ForeignAgent(
            new ForeignAgent.Config(Ipv4Address.parse("203.0.113.11"), 600, 1_000_000_000L),
            access,
            null,
            uplink,
            new ForeignAgent.Stores("fa1", null, store, 0, ACME_HA::equals));
    Map<Ipv4Address, String> tenants = Map.of(ACME_HA, "acme");
    ForeignAgentMetrics.Unattributed unattributed = new ForeignAgentMetrics.Unattributed();
    Sink sink = new Sink();

    ForeignAgentMetrics.collect(sink, "fa1", List.of(), engine, tenants, unattributed);

    assertThat(sink.byTenant("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .isEqualTo(Map.of("acme", 2.0, "", 5.0));
    assertThat(sink.byTenant("mvpn_foreignagent_relayed_registrations", "message", "reply"))
        .isEqualTo(Map.of("acme", 1.0, "", 4.0));
    assertThat(sink.sum("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .isEqualTo(engine.relayedRequests());
    assertThat(sink.sum("mvpn_foreignagent_relayed_registrations", "message", "reply"))
        .isEqualTo(engine.relayedReplies());
    // A later scrape that sees less beyond the home agents' figures keeps the remainder it had.
    Sink later = new Sink();
    ForeignAgentMetrics.collect(
        later, "fa1", List.of(), new Counts(3, 2, engine.byHomeAgent()), tenants, unattributed);
    assertThat(later.byTenant("mvpn_foreignagent_relayed_registrations", "message", "request"))
        .containsEntry("", 5.0);
  }
}
