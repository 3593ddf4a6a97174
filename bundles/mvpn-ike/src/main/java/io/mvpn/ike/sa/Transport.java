package io.mvpn.ike.sa;

/**
 * Where the engine's datagrams go: a UDP socket in production, a direct link or the virtual-time
 * fabric in tests. Called on the engine's scheduler thread; must not call back into the engine.
 */
@FunctionalInterface
public interface Transport {

  void send(Datagram datagram);
}
