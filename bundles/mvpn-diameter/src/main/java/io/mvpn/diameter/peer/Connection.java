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

  /**
   * The names the peer's TLS certificate was verified for (RFC 6733 §13.1), or null on a connection
   * without TLS.
   */
  default java.util.Set<String> certifiedNames() {
    return null;
  }

  /** Whether the peer may claim {@code originHost} on this connection: always without TLS. */
  default boolean certifies(String originHost) {
    java.util.Set<String> names = certifiedNames();
    return names == null || names.contains(originHost);
  }
}
