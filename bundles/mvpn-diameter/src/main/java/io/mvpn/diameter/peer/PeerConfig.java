package io.mvpn.diameter.peer;

import java.net.InetSocketAddress;

/**
 * A peer this node knows: its Diameter identity and realm, and where to connect to it (null: it
 * connects to us and we never initiate).
 */
public record PeerConfig(String host, String realm, InetSocketAddress address) {

  public boolean initiates() {
    return address != null;
  }
}
