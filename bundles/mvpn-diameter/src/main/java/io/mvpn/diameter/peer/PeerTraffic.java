package io.mvpn.diameter.peer;

/**
 * Application messages a node exchanged with one peer, by direction, command code and, for answers,
 * Result-Code (-1: a request, or an answer without one).
 *
 * @param sent true for messages this node sent to the peer, false for those it received
 */
public record PeerTraffic(
    String peer,
    String realm,
    boolean sent,
    boolean request,
    int commandCode,
    long resultCode,
    long count) {}
