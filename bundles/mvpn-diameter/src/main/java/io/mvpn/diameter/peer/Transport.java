package io.mvpn.diameter.peer;

import java.net.InetSocketAddress;

/** Opens connections for a node; its events go to the listener on the node's scheduler. */
public interface Transport {

  /** Starts connecting and returns the connection at once; the outcome comes to the listener. */
  Connection connect(InetSocketAddress remote, ConnectionListener listener);
}
