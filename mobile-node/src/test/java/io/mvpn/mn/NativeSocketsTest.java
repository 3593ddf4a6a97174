package io.mvpn.mn;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.net.transport.HostSocketBurst;
import io.mvpn.net.transport.HostSocketTransport;
import io.mvpn.net.transport.UdpSegmenter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mode vpn's sockets on Netty's native transport: it loads from the program's jar on Linux x86-64,
 * and a burst the VRF sends in one task (one flush, one sendmmsg) arrives whole and in order, also
 * where runs of equal datagrams leave as UDP_SEGMENT datagrams that the kernel cuts apart again.
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

  /** "datagram i" padded with dots to {@code size} bytes. */
  private static String text(int i, int size) {
    StringBuilder b = new StringBuilder("datagram ").append(i).append(' ');
    while (b.length() < size) {
      b.append('.');
    }
    return b.toString();
  }

  private HostSocketBurst.Spread segmented(int[] sizes, int[] to, int receivers) throws Exception {
    assertThat(NativeSockets.UDP_SEGMENT).as("UDP_SEGMENT on this kernel").isTrue();
    assertThat(NativeSockets.describe()).contains("UDP_SEGMENT");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      texts.add(text(i, sizes[i]));
    }
    HostSocketBurst.Spread got =
        HostSocketBurst.spread(
            group,
            NativeSockets.datagramChannel(),
            NativeSockets.segmenter(),
            texts,
            to,
            receivers);
    for (int r = 0; r < receivers; r++) {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        if (to[i] == r) {
          mine.add(texts.get(i));
        }
      }
      assertThat(got.texts().get(r)).as("socket %d", r).containsExactlyElementsOf(mine);
    }
    return got;
  }

  @Test
  void theSegmentsOfATcpSuperPacketLeaveInOneUdpSegmentSendAndArriveWholeAndInOrder()
      throws Exception {
    int[] sizes = IntStream.generate(() -> 1_436).limit(40).toArray();
    sizes[39] = 700;

    HostSocketBurst.Spread got = segmented(sizes, new int[40], 1);

    assertThat(got.segmented()).isEqualTo(new HostSocketTransport.Segmented(1, 40));
  }

  @Test
  void mixedSizesAndRecipientsAreGroupedByRunsAndEachSocketGetsItsOwnInOrder() throws Exception {
    int[] sizes = {1_400, 1_400, 1_400, 300, 1_400, 1_400, 1_400, 1_400, 90, 1_400, 2_000, 2_000};
    int[] to = {0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1};

    HostSocketBurst.Spread got = segmented(sizes, to, 2);

    // {0..3} to 0, {4,5} to 1, {6,7,8} to 0; 9 alone; 10 and 11 too large to be segments
    assertThat(got.segmented()).isEqualTo(new HostSocketTransport.Segmented(3, 9));
  }

  @Test
  void aRunOverTheKernelsLimitsIsSplitIntoSeveralSends() throws Exception {
    // 130 x 100 bytes: 64 + 64 + 2 segments; 100 x 1,400 bytes: 46 + 46 + 8 (65,507 bytes a send)
    int[] small = IntStream.generate(() -> 100).limit(130).toArray();
    assertThat(segmented(small, new int[130], 1).segmented())
        .isEqualTo(new HostSocketTransport.Segmented(3, 130));
    int[] large = IntStream.generate(() -> 1_400).limit(100).toArray();
    assertThat(segmented(large, new int[100], 1).segmented())
        .isEqualTo(new HostSocketTransport.Segmented(3, 100));
  }

  /**
   * A UDP_SEGMENT send the kernel refuses (here EINVAL for a run longer than 64 of its claimed
   * one-byte segments; over a path MTU below the segments it is the same error) goes again one
   * datagram at a time, so every datagram still arrives, in order; the refusal is counted once.
   */
  @Test
  void aSegmentedSendTheKernelRefusesGoesAgainDatagramByDatagram() throws Exception {
    assertThat(NativeSockets.UDP_SEGMENT).as("UDP_SEGMENT on this kernel").isTrue();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      texts.add(text(i, 1_400));
    }
    UdpSegmenter kernelRefuses =
        (data, segmentSize, to) -> new SegmentedDatagramPacket(data, 1, to);

    HostSocketBurst.Spread got =
        HostSocketBurst.spread(
            group, NativeSockets.datagramChannel(), kernelRefuses, texts, new int[10], 1);

    assertThat(got.texts().get(0)).containsExactlyElementsOf(texts);
    assertThat(got.segmented()).isEqualTo(new HostSocketTransport.Segmented(0, 0));
    assertThat(got.refused()).isEqualTo(1);
  }
}
