package io.mvpn.net.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.DropReason;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A plain OS UDP socket, as dig or strongSwan would use, reaches a handler inside a VRF. */
class HostSocketTransportTest {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void hostProgramReachesVrfHandlerWithItsAddressAndPortAndGetsTheAnswer() throws Exception {
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf vrf = new Vrf("acme", scheduler, ByteBufAllocator.DEFAULT);
    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(53, 0));
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Interface> ready = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          Interface intf = vrf.addInterface("host0", Ipv4Address.parse("10.1.0.53"), 32, host);
          vrf.addRoute(new Route(Prefix.parse("127.0.0.0/8"), null, intf, Route.Origin.STATIC));
          vrf.bindUdp(
              53,
              (v, in, udp) -> {
                String text = udp.payload().toString(StandardCharsets.US_ASCII);
                seen.add(
                    udp.ip().sourceAddress()
                        + ":"
                        + udp.sourcePort()
                        + " -> "
                        + udp.ip().destinationAddress()
                        + ":"
                        + udp.destinationPort()
                        + " "
                        + text);
                v.sendUdp(
                    udp.ip().destinationAddress(),
                    udp.ip().sourceAddress(),
                    53,
                    udp.sourcePort(),
                    Unpooled.copiedBuffer(text.toUpperCase(), StandardCharsets.US_ASCII));
              });
          ready.complete(intf);
        });
    Interface intf = ready.get(5, TimeUnit.SECONDS);
    host.awaitBound(5, TimeUnit.SECONDS);
    InetSocketAddress server = host.hostAddress(53);

    try (DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      program.setSoTimeout(5000);
      byte[] query = "where is acme".getBytes(StandardCharsets.US_ASCII);
      program.send(new DatagramPacket(query, query.length, server));
      DatagramPacket answer = new DatagramPacket(new byte[100], 100);
      program.receive(answer);

      assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
          .isEqualTo("WHERE IS ACME");
      assertThat(answer.getSocketAddress()).isEqualTo(server);
      assertThat(seen)
          .containsExactly(
              "127.0.0.1:" + program.getLocalPort() + " -> 10.1.0.53:53 where is acme");
    }
    assertThat(intf.counters().received()).isEqualTo(1);
    assertThat(intf.counters().sent()).isEqualTo(1);
    assertThat(host.describe()).isEqualTo("host:127.0.0.1:53=" + server.getPort());
  }

  /**
   * A burst the VRF sends in one task of the sockets' loop (written at once, flushed together after
   * the task) arrives whole and in order; a datagram written from another thread is flushed at
   * once.
   */
  @Test
  void aBurstSentOnTheLoopIsFlushedAfterTheTaskWholeAndInOrder() throws Exception {
    HostSocketBurst.Received got = HostSocketBurst.send(group, NioDatagramChannel.class, 64);
    assertThat(got.texts()).containsExactlyElementsOf(HostSocketBurst.expected(64));
    assertThat(got.fromPorts()).containsOnly(got.socketPort());

    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(4500, 0));
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf vrf = new Vrf("other", scheduler, ByteBufAllocator.DEFAULT);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          vrf.addInterface("host0", Ipv4Address.parse("10.1.0.53"), 32, host);
          ready.complete(null);
        });
    ready.get(5, TimeUnit.SECONDS);
    host.awaitBound(5, TimeUnit.SECONDS);
    try (DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      program.setSoTimeout(5000);
      host.send(
          UdpDatagram.build(
              ByteBufAllocator.DEFAULT,
              Ipv4Address.parse("10.1.0.53").toInt(),
              Ipv4Address.parse("127.0.0.1").toInt(),
              4500,
              program.getLocalPort(),
              Unpooled.copiedBuffer("from another thread", StandardCharsets.US_ASCII),
              64),
          -1);
      DatagramPacket got2 = new DatagramPacket(new byte[100], 100);
      program.receive(got2);
      assertThat(new String(got2.getData(), 0, got2.getLength(), StandardCharsets.US_ASCII))
          .isEqualTo("from another thread");
    }
  }

  /**
   * A datagram that must not wait for the rest of its task (a handover's registration) leaves when
   * the task says so: the program has it while the task is still running, and once only.
   */
  @Test
  void aDatagramFlushedNowLeavesBeforeItsTaskEndsAndOnce() throws Exception {
    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(4500, 0));
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    attached(host, "moving", scheduler);
    try (DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      program.setSoTimeout(2000);
      CompletableFuture<String> inTask = new CompletableFuture<>();
      scheduler.execute(
          () -> {
            host.send(datagram(0x7f000001, program.getLocalPort(), "registration"), -1);
            host.flushNow();
            try {
              DatagramPacket got = new DatagramPacket(new byte[100], 100);
              program.receive(got); // on the loop: only a datagram already sent can come
              inTask.complete(
                  new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII));
            } catch (java.io.IOException e) {
              inTask.completeExceptionally(e);
            }
          });
      assertThat(inTask.get(5, TimeUnit.SECONDS)).isEqualTo("registration");

      program.setSoTimeout(200);
      DatagramPacket again = new DatagramPacket(new byte[100], 100);
      assertThatThrownBy(() -> program.receive(again))
          .as("the flush after the task sends nothing twice")
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  /**
   * A send the host's kernel refuses (here: to the limited broadcast address without SO_BROADCAST,
   * as a moved node's sends fail with ENETUNREACH) is a counted link drop, not an exception at the
   * end of the pipeline; the socket goes on sending.
   */
  @Test
  void aSendTheKernelRefusesIsCountedAsALinkDropAndTheSocketGoesOn() throws Exception {
    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(4500, 0));
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Interface intf = attached(host, "moved", scheduler);
    for (int i = 0; i < 3; i++) {
      host.send(datagram(Ipv4Address.parse("255.255.255.255").toInt(), 9, "refused"), -1);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (host.refused() < 3 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(host.refused()).isEqualTo(3);
    CompletableFuture<Long> drops = new CompletableFuture<>();
    scheduler.execute(() -> drops.complete(intf.counters().dropped(DropReason.LINK)));
    assertThat(drops.get(5, TimeUnit.SECONDS)).isEqualTo(3);

    try (DatagramSocket program = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      program.setSoTimeout(5000);
      host.send(
          datagram(Ipv4Address.parse("127.0.0.1").toInt(), program.getLocalPort(), "still"), -1);
      DatagramPacket got = new DatagramPacket(new byte[100], 100);
      program.receive(got);
      assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII))
          .isEqualTo("still");
    }
  }

  /**
   * Only I/O errors are refused sends (a link drop each); anything else in the socket's pipeline is
   * a bug, counted apart and not taken for the network's doing.
   */
  @Test
  void onlyIoErrorsCountAsRefusedSendsAndOtherFailuresAreCountedApart() throws Exception {
    HostSocketTransport host =
        new HostSocketTransport(group, InetAddress.getLoopbackAddress(), Map.of(4500, 0));
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Interface intf = attached(host, "errors", scheduler);

    var pipeline = host.socket(4500).pipeline();
    pipeline.fireExceptionCaught(new IllegalStateException("a bug"));
    for (int i = 0; i < 1_001; i++) {
      pipeline.fireExceptionCaught(new java.net.PortUnreachableException("refused"));
    }
    CompletableFuture<long[]> counts = new CompletableFuture<>();
    host.socket(4500)
        .eventLoop()
        .execute(
            () ->
                scheduler.execute(
                    () ->
                        counts.complete(
                            new long[] {
                              host.failed(),
                              host.refused(),
                              intf.counters().dropped(DropReason.LINK)
                            })));
    assertThat(counts.get(5, TimeUnit.SECONDS)).containsExactly(1, 1_001, 1_001);
  }

  @Test
  void theJdksSocketsTakeNoSegmenter() {
    assertThatThrownBy(
            () ->
                new HostSocketTransport(
                    group,
                    InetAddress.getLoopbackAddress(),
                    Map.of(4500, 0),
                    NioDatagramChannel.class,
                    (data, size, to) -> new io.netty.channel.socket.DatagramPacket(data, to)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UDP_SEGMENT");
  }

  /** {@code host} as interface host0 (10.1.0.53) of a new VRF, its socket on port 4500 bound. */
  private static Interface attached(
      HostSocketTransport host, String vrfName, EventLoopScheduler scheduler) throws Exception {
    Vrf vrf = new Vrf(vrfName, scheduler, ByteBufAllocator.DEFAULT);
    CompletableFuture<Interface> ready = new CompletableFuture<>();
    scheduler.execute(
        () -> ready.complete(vrf.addInterface("host0", Ipv4Address.parse("10.1.0.53"), 32, host)));
    Interface intf = ready.get(5, TimeUnit.SECONDS);
    host.awaitBound(5, TimeUnit.SECONDS);
    return intf;
  }

  private static io.netty.buffer.ByteBuf datagram(int to, int port, String text) {
    return UdpDatagram.build(
        ByteBufAllocator.DEFAULT,
        Ipv4Address.parse("10.1.0.53").toInt(),
        to,
        4500,
        port,
        Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII),
        64);
  }
}
