package io.mvpn.diameter.peer;

/**
 * Application messages a node exchanged with one peer, by direction, command code and, for answers,
 * Result-Code (-1: a request, or an answer without one). Command and Result-Codes the node does not
 * know are counted together under {@link #OTHER}, so a peer cannot grow the breakdown without bound
 * by sending made-up codes.
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
    long count) {

  /** The command or Result-Code of messages whose code the node does not know. */
  public static final int OTHER = -2;
}
