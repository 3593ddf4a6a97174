package io.mvpn.diameter.peer;

/** What a node has done; written on its scheduler, read as a {@link DiameterStats} snapshot. */
final class NodeCounters {
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
}
