package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.DiameterMessage;

/** One transport connection to a peer (TCP, TLS, or an in-memory pipe in tests). */
public interface Connection {

  /** Queues a message for sending; silently dropped once closed. */
  void send(DiameterMessage message);

  /** Closes the connection; the listener hears {@code disconnected} once. */
  void close();

  /** The remote end, for the shell and logs. */
  String remote();
}
