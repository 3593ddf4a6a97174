package io.mvpn.aodv.internal;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.api.metrics.MetricSink;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mobility router's figures for the metrics endpoint: its routes now, its RFC 3561 messages by
 * type and what it did with them, seed 002's handovers by step, and its other events. The counts
 * are the router's own: they start from zero with a new router.
 */
final class AodvMetrics {

  /** Message types by counter prefix; RREP_ACK_ before RREP_, which it also starts with. */
  private static final List<String> MESSAGES =
      List.of("RREP_ACK_", "RREQ_", "RREP_", "RERR_", "HELLO_");

  private static final String HANDOVER = "HANDOVER_";

  private AodvMetrics() {}

  static void collect(String router, int routes, Map<AodvCounter, Long> counts, MetricSink sink) {
    sink.gauge(
        "mvpn_aodv_routes", "Routes in the mobility router's table now.", routes, "router", router);
    counts.forEach(
        (counter, value) -> {
          String name = counter.name();
          String message = MESSAGES.stream().filter(name::startsWith).findFirst().orElse(null);
          if (message != null) {
            sink.counter(
                "mvpn_aodv_messages",
                "RFC 3561 messages by type (rreq, rrep, rerr, hello, rrep_ack) and what the router"
                    + " did with them.",
                value,
                "router",
                router,
                "message",
                label(message.substring(0, message.length() - 1)),
                "event",
                label(name.substring(message.length())));
          } else if (name.startsWith(HANDOVER)) {
            sink.counter(
                "mvpn_aodv_handovers",
                "Proactive handovers between sinks (seed 002), by step: requested, received,"
                    + " confirmed, completed, failed, updates sent and received.",
                value,
                "router",
                router,
                "step",
                label(name.substring(HANDOVER.length())));
          } else {
            sink.counter(
                "mvpn_aodv_events",
                "Other events of the mobility router (discoveries, link breaks, repairs, data"
                    + " forwarded, buffered and dropped, malformed input), by kind.",
                value,
                "router",
                router,
                "event",
                label(name));
          }
        });
  }

  private static String label(String constant) {
    return constant.toLowerCase(Locale.ROOT);
  }
}
