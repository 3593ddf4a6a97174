package io.mvpn.diameter.peer;

/**
 * A node's counters at one moment.
 *
 * @param requestsSent requests this node originated
 * @param requestsReceived requests peers sent to or through this node
 * @param answersSent answers this node sent, its own and relayed
 * @param answersReceived answers matched to an outstanding request
 * @param relayed requests forwarded to another peer (§6.1.9)
 * @param duplicates requests seen before (Origin-Host, End-to-End), answered from the cache
 * @param unmatchedAnswers answers with an unknown Hop-by-Hop Identifier, dropped (§6.2.1)
 * @param malformed messages that failed to decode or broke a command's grammar
 * @param protocolErrors answers this node sent with a 3xxx Result-Code and the E bit
 * @param unknownPeers CERs from identities not configured, refused with 3010
 * @param uncertifiedPeers TLS peers whose certificate does not name the Origin-Host they claim
 * @param refusedByPeer CEAs that were not SUCCESS
 * @param rejectedConnections second connections from a peer already connected (R-Reject)
 * @param elections simultaneous connections settled by election (§5.6.4)
 * @param opened times a peer reached R-Open or I-Open
 * @param timeouts connect, CER/CEA or DPR/DPA exchanges that timed out
 * @param failovers peers the watchdog took out of routing (RFC 3539)
 * @param failbacks peers it put back
 * @param retransmitted requests re-sent with the T bit to another peer after a failover
 */
public record DiameterStats(
    long requestsSent,
    long requestsReceived,
    long answersSent,
    long answersReceived,
    long relayed,
    long duplicates,
    long unmatchedAnswers,
    long malformed,
    long protocolErrors,
    long unknownPeers,
    long uncertifiedPeers,
    long refusedByPeer,
    long rejectedConnections,
    long elections,
    long opened,
    long timeouts,
    long failovers,
    long failbacks,
    long retransmitted) {}
