package io.mvpn.ike.host;

import io.mvpn.api.Ipv4Address;
import io.mvpn.ike.message.IkeHeader;
import io.mvpn.ike.sa.Datagram;
import io.mvpn.ike.sa.Endpoint;
import io.mvpn.ike.sa.IkeSaManager;
import io.mvpn.ike.sa.Transport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real UDP sockets of one IKE endpoint: the IKE port (500) and the NAT-T port (4500), whose IKE
 * carries the non-ESP marker (RFC 3948 §2.2). A reader thread per socket hands each datagram to the
 * endpoint's {@link IkeSaManager} on its loop; the manager's transport sends back through the
 * socket of the datagram's source port.
 */
public final class UdpIkeSockets implements Transport, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UdpIkeSockets.class);

  private final String name;
  private final Endpoint local;
  private final int natTPort;
  private final DatagramSocket ike;
  private final DatagramSocket natT;

  /** Binds both ports of {@code local}'s address. */
  public UdpIkeSockets(String name, Endpoint local, int natTPort) throws IOException {
    this.name = name;
    this.local = local;
    this.natTPort = natTPort;
    InetAddress inet = InetAddress.getByAddress(local.address().toBytes());
    this.ike = new DatagramSocket(new InetSocketAddress(inet, local.port()));
    try {
      this.natT = new DatagramSocket(new InetSocketAddress(inet, natTPort));
    } catch (IOException e) {
      ike.close();
      throw e;
    }
  }

  /** Starts reading: each datagram goes to {@code manager} on {@code loop}. */
  public void start(IkeSaManager manager, Executor loop) {
    reader(ike, local, manager, loop);
    reader(natT, local.withPort(natTPort), manager, loop);
  }

  @Override
  public void close() {
    ike.close();
    natT.close();
  }

  private void reader(DatagramSocket socket, Endpoint at, IkeSaManager manager, Executor loop) {
    boolean encapsulating = at.port() == natTPort;
    read(
        socket,
        at,
        "ike-" + name + "-udp-" + at.port(),
        d -> loop.execute(() -> dispatch(manager, d, encapsulating)));
  }

  /**
   * Starts a daemon thread that reads {@code socket} until it closes and hands each datagram, as
   * arrived at {@code at}, to {@code handler}, on the thread; the thread ends too when the handler
   * is rejected (its loop shuts down).
   */
  public static void read(
      DatagramSocket socket, Endpoint at, String threadName, Consumer<Datagram> handler) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[65535];
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
                Endpoint from =
                    new Endpoint(
                        Ipv4Address.of(packet.getAddress().getAddress()), packet.getPort());
                try {
                  handler.accept(new Datagram(from, at, payload));
                } catch (RejectedExecutionException e) {
                  return; // shutting down
                }
              }
            },
            threadName);
    t.setDaemon(true);
    t.start();
  }

  /** Runs on the loop: hands {@code d} to the manager, which finds its SA. */
  private void dispatch(IkeSaManager manager, Datagram d, boolean encapsulated) {
    try {
      if (encapsulated) {
        manager.receiveNatT(d); // IKE only behind the non-ESP marker (RFC 3948 §2.2, §2.3)
      } else {
        manager.receive(d);
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: datagram from {} failed", name, d.source(), e);
    }
  }

  /** The manager's transport, on the loop: port 4500 (or ours) with the non-ESP marker. */
  @Override
  public void send(Datagram d) {
    boolean encapsulated =
        d.source().port() == natTPort
            || (d.source().port() == Endpoint.NAT_T_PORT && local.port() != Endpoint.NAT_T_PORT);
    try {
      send(encapsulated ? natT : ike, d, encapsulated);
    } catch (IOException e) {
      LOG.debug("{}: cannot send to {}", name, d.destination(), e);
    }
  }

  /** Sends {@code d} through {@code socket}, behind the non-ESP marker if {@code encapsulated}. */
  public static void send(DatagramSocket socket, Datagram d, boolean encapsulated)
      throws IOException {
    byte[] bytes = d.payload();
    if (encapsulated) {
      int marker = IkeHeader.NON_ESP_MARKER_LENGTH;
      bytes = new byte[d.payload().length + marker];
      System.arraycopy(d.payload(), 0, bytes, marker, d.payload().length);
    }
    socket.send(
        new DatagramPacket(
            bytes,
            bytes.length,
            InetAddress.getByAddress(d.destination().address().toBytes()),
            d.destination().port()));
  }
}
