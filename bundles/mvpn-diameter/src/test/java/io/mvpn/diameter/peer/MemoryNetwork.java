package io.mvpn.diameter.peer;

import io.mvpn.diameter.message.DiameterMessage;
import io.mvpn.diameter.message.MalformedDiameterException;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Connections between nodes in one virtual-time run: every message crosses as bytes (encoded, then
 * decoded on the other side) after a fixed latency; a host can be made deaf to model a peer that
 * hangs without closing its connection.
 */
final class MemoryNetwork {

  static final long LATENCY_MS = 5;

  private final VirtualTimeScheduler time;
  private final Map<InetSocketAddress, ConnectionListener> listening = new HashMap<>();
  private final Set<ConnectionListener> deaf = new HashSet<>();
  final List<DiameterMessage> wire = new ArrayList<>();

  /** The names accepted connections see in the connecting side's certificate; null: no TLS. */
  Set<String> certificateNames;

  MemoryNetwork(VirtualTimeScheduler time) {
    this.time = time;
  }

  void listen(InetSocketAddress address, ConnectionListener node) {
    listening.put(address, node);
  }

  /** The node's connections stop delivering to it (its peers see silence, not a close). */
  void deafen(ConnectionListener node, boolean on) {
    if (on) {
      deaf.add(node);
    } else {
      deaf.remove(node);
    }
  }

  /** A transport whose connections report to {@code owner}. */
  Transport transportFor(ConnectionListener owner) {
    return (remote, listener) -> {
      End local = new End(listener, remote.toString());
      ConnectionListener server = listening.get(remote);
      later(
          () -> {
            if (server == null) {
              listener.connectFailed(local, "connection refused");
              return;
            }
            End far = new End(server, "client of " + remote);
            far.names = certificateNames;
            local.other = far;
            far.other = local;
            server.connected(far);
            listener.connected(local);
          });
      return local;
    };
  }

  private void later(Runnable r) {
    time.schedule(LATENCY_MS, TimeUnit.MILLISECONDS, r);
  }

  /** One end of a connection. */
  final class End implements Connection {
    final ConnectionListener listener;
    final String remote;
    End other;
    boolean closed;

    /** What a TLS certificate would name; null: a connection without TLS. */
    Set<String> names;

    End(ConnectionListener listener, String remote) {
      this.listener = listener;
      this.remote = remote;
    }

    @Override
    public void send(DiameterMessage message) {
      if (closed || other == null) {
        return;
      }
      byte[] bytes = message.toBytes();
      End to = other;
      wire.add(message);
      later(
          () -> {
            if (to.closed || deaf.contains(to.listener)) {
              return;
            }
            try {
              to.listener.received(to, DiameterMessage.decode(Unpooled.wrappedBuffer(bytes)));
            } catch (MalformedDiameterException e) {
              to.listener.malformed(to, e);
            }
          });
    }

    /** Sends raw octets, as a broken peer might. */
    void sendRaw(byte[] bytes) {
      End to = other;
      later(
          () -> {
            try {
              to.listener.received(to, DiameterMessage.decode(Unpooled.wrappedBuffer(bytes)));
            } catch (MalformedDiameterException e) {
              to.listener.malformed(to, e);
            }
          });
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      later(() -> listener.disconnected(this));
      End o = other;
      if (o != null) {
        // The far end learns of the close after what was sent before it, as over TCP.
        later(
            () -> {
              if (!o.closed) {
                o.closed = true;
                o.listener.disconnected(o);
              }
            });
      }
    }

    @Override
    public String remote() {
      return remote;
    }

    @Override
    public Set<String> certifiedNames() {
      return names;
    }
  }
}
