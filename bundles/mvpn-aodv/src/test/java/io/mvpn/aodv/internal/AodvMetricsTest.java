package io.mvpn.aodv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.aodv.AodvCounter;
import io.mvpn.api.testing.RecordedMetrics;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AodvMetricsTest {

  @Test
  void messagesAreLabelledByTypeAndEventAndHandoversByStep() {
    Map<AodvCounter, Long> counts = new EnumMap<>(AodvCounter.class);
    counts.put(AodvCounter.RREQ_SENT, 3L);
    counts.put(AodvCounter.RREP_ACK_RECEIVED, 1L);
    counts.put(AodvCounter.RREP_FORWARDED, 4L);
    counts.put(AodvCounter.HANDOVER_COMPLETED, 2L);
    counts.put(AodvCounter.GRATUITOUS_RREP_SENT, 5L);
    RecordedMetrics metrics = new RecordedMetrics();

    AodvMetrics.collect("msr1", 7, counts, metrics);

    assertThat(metrics.samples())
        .containsExactlyInAnyOrder(
            "mvpn_aodv_routes[router, msr1]=7",
            "mvpn_aodv_messages[router, msr1, message, rreq, event, sent]=3",
            "mvpn_aodv_messages[router, msr1, message, rrep_ack, event, received]=1",
            "mvpn_aodv_messages[router, msr1, message, rrep, event, forwarded]=4",
            "mvpn_aodv_handovers[router, msr1, step, completed]=2",
            "mvpn_aodv_events[router, msr1, event, gratuitous_rrep_sent]=5");
  }
}
