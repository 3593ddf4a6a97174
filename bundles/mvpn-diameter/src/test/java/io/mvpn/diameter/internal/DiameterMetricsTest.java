package io.mvpn.diameter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.diameter.DiameterNodeService.PeerView;
import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.ResultCode;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.peer.DiameterStats;
import io.mvpn.diameter.peer.PeerTraffic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Diameter node's samples: peers by host and realm, messages by command and result. */
class DiameterMetricsTest {

  @Test
  void peersMessagesEventsAndAaAnswersAreReportedWithPeerAndRealm() {
    RecordedMetrics metrics = new RecordedMetrics();
    DiameterStats stats =
        new DiameterStats(3, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0);

    DiameterMetrics.collect(
        metrics,
        "sink.acme.local",
        List.of(
            new PeerView("msm.home.local", "home.local", "I_OPEN", "OKAY", "x", "[1]", true),
            new PeerView("msm2.home.local", "home.local", "CLOSED", "DOWN", "-", "-", false)),
        stats,
        List.of(
            new PeerTraffic("msm.home.local", "home.local", true, true, CommandCode.AA, -1, 3),
            new PeerTraffic(
                "msm.home.local",
                "home.local",
                false,
                false,
                CommandCode.AA,
                ResultCode.SUCCESS,
                2),
            new PeerTraffic(
                "msm.home.local",
                "home.local",
                false,
                false,
                PeerTraffic.OTHER,
                PeerTraffic.OTHER,
                7)),
        Map.of(new HelloAaServer.Counted("hello", "admitted"), 2L));

    assertThat(metrics.samples())
        .contains(
            "mvpn_diameter_peer_state[node, sink.acme.local, peer, msm.home.local, realm,"
                + " home.local, state, I_OPEN]=1",
            "mvpn_diameter_peer_available[node, sink.acme.local, peer, msm2.home.local, realm,"
                + " home.local]=0",
            "mvpn_diameter_messages[node, sink.acme.local, peer, msm.home.local, realm,"
                + " home.local, direction, sent, kind, request, command, 265, result, ]=3",
            "mvpn_diameter_messages[node, sink.acme.local, peer, msm.home.local, realm,"
                + " home.local, direction, received, kind, answer, command, 265, result,"
                + " 2001]=2",
            "mvpn_diameter_messages[node, sink.acme.local, peer, msm.home.local, realm,"
                + " home.local, direction, received, kind, answer, command, other, result,"
                + " other]=7",
            "mvpn_diameter_node_events[node, sink.acme.local, event, requests_sent]=3",
            "mvpn_diameter_node_events[node, sink.acme.local, event, failovers]=1",
            "mvpn_diameter_node_events[node, sink.acme.local, event, duplicates]=1",
            "mvpn_diameter_aa_answers[node, sink.acme.local, request, hello, outcome,"
                + " admitted]=2");
    assertThat(metrics.samples())
        .filteredOn(s -> s.startsWith("mvpn_diameter_node_events"))
        .hasSize(DiameterStats.class.getRecordComponents().length);
  }
}
