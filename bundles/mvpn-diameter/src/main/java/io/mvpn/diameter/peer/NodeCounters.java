package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.CommandCode;
import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.diameter.message.ResultCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a node has done; written on its scheduler, read as a {@link DiameterStats} snapshot. */
final class NodeCounters {
  private record Key(
      String peer, String realm, boolean sent, boolean request, int command, long result) {}

  // Application messages by peer, direction, command and result, read on the scheduler: few keys,
  // as peers are configured and unknown command and Result-Codes share PeerTraffic.OTHER.
  private final Map<Key, long[]> traffic = new LinkedHashMap<>();

  long requestsSent;
  long requestsReceived;
  long answersSent;
  long answersReceived;
  long relayed;
  long duplicates;
  long unmatchedAnswers;
  long malformed;
  long protocolErrors;
  long unknownPeers;
  long uncertifiedPeers;
  long refusedByPeer;
  long rejectedConnections;
  long elections;
  long opened;
  long timeouts;
  long failovers;
  long failbacks;
  long retransmitted;

  DiameterStats snapshot() {
    return new DiameterStats(
        requestsSent,
        requestsReceived,
        answersSent,
        answersReceived,
        relayed,
        duplicates,
        unmatchedAnswers,
        malformed,
        protocolErrors,
        unknownPeers,
        uncertifiedPeers,
        refusedByPeer,
        rejectedConnections,
        elections,
        opened,
        timeouts,
        failovers,
        failbacks,
        retransmitted);
  }

  /** An application message exchanged with {@code peer}. */
  void message(Peer peer, boolean sent, DiameterMessage m) {
    long result = -1;
    if (!m.isRequest()) {
      try {
        result = ResultCode.isKnown(m.resultCode()) ? m.resultCode() : PeerTraffic.OTHER;
      } catch (MalformedDiameterException e) {
        result = -1; // counted as an answer without a readable Result-Code
      }
    }
    Key key =
        new Key(
            peer.config().host(),
            peer.config().realm(),
            sent,
            m.isRequest(),
            CommandCode.isKnown(m.commandCode()) ? m.commandCode() : PeerTraffic.OTHER,
            result);
    traffic.computeIfAbsent(key, k -> new long[1])[0]++;
  }

  List<PeerTraffic> traffic() {
    List<PeerTraffic> out = new ArrayList<>(traffic.size());
    traffic.forEach(
        (k, n) ->
            out.add(
                new PeerTraffic(
                    k.peer(), k.realm(), k.sent(), k.request(), k.command(), k.result(), n[0])));
    return out;
  }
}
