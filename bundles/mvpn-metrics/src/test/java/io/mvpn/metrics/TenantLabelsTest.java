package io.mvpn.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.metrics.MetricSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every sample of a tenant's function carries its tenant, and the scrape stays valid. */
class TenantLabelsTest {

  /** An AODV router as it reports itself: by router, knowing nothing of tenants. */
  private static MetricSource router(String name, int routes) {
    return sink -> {
      sink.gauge(
          "mvpn_aodv_routes", "Routes in the mobility router's table now.", routes, "router", name);
      sink.counter(
          "mvpn_aodv_messages", "RFC 3561 messages by type.", 7, "router", name, "message", "rreq");
    };
  }

  @Test
  void aSourceWhoseServicePropertiesNameATenantHasItOnEverySample() throws Exception {
    MetricSource gateway =
        TenantLabels.labelled(router("acme-gw", 3), Map.of("name", "acme-gw", "tenant", "acme"));
    MetricSource gatewayByProperty =
        TenantLabels.labelled(router("globex-gw", 2), Map.of("mvpn.tenant", "globex"));

    String text = new MetricsExposition(() -> List.of(gateway, gatewayByProperty)).text();

    assertThat(text)
        .contains(
            "mvpn_aodv_routes{router=\"acme-gw\",tenant=\"acme\"} 3.0\n",
            "mvpn_aodv_messages_total{message=\"rreq\",router=\"acme-gw\",tenant=\"acme\"} 7.0\n",
            "mvpn_aodv_routes{router=\"globex-gw\",tenant=\"globex\"} 2.0\n",
            "mvpn_metrics_rejected_samples 0.0\n");
    Promtool.Verdict verdict = Promtool.check(text);
    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
  }

  @Test
  void aStandaloneSourceBesideTenantsOnesGetsAnEmptyTenantInWhicheverOrderTheyCome()
      throws Exception {
    MetricSource gateway = TenantLabels.labelled(router("acme-gw", 3), Map.of("tenant", "acme"));
    MetricSource standalone = TenantLabels.labelled(router("mr1", 5), Map.of("name", "mr1"));

    for (List<MetricSource> order :
        List.of(List.of(standalone, gateway), List.of(gateway, standalone))) {
      String text = new MetricsExposition(() -> order).text();

      assertThat(text)
          .contains(
              "mvpn_aodv_routes{router=\"acme-gw\",tenant=\"acme\"} 3.0\n",
              "mvpn_aodv_routes{router=\"mr1\",tenant=\"\"} 5.0\n",
              "mvpn_metrics_rejected_samples 0.0\n");
      Promtool.Verdict verdict = Promtool.check(text);
      assertThat(verdict.exitCode()).as(verdict.output()).isZero();
    }
  }

  @Test
  void aSampleThatNamesItsOwnTenantKeepsIt() {
    MetricSource sam =
        sink -> sink.gauge("mvpn_sam_pairs", "SA pairs held", 4, "tenant", "initech");

    String text =
        new MetricsExposition(() -> List.of(TenantLabels.labelled(sam, Map.of("tenant", "acme"))))
            .text();

    assertThat(text).contains("mvpn_sam_pairs{tenant=\"initech\"} 4.0\n");
  }

  @Test
  void aPropertyThatIsNoTenantIdGivesNoLabel() {
    assertThat(TenantLabels.tenantOf(Map.of("tenant", "Not An Id!"))).isNull();
    assertThat(TenantLabels.tenantOf(Map.of("tenant", 42))).isNull();
    assertThat(TenantLabels.tenantOf(Map.of())).isNull();
    assertThat(TenantLabels.tenantOf(Map.of("mvpn.tenant", "acme", "tenant", "globex")))
        .isEqualTo("acme");
  }
}
