package io.mvpn.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.metrics.MetricSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsExpositionTest {

  private static final MetricSource HOME_AGENT =
      sink -> {
        sink.counter(
            "mvpn_homeagent_registration_replies",
            "Registration replies sent, by RFC 5944 reply code.",
            12,
            "tenant",
            "acme",
            "code",
            "0");
        sink.counter(
            "mvpn_homeagent_registration_replies",
            "Registration replies sent, by RFC 5944 reply code.",
            3,
            "tenant",
            "acme",
            "code",
            "133");
        sink.gauge("mvpn_homeagent_bindings", "Mobility bindings now.", 2, "tenant", "acme");
      };

  @Test
  void countersGetTotalSuffixHelpAndTypeAndPromtoolFindsNothingToLint() throws Exception {
    String text = new MetricsExposition(() -> List.of(HOME_AGENT)).withJvmMetrics().text();

    assertThat(text)
        .contains(
            "# HELP mvpn_homeagent_registration_replies_total Registration replies sent, by RFC"
                + " 5944 reply code.\n",
            "# TYPE mvpn_homeagent_registration_replies_total counter\n",
            "mvpn_homeagent_registration_replies_total{code=\"133\",tenant=\"acme\"} 3.0\n",
            "# TYPE mvpn_homeagent_bindings gauge\n",
            "mvpn_homeagent_bindings{tenant=\"acme\"} 2.0\n",
            "jvm_memory_used_bytes",
            "mvpn_metrics_sources 1.0\n",
            "mvpn_metrics_rejected_samples 0.0\n")
        .endsWith("\n");
    Promtool.Verdict verdict = Promtool.check(text);
    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
  }

  @Test
  void aTenantNameWithQuotesBackslashesAndNewlinesIsEscapedInTheLabelValue() throws Exception {
    MetricSource odd =
        sink ->
            sink.gauge(
                "mvpn_homeagent_bindings", "Mobility bindings now.", 1, "tenant", "a\"b\\c\nd");

    String text = new MetricsExposition(() -> List.of(odd)).text();

    assertThat(text).contains("mvpn_homeagent_bindings{tenant=\"a\\\"b\\\\c\\nd\"} 1.0\n");
    Promtool.Verdict verdict = Promtool.check(text);
    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
  }

  @Test
  void aSampleThatWouldBreakTheExpositionIsDroppedAndCountedWhileTheRestStays() throws Exception {
    MetricSource careless =
        sink -> {
          sink.counter("mvpn_ipsec_esp_received_total", "Doubled suffix.", 1);
          sink.counter("mvpn_ike_sas", "No help text follows.", 1, "tenant");
          sink.gauge("mvpn_napt_mappings", " ", 1);
          sink.gauge("Mvpn-NAPT", "Not a name.", 1);
          sink.gauge("mvpn_napt_mappings", "NAPT mappings now.", 4, "tenant", "acme");
          sink.gauge("mvpn_napt_mappings", "NAPT mappings now.", 5, "tenant", "acme");
          sink.counter("mvpn_napt_mappings", "NAPT mappings now.", 5, "tenant", "globex");
          sink.gauge("mvpn_napt_mappings", "NAPT mappings now.", 6, "site", "globex");
          sink.counter("mvpn_napt_created", "Mappings made.", -1);
        };
    MetricSource failing =
        sink -> {
          throw new IllegalStateException("engine gone");
        };

    String text = new MetricsExposition(() -> List.of(careless, failing, HOME_AGENT)).text();

    assertThat(text)
        .contains(
            "mvpn_napt_mappings{tenant=\"acme\"} 4.0\n",
            "mvpn_homeagent_bindings{tenant=\"acme\"} 2.0\n",
            "mvpn_metrics_sources 3.0\n",
            "mvpn_metrics_rejected_samples 9.0\n")
        .doesNotContain("esp_received", "mvpn_ike_sas", "Mvpn-NAPT", "globex", "mvpn_napt_created");
    Promtool.Verdict verdict = Promtool.check(text);
    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
  }
}
