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
 * order, and from which port; or a mixed burst to several such sockets.
 */
public final class HostSocketBurst {

  /** What the OS socket received, and the host port of the transport's socket. */
  public record Received(List<String> texts, List<Integer> fromPorts, int socketPort) {}

  /**
   * What each OS socket received, in order, what left the transport in UDP_SEGMENT sends, and the
   * sends the kernel refused.
   *
   * @param texts per receiving socket
   */
  public record Spread(
      List<List<String>> texts, HostSocketTransport.Segmented segmented, long refused) {}

  private HostSocketBurst() {}

  /** The burst through sockets of {@code channelClass} on {@code group}'s loop. */
  public static Received send(
      EventLoopGroup group, Class<? extends DatagramChannel> channelClass, int burst)
      throws Exception {
    List<Integer> from = new ArrayList<>();
    int[] socketPort = new int[1];
    Spread got =
        run(group, channelClass, null, expected(burst), new int[burst], 1, from, socketPort);
    return new Received(got.texts().get(0), from, socketPort[0]);
  }

  /**
   * Sends {@code texts} in one task, the i-th to OS socket {@code to[i]} of {@code receivers},
   * through sockets of {@code channelClass} that batch with {@code segmenter} (null: none).
   */
  public static Spread spread(
      EventLoopGroup group,
      Class<? extends DatagramChannel> channelClass,
      UdpSegmenter segmenter,
      List<String> texts,
      int[] to,
      int receivers)
      throws Exception {
    return run(group, channelClass, segmenter, texts, to, receivers, new ArrayList<>(), new int[1]);
  }

  private static Spread run(
      EventLoopGroup group,
      Class<? extends DatagramChannel> channelClass,
      UdpSegmenter segmenter,
      List<String> texts,
      int[] to,
      int receivers,
      List<Integer> fromPorts,
      int[] socketPort)
      throws Exception {
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf vrf = new Vrf("burst", scheduler, ByteBufAllocator.DEFAULT);
    HostSocketTransport host =
        new HostSocketTransport(
            group, InetAddress.getLoopbackAddress(), Map.of(4500, 0), channelClass, segmenter);
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
    List<DatagramSocket> programs = new ArrayList<>();
    try {
      for (int r = 0; r < receivers; r++) {
        DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        programs.add(program);
        program.setSoTimeout(5000);
        program.setReceiveBufferSize(1 << 22);
      }
      scheduler.execute(
          () -> {
            for (int i = 0; i < texts.size(); i++) {
              vrf.sendUdp(
                  self,
                  loopback,
                  4500,
                  programs.get(to[i]).getLocalPort(),
                  Unpooled.copiedBuffer(texts.get(i), StandardCharsets.US_ASCII));
            }
          });
      List<List<String>> got = new ArrayList<>();
      for (int r = 0; r < receivers; r++) {
        List<String> mine = new ArrayList<>();
        int expected = 0;
        for (int i : to) {
          expected += i == r ? 1 : 0;
        }
        for (int i = 0; i < expected; i++) {
          DatagramPacket d = new DatagramPacket(new byte[65536], 65536);
          programs.get(r).receive(d);
          mine.add(new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII));
          fromPorts.add(d.getPort());
        }
        got.add(mine);
      }
      socketPort[0] = host.hostAddress(4500).getPort();
      return new Spread(got, host.segmented(), host.refused());
    } finally {
      programs.forEach(DatagramSocket::close);
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
