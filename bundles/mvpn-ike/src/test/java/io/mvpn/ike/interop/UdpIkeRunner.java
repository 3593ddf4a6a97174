package io.mvpn.ike.interop;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.EngineSettings;
import io.mvpn.ike.sa.IkeEngine;
import io.mvpn.ike.sa.IkeSa;
import io.mvpn.ike.sa.PeerConfig;
import io.mvpn.ike.sa.SadInstaller;
import io.mvpn.ipsec.esp.SecurityAssociationDatabase;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link IkeEngine} on real UDP sockets: port 500, and port 4500 with the 4-byte non-ESP marker
 * (RFC 3948 §2.2) for when NAT detection moves the peer there (RFC 7296 §2.23). The engine runs on
 * one Netty event loop thread in real time; a reader thread per socket hands it the datagrams.
 * Datagrams on 4500 without the marker are ESP, which this runner only counts.
 */
final class UdpIkeRunner implements AutoCloseable {

  private final DefaultEventLoop loop = new DefaultEventLoop(new DefaultThreadFactory("ike"));
  private final DatagramSocket ike;
  private final DatagramSocket natT;
  private final IkeEngine engine;
  final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
  final BlockingQueue<IkeSa> established = new LinkedBlockingQueue<>();
  final List<IkeSa> ended = new CopyOnWriteArrayList<>();
  final List<String> trace = new CopyOnWriteArrayList<>();
  final AtomicInteger espReceived = new AtomicInteger();

  UdpIkeRunner(Ipv4Address address, PeerConfig config) throws IOException {
    InetAddress inet = InetAddress.getByAddress(address.toBytes());
    ike = new DatagramSocket(new InetSocketAddress(inet, Endpoint.IKE_PORT));
    natT = new DatagramSocket(new InetSocketAddress(inet, Endpoint.NAT_T_PORT));
    IkeEngine.Listener listener = IkeEngine.Listener.of(established::add, ended::add);
    engine =
        new IkeEngine(
            new EventLoopScheduler(loop),
            this::send,
            new Endpoint(address, Endpoint.IKE_PORT),
            config,
            EngineSettings.defaults(),
            new SecureRandom(),
            new SadInstaller(sad, listener));
    reader(ike, address);
    reader(natT, address);
  }

  /** Runs {@code task} on the engine's thread and waits for its result. */
  <T> T call(Callable<T> task) throws Exception {
    return loop.submit(task).get(10, TimeUnit.SECONDS);
  }

  IkeEngine engine() {
    return engine;
  }

  private void reader(DatagramSocket socket, Ipv4Address address) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[65535];
              Endpoint local = new Endpoint(address, socket.getLocalPort());
              while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                  socket.receive(packet);
                } catch (IOException e) {
                  return; // closed
                }
                byte[] payload =
                    Arrays.copyOfRange(
                        packet.getData(),
                        packet.getOffset(),
                        packet.getOffset() + packet.getLength());
                if (local.port() == Endpoint.NAT_T_PORT) {
                  if (payload.length == 1 && payload[0] == (byte) 0xFF) {
                    continue; // NAT-keepalive (RFC 3948 §2.3)
                  }
                  if (payload.length < 4 || !isNonEspMarker(payload)) {
                    espReceived.incrementAndGet();
                    continue;
                  }
                  payload = Arrays.copyOfRange(payload, 4, payload.length);
                }
                Endpoint from =
                    new Endpoint(
                        Ipv4Address.of(packet.getAddress().getAddress()), packet.getPort());
                Datagram d = new Datagram(from, local, payload);
                trace.add("<- " + describe(d));
                loop.execute(() -> engine.receive(d));
              }
            },
            "ike-udp-" + socket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  private static boolean isNonEspMarker(byte[] p) {
    return p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
  }

  private void send(Datagram d) {
    trace.add("-> " + describe(d));
    boolean encapsulated = d.source().port() == Endpoint.NAT_T_PORT;
    byte[] bytes = d.payload();
    if (encapsulated) {
      bytes = new byte[d.payload().length + 4];
      System.arraycopy(d.payload(), 0, bytes, 4, d.payload().length);
    }
    try {
      (encapsulated ? natT : ike)
          .send(
              new DatagramPacket(
                  bytes,
                  bytes.length,
                  InetAddress.getByAddress(d.destination().address().toBytes()),
                  d.destination().port()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Datagram d) {
    byte[] p = d.payload();
    String what =
        p.length >= 28 ? (p[18] & 0xFF) + ((p[19] & 0x20) != 0 ? "R" : "") + " mid " + p[23] : "?";
    return d.source() + " > " + d.destination() + " " + what + " " + p.length + " B";
  }

  @Override
  public void close() {
    ike.close();
    natT.close();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
