package io.mvpn.homeagent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.store.InMemoryBindingStore;
import io.mvpn.store.InMemoryCounterStore;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HomeAgentMetricsTest {

  /** Every sample as {@code name{label=value,...}} to its value. */
  private static Map<String, Double> collect(HomeAgentMetrics metrics) {
    Map<String, Double> samples = new TreeMap<>();
    metrics.collect(
        new MetricSink() {
          @Override
          public void counter(String name, String help, long value, String... labels) {
            gauge(name, help, value, labels);
          }

          @Override
          public void gauge(String name, String help, double value, String... labels) {
            assertThat(help).isNotBlank();
            StringBuilder series = new StringBuilder(name).append('{');
            for (int i = 0; i < labels.length; i += 2) {
              series.append(i == 0 ? "" : ",").append(labels[i]).append('=').append(labels[i + 1]);
            }
            samples.put(series.append('}').toString(), value);
          }
        });
    return samples;
  }

  @Test
  void aNewHomeAgentsMetricsGoOnFromTheTotalsItsPredecessorCountedIntoTheStore() {
    CounterStore counters = new InMemoryCounterStore();
    String scope = RegistrationStats.scope("acme");
    // What the home agent before an update counted, through the same store names it uses.
    counters.counter(scope, "reply-0").add(7);
    counters.counter(scope, "reply-133").add(2);
    counters.counter(scope, "tunnelled-accepted").add(40);
    counters.counter(scope, "tunnelled-accepted-bytes").add(3360);
    counters.counter(scope, "tunnelled-sent").add(38);

    HomeAgentMetrics next =
        new HomeAgentMetrics(
            MvpnId.of("acme"), new RegistrationStats(counters, scope), new InMemoryBindingStore());

    assertThat(collect(next))
        .containsEntry("mvpn_homeagent_registration_replies{tenant=acme,code=0}", 7.0)
        .containsEntry("mvpn_homeagent_registration_replies{tenant=acme,code=133}", 2.0)
        .containsEntry("mvpn_homeagent_tunnel_received_packets{tenant=acme,result=accepted}", 40.0)
        .containsEntry("mvpn_homeagent_tunnel_received_bytes{tenant=acme}", 3360.0)
        .containsEntry("mvpn_homeagent_tunnel_sent_packets{tenant=acme}", 38.0)
        .containsEntry("mvpn_homeagent_bindings{tenant=acme}", 0.0)
        .doesNotContainKey("mvpn_homeagent_registration_replies{tenant=acme,code=131}");
  }
}
