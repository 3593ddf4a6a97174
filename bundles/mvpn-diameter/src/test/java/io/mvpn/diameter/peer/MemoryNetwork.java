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
 * decoded on the other side) after a fixed latency. A host can be made deaf, or hung (deaf and
 * silent) to model a peer that stops without closing its connection, or crashed: its connections
 * reset and connecting to its address refused until a new node listens there. Shared with other
 * modules' scenarios (the test jar).
 */
public final class MemoryNetwork {

  public static final long LATENCY_MS = 5;

  private final VirtualTimeScheduler time;
  private final Map<InetSocketAddress, ConnectionListener> listening = new HashMap<>();
  private final Set<ConnectionListener> deaf = new HashSet<>();
  private final Set<ConnectionListener> silent = new HashSet<>();
  private final Set<ConnectionListener> crashed = new HashSet<>();
  private final List<End> ends = new ArrayList<>();
  public final List<DiameterMessage> wire = new ArrayList<>();

  /** The names accepted connections see in the connecting side's certificate; null: no TLS. */
  Set<String> certificateNames;

  public MemoryNetwork(VirtualTimeScheduler time) {
    this.time = time;
  }

  public void listen(InetSocketAddress address, ConnectionListener node) {
    listening.put(address, node);
  }

  /** The node's connections stop delivering to it (its peers see silence, not a close). */
  public void deafen(ConnectionListener node, boolean on) {
    if (on) {
      deaf.add(node);
    } else {
      deaf.remove(node);
    }
  }

  /**
   * The node's process hangs ({@code on}) or resumes: it hears nothing and sends nothing, while its
   * connections stay open as the kernel keeps them; only its peers' watchdogs can tell.
   */
  public void hang(ConnectionListener node, boolean on) {
    deafen(node, on);
    if (on) {
      silent.add(node);
    } else {
      silent.remove(node);
    }
  }

  /**
   * The node's process dies: its peers see each connection reset (after the latency), the dead node
   * hears and sends nothing more, and connecting to its address is refused until {@link #listen}
   * puts a new node there.
   */
  public void crash(ConnectionListener node) {
    crashed.add(node);
    listening.values().removeIf(l -> l == node);
    for (End e : ends) {
      if (e.listener == node && !e.closed) {
        e.closed = true;
        End far = e.other;
        if (far != null) {
          later(
              () -> {
                if (!far.closed) {
                  far.closed = true;
                  far.listener.disconnected(far);
                }
              });
        }
      }
    }
    ends.removeIf(e -> e.closed);
  }

  /** A transport whose connections report to {@code owner}. */
  public Transport transportFor(ConnectionListener owner) {
    return (remote, listener) -> {
      End local = new End(listener, remote.toString());
      if (crashed.contains(listener)) {
        return local; // a dead process connects nowhere
      }
      ends.removeIf(e -> e.closed);
      later(
          () -> {
            ConnectionListener server = listening.get(remote);
            if (server == null) {
              listener.connectFailed(local, "connection refused");
              return;
            }
            End far = new End(server, "client of " + remote);
            far.names = certificateNames;
            local.other = far;
            far.other = local;
            ends.add(local);
            ends.add(far);
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
      if (closed || other == null || silent.contains(listener) || crashed.contains(listener)) {
        return;
      }
      byte[] bytes = message.toBytes();
      End to = other;
      wire.add(message);
      later(
          () -> {
            if (to.closed || deaf.contains(to.listener) || crashed.contains(to.listener)) {
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
      // A hung process's own timers run on in this model; what they close never reaches the wire.
      if (o != null && !silent.contains(listener) && !crashed.contains(listener)) {
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
