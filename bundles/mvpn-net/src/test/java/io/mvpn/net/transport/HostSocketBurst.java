package io.mvpn.net.transport;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A VRF behind a {@link HostSocketTransport} on loopback sends a burst of datagrams ("datagram 0",
 * "datagram 1", ...) in one task of its loop to a plain OS socket, which says what arrived, in
 * order, and from which port.
 */
public final class HostSocketBurst {

  /** What the OS socket received, and the host port of the transport's socket. */
  public record Received(List<String> texts, List<Integer> fromPorts, int socketPort) {}

  private HostSocketBurst() {}

  /** The burst through sockets of {@code channelClass} on {@code group}'s loop. */
  public static Received send(
      EventLoopGroup group, Class<? extends DatagramChannel> channelClass, int burst)
      throws Exception {
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf vrf = new Vrf("burst", scheduler, ByteBufAllocator.DEFAULT);
    HostSocketTransport host =
        new HostSocketTransport(
            group, InetAddress.getLoopbackAddress(), Map.of(4500, 0), channelClass);
    Ipv4Address self = Ipv4Address.parse("198.51.100.10");
    Ipv4Address loopback = Ipv4Address.parse("127.0.0.1");
    CompletableFuture<Void> ready = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          Interface intf = vrf.addInterface("host0", self, 32, host);
          vrf.addRoute(new Route(Prefix.parse("127.0.0.0/8"), null, intf, Route.Origin.STATIC));
          ready.complete(null);
        });
    ready.get(5, TimeUnit.SECONDS);
    host.awaitBound(5, TimeUnit.SECONDS);
    try (DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      program.setSoTimeout(5000);
      program.setReceiveBufferSize(1 << 20);
      int port = program.getLocalPort();
      scheduler.execute(
          () -> {
            for (int i = 0; i < burst; i++) {
              vrf.sendUdp(
                  self,
                  loopback,
                  4500,
                  port,
                  Unpooled.copiedBuffer("datagram " + i, StandardCharsets.US_ASCII));
            }
          });
      List<String> texts = new ArrayList<>();
      List<Integer> from = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        DatagramPacket got = new DatagramPacket(new byte[100], 100);
        program.receive(got);
        texts.add(new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII));
        from.add(got.getPort());
      }
      return new Received(texts, from, host.hostAddress(4500).getPort());
    } finally {
      host.close();
    }
  }

  /** What a burst of {@code n} should deliver. */
  public static List<String> expected(int n) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      texts.add("datagram " + i);
    }
    return texts;
  }
}
