package io.mvpn.diameter.peer;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.diameter.message.Capabilities;
import io.mvpn.net.time.VirtualTimeScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Diameter nodes on one {@link MemoryNetwork}, each listening on 10.0.0.N:3868. */
final class TestNodes {

  static final long NASREQ = 1;

  final VirtualTimeScheduler time = new VirtualTimeScheduler();
  final MemoryNetwork net = new MemoryNetwork(time);
  private final Random random = new Random(6733);

  /** Where nodes made from now on count, each in scope {@code diameter/HOST}; null: their own. */
  CounterStore counters;

  static InetSocketAddress address(int n) {
    return new InetSocketAddress(ip(n), 3868);
  }

  static InetAddress ip(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static Capabilities identity(String host, String realm, int n) {
    return new Capabilities(host, realm, List.of(ip(n)), 0, "mvpn", 1, 7, Set.of(), Set.of());
  }

  DiameterNode node(int n, String host, String realm, NodeSettings settings) {
    DiameterNode[] holder = new DiameterNode[1];
    Transport t = (remote, listener) -> net.transportFor(holder[0]).connect(remote, listener);
    holder[0] = new DiameterNode(time, settings, t, random, counters, "diameter/" + host);
    net.listen(address(n), holder[0]);
    return holder[0];
  }

  DiameterNode node(int n, String host, String realm) {
    return node(n, host, realm, NodeSettings.of(identity(host, realm, n)));
  }

  static PeerConfig peer(String host, String realm, int n) {
    return new PeerConfig(host, realm, address(n));
  }

  static PeerConfig passivePeer(String host, String realm) {
    return new PeerConfig(host, realm, null);
  }

  /**
   * Node 1, a.test.local in test.local, connected to node 2 ({@code host} in {@code realm}), both
   * serving NASREQ with {@code handler} when there is one: {a, b}, open one virtual second later.
   */
  DiameterNode[] connected(String host, String realm, RequestHandler handler) {
    DiameterNode a = node(1, "a.test.local", "test.local");
    DiameterNode b = node(2, host, realm);
    if (handler != null) {
      a.register(NASREQ, handler);
      b.register(NASREQ, handler);
    }
    a.addPeer(peer(host, realm, 2));
    b.addPeer(passivePeer("a.test.local", "test.local"));
    a.start();
    runFor(1);
    return new DiameterNode[] {a, b};
  }

  void runFor(long seconds) {
    time.advance(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }
}
