package io.mvpn.dns;

import io.mvpn.api.workgroup.MemberId;
import io.mvpn.dns.WorkgroupZone.Transport;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link WorkgroupZone} on a host socket: UDP on one thread, and optionally TCP (RFC 1035
 * §4.2.2, RFC 7766) with an accepting thread and at most {@code maxTcpConnections} connections,
 * each closed after {@code TCP_IDLE_MS} idle or {@code TCP_MAX_QUERIES} queries. The {@link
 * AskerResolver} names the member behind each source address.
 */
public final class DnsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

  static final int TCP_IDLE_MS = 10_000;
  static final int TCP_MAX_QUERIES = 100;
  private static final int DEFAULT_MAX_TCP = 8;

  private final WorkgroupZone zone;
  private final AskerResolver askers;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ThreadPoolExecutor tcpWorkers;
  private final Thread udpThread;
  private final Thread acceptThread;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DnsServer(
      WorkgroupZone zone,
      AskerResolver askers,
      DatagramSocket udp,
      ServerSocket tcp,
      int maxTcpConnections) {
    this.zone = zone;
    this.askers = askers;
    this.udp = udp;
    this.tcp = tcp;
    AtomicInteger n = new AtomicInteger();
    this.tcpWorkers =
        tcp == null
            ? null
            : new ThreadPoolExecutor(
                0,
                maxTcpConnections,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> daemon(r, "mvpn-dns-tcp-" + n.incrementAndGet()));
    this.udpThread = daemon(this::serveUdp, "mvpn-dns-udp");
    this.acceptThread = tcp == null ? null : daemon(this::acceptTcp, "mvpn-dns-tcp-accept");
  }

  /** UDP and TCP on {@code bind} (port 0: one ephemeral port for both). */
  public static DnsServer start(WorkgroupZone zone, AskerResolver askers, InetSocketAddress bind)
      throws IOException {
    return start(zone, askers, bind, true, DEFAULT_MAX_TCP);
  }

  /**
   * Binds and starts serving.
   *
   * @param withTcp also listen on TCP at the same port
   * @param maxTcpConnections connections served at once; more are closed at once
   */
  public static DnsServer start(
      WorkgroupZone zone,
      AskerResolver askers,
      InetSocketAddress bind,
      boolean withTcp,
      int maxTcpConnections)
      throws IOException {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(askers, "askers");
    Objects.requireNonNull(bind, "bind");
    if (maxTcpConnections < 1) {
      throw new IllegalArgumentException("maxTcpConnections " + maxTcpConnections);
    }
    // an ephemeral UDP port may be taken on TCP: try a few
    for (int attempt = 0; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(bind);
      ServerSocket tcp = null;
      if (withTcp) {
        try {
          tcp = new ServerSocket();
          tcp.setReuseAddress(true);
          tcp.bind(new InetSocketAddress(bind.getAddress(), udp.getLocalPort()), 16);
        } catch (BindException e) {
          udp.close();
          if (tcp != null) {
            tcp.close();
          }
          if (bind.getPort() != 0 || attempt >= 10) {
            throw e;
          }
          continue;
        }
      }
      DnsServer s = new DnsServer(zone, askers, udp, tcp, maxTcpConnections);
      s.udpThread.start();
      if (s.acceptThread != null) {
        s.acceptThread.start();
      }
      LOG.info("workgroup DNS for {} on {}", zone.origin(), s.udpAddress());
      return s;
    }
  }

  public InetSocketAddress udpAddress() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
  }

  /** The TCP address, or null without TCP. */
  public InetSocketAddress tcpAddress() {
    return tcp == null ? null : (InetSocketAddress) tcp.getLocalSocketAddress();
  }

  public WorkgroupZone zone() {
    return zone;
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    while (!closed) {
      try {
        in.setLength(buf.length);
        udp.receive(in);
        InetSocketAddress source = (InetSocketAddress) in.getSocketAddress();
        byte[] query = Arrays.copyOfRange(buf, in.getOffset(), in.getOffset() + in.getLength());
        byte[] response = zone.answer(query, asker(source), Transport.UDP);
        if (response != null) {
          udp.send(new DatagramPacket(response, response.length, source));
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("workgroup DNS UDP: {}", e.toString());
        }
      } catch (RuntimeException e) {
        LOG.warn("workgroup DNS UDP query failed", e);
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("workgroup DNS TCP accept: {}", e.toString());
          pause();
        }
        continue;
      }
      try {
        tcpWorkers.execute(() -> serveTcp(s));
      } catch (RejectedExecutionException e) {
        closeQuietly(s);
      }
    }
  }

  private void serveTcp(Socket s) {
    connections.add(s);
    if (closed) {
      closeQuietly(s);
    }
    try (s) {
      s.setSoTimeout(TCP_IDLE_MS);
      s.setTcpNoDelay(true);
      InetSocketAddress source = (InetSocketAddress) s.getRemoteSocketAddress();
      MemberId asker = asker(source);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      for (int i = 0; i < TCP_MAX_QUERIES && !closed; i++) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        byte[] query = new byte[length];
        in.readFully(query);
        byte[] response = zone.answer(query, asker, Transport.TCP);
        if (response == null) {
          return;
        }
        out.writeShort(response.length);
        out.write(response);
        out.flush();
      }
    } catch (IOException e) {
      LOG.debug("workgroup DNS TCP: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.warn("workgroup DNS TCP query failed", e);
    } finally {
      connections.remove(s);
    }
  }

  /** Keeps a failing accept (out of descriptors, say) from spinning. */
  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private MemberId asker(InetSocketAddress source) {
    return askers.resolve(source).orElse(null);
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    if (tcp != null) {
      closeQuietly(tcp);
      tcpWorkers.shutdownNow();
      connections.forEach(DnsServer::closeQuietly);
    }
    try {
      udpThread.join(2000);
      if (acceptThread != null) {
        acceptThread.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
