package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.transport.HostSocketBurst;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mode vpn's sockets on Netty's native transport: it loads from the program's jar on Linux x86-64,
 * and a burst the VRF sends in one task (one flush, one sendmmsg) arrives whole and in order.
 * Loopback only; no root.
 */
class NativeSocketsTest {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NativeSockets.ioHandler());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void theNativeTransportLoadsAndABurstLeavesWholeAndInOrder() throws Exception {
    assertThat(NativeSockets.EPOLL).as(NativeSockets.describe()).isTrue();
    assertThat(NativeSockets.datagramChannel()).isEqualTo(EpollDatagramChannel.class);

    HostSocketBurst.Received got = HostSocketBurst.send(group, NativeSockets.datagramChannel(), 48);

    assertThat(got.texts()).containsExactlyElementsOf(HostSocketBurst.expected(48));
    assertThat(got.fromPorts()).containsOnly(got.socketPort());
  }
}
