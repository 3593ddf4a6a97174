package io.mvpn.keying;

import io.mvpn.api.metrics.MetricSink;
import io.mvpn.api.metrics.MetricSource;
import io.mvpn.ike.IkeService;

/**
 * An IKE daemon's figures for the metrics endpoint: its IKE SAs now, the peers it refused at
 * IKE_AUTH by reason, and the messages it dropped by reason. The counts live in the counter store
 * (scope {@code ike/<name>}), so a daemon that follows an update goes on from them; its IKE SAs are
 * not stored and start again.
 */
final class IkeMetrics implements MetricSource {

  private final IkeService daemon;

  IkeMetrics(IkeService daemon) {
    this.daemon = daemon;
  }

  @Override
  public void collect(MetricSink sink) {
    String name = daemon.name();
    sink.gauge(
        "mvpn_ike_sas", "IKE SAs the daemon holds now.", daemon.sas().size(), "daemon", name);
    daemon
        .refusedPeers()
        .forEach(
            (reason, count) ->
                sink.counter(
                    "mvpn_ike_auth_failures",
                    "Peers refused at IKE_AUTH, by the notify sent and the reason (RFC 7296"
                        + " §2.21.2).",
                    count,
                    "daemon",
                    name,
                    "notify",
                    "AUTHENTICATION_FAILED",
                    "reason",
                    reason));
    daemon
        .dropped()
        .forEach(
            (reason, count) ->
                sink.counter(
                    "mvpn_ike_dropped_messages",
                    "IKE datagrams dropped unanswered, by reason.",
                    count,
                    "daemon",
                    name,
                    "reason",
                    reason));
  }
}
