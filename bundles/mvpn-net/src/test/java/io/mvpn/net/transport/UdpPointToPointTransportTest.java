package io.mvpn.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.probe.PingProbe;
import io.mvpn.net.probe.ProbeReport;
import io.mvpn.net.time.EventLoopScheduler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two VRFs on their own event loops, joined by a real UDP point-to-point link on loopback. */
class UdpPointToPointTransportTest {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void pingCrossesTheUdpLinkBothWays() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    InetSocketAddress a = new InetSocketAddress(lo, freePort());
    InetSocketAddress b = new InetSocketAddress(lo, freePort());
    Vrf left = vrf("left", "10.1.0.1", a, b);
    Vrf right = vrf("right", "10.1.0.2", b, a);

    PingProbe probe =
        PingProbe.start(
            left, Ipv4Address.parse("10.1.0.2"), 7, 3, 10, 2000, TimeUnit.MILLISECONDS, 100);
    ProbeReport report = probe.report().get(10, TimeUnit.SECONDS);

    assertThat(report.received()).isEqualTo(3);
    assertThat(right.counters().delivered()).isEqualTo(3);
    assertThat(left.getInterface("p2p").transport().describe())
        .isEqualTo("udp:127.0.0.1:" + a.getPort() + "->127.0.0.1:" + b.getPort());
  }

  private Vrf vrf(String name, String address, InetSocketAddress local, InetSocketAddress remote)
      throws Exception {
    EventLoopScheduler scheduler = new EventLoopScheduler(group.next());
    Vrf vrf = new Vrf(name, scheduler, ByteBufAllocator.DEFAULT);
    UdpPointToPointTransport link =
        new UdpPointToPointTransport(group, local, remote, UdpPointToPointTransport.DEFAULT_MTU);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          vrf.addInterface("p2p", Ipv4Address.parse(address), 30, link);
          ready.complete(null);
        });
    ready.get(5, TimeUnit.SECONDS);
    link.awaitBound(5, TimeUnit.SECONDS);
    assertThat(vrf.lookup(Ipv4Address.parse("10.1.0.3")).prefix())
        .isEqualTo(Prefix.parse("10.1.0.0/30"));
    assertThat(Route.Origin.CONNECTED)
        .isEqualTo(vrf.lookup(Ipv4Address.parse("10.1.0.3")).origin());
    return vrf;
  }

  /** A port that was free a moment ago (UDP and TCP share the number space well enough here). */
  private static int freePort() throws Exception {
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
