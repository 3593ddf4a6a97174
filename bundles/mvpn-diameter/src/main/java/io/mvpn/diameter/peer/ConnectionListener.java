package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;

/**
 * What a transport reports about its connections, always on the node's scheduler thread: the state
 * machine needs no locks.
 */
public interface ConnectionListener {

  /** An outgoing connection is up (I-Rcv-Conn-Ack), or an incoming one was accepted. */
  void connected(Connection connection);

  /** An outgoing connection could not be made (I-Rcv-Conn-Nack). */
  void connectFailed(Connection connection, String reason);

  void received(Connection connection, DiameterMessage message);

  /** Bytes that were not a valid message; the exception says what to answer. */
  void malformed(Connection connection, MalformedDiameterException error);

  /** The connection is gone, whoever closed it (Peer-Disc). */
  void disconnected(Connection connection);
}
