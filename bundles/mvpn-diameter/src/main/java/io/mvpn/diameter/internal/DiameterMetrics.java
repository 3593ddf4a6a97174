package io.mvpn.diameter.internal;

import io.mvpn.api.metrics.MetricSink;
import io.mvpn.diameter.DiameterNodeService.PeerView;
import io.mvpn.diameter.nasreq.HelloAaServer;
import io.mvpn.diameter.peer.DiameterStats;
import io.mvpn.diameter.peer.PeerTraffic;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Diameter node's samples, each labelled with the node's Origin-Host ({@code node}) and, where a
 * peer is concerned, the peer's host and realm: peers and their state, application messages by
 * command and Result-Code, the node's events (RFC 3539 failovers, duplicates, timeouts...) and the
 * AA-Requests its hello server answered.
 */
final class DiameterMetrics {

  private DiameterMetrics() {}

  static void collect(
      MetricSink sink,
      String node,
      List<PeerView> peers,
      DiameterStats stats,
      List<PeerTraffic> traffic,
      Map<HelloAaServer.Counted, Long> aaAnswers) {
    for (PeerView p : peers) {
      sink.gauge(
          "mvpn_diameter_peer_state",
          "1 for the RFC 6733 state each configured peer is in now (CLOSED, WAIT_CONN_ACK,"
              + " I_OPEN, R_OPEN, CLOSING...).",
          1,
          "node",
          node,
          "peer",
          p.host(),
          "realm",
          p.realm(),
          "state",
          p.state());
      sink.gauge(
          "mvpn_diameter_peer_available",
          "1 if the peer is open and its watchdog (RFC 3539) lets requests be routed to it.",
          p.available() ? 1 : 0,
          "node",
          node,
          "peer",
          p.host(),
          "realm",
          p.realm());
    }
    for (PeerTraffic t : traffic) {
      sink.counter(
          "mvpn_diameter_messages",
          "Application messages exchanged with a peer, by direction, kind, command code and (for"
              + " answers) Result-Code.",
          t.count(),
          "node",
          node,
          "peer",
          t.peer(),
          "realm",
          t.realm(),
          "direction",
          t.sent() ? "sent" : "received",
          "kind",
          t.request() ? "request" : "answer",
          "command",
          code(t.commandCode()),
          "result",
          t.resultCode() == -1 ? "" : code(t.resultCode()));
    }
    for (RecordComponent c : DiameterStats.class.getRecordComponents()) {
      sink.counter(
          "mvpn_diameter_node_events",
          "What the Diameter node did, by event: requests and answers sent and received, relayed,"
              + " duplicates, failovers and failbacks (RFC 3539), timeouts, retransmissions,"
              + " refusals.",
          value(c, stats),
          "node",
          node,
          "event",
          snakeCase(c.getName()));
    }
    aaAnswers.forEach(
        (counted, n) ->
            sink.counter(
                "mvpn_diameter_aa_answers",
                "AA-Requests the node's hello server answered: hellos admitted or refused by"
                    + " reason, certificate fetches found or none, either unable when the MSM did"
                    + " not answer.",
                n,
                "node",
                node,
                "request",
                counted.request(),
                "outcome",
                counted.outcome()));
  }

  /** A known command or Result-Code as its number, the rest as {@code other}. */
  private static String code(long code) {
    return code == PeerTraffic.OTHER ? "other" : String.valueOf(code);
  }

  private static long value(RecordComponent c, DiameterStats stats) {
    try {
      return (long) c.getAccessor().invoke(stats);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code requestsSent} as {@code requests_sent}. */
  static String snakeCase(String name) {
    return name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
  }
}
