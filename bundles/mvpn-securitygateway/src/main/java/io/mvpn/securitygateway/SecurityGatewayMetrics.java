package io.mvpn.securitygateway;

import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.GatewayCounts;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * A security gateway's figures for the metrics endpoint: its counts (in the counter store, so they
 * go on across an update of the gateway), ESP refusals by reason (replays and ICV failures among
 * them), SIUs by outcome, and its SAs now.
 */
final class SecurityGatewayMetrics implements MetricSource {

  private static final String ESP = "ESP_";
  private static final String SIU = "SIU_";

  private final String gateway;
  private final GatewayCounts counts;
  private final IntSupplier securityAssociations;

  /**
   * @param securityAssociations the gateway's ESP SAs now, read on its loop
   */
  SecurityGatewayMetrics(String gateway, GatewayCounts counts, IntSupplier securityAssociations) {
    this.gateway = gateway;
    this.counts = counts;
    this.securityAssociations = securityAssociations;
  }

  @Override
  public void collect(MetricSink sink) {
    sink.gauge(
        "mvpn_securitygateway_esp_sas",
        "ESP SAs of the security gateway's tunnels now: an inbound and an outbound per mobile node.",
        securityAssociations.getAsInt(),
        "gateway",
        gateway);
    for (GatewayCounter c : GatewayCounter.values()) {
      String constant = c.name();
      if (constant.startsWith(ESP)) {
        sink.counter(
            "mvpn_securitygateway_esp_packets",
            "ESP packets by what became of them: received, accepted (verified and forwarded),"
                + " refused by an SA, sent.",
            counts.get(c),
            "gateway",
            gateway,
            "result",
            label(constant.substring(ESP.length())));
      } else if (constant.startsWith(SIU)) {
        sink.counter(
            "mvpn_securitygateway_siu_messages",
            "Security Information Updates from home agents: applied, or refused by reason.",
            counts.get(c),
            "gateway",
            gateway,
            "result",
            label(constant.substring(SIU.length())));
      } else {
        sink.counter(
            "mvpn_securitygateway_events",
            "Other events of the security gateway (unknown SPIs, selector misses, NAT-T,"
                + " fragmentation), by kind.",
            counts.get(c),
            "gateway",
            gateway,
            "event",
            label(constant));
      }
    }
    counts
        .refusals()
        .forEach(
            (reason, count) ->
                sink.counter(
                    "mvpn_securitygateway_esp_refused",
                    "ESP packets refused by the gateway's SAs, by reason (replay, icv, ...).",
                    count,
                    "gateway",
                    gateway,
                    "reason",
                    label(reason.name())));
  }

  private static String label(String constant) {
    return constant.toLowerCase(Locale.ROOT);
  }
}
