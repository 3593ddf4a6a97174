package io.mvpn.net.transport;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The datagrams one loop task wrote to a socket, kept until its flush and then written in order,
 * each run of datagrams to the same recipient with payloads of one length (a shorter one ends the
 * run) as one {@link UdpSegmenter segmented} datagram: one {@code sendmsg} and one trip through the
 * kernel's routing and UDP layers for the run, which the kernel (or the receiving device) cuts into
 * the original datagrams late. The payloads are gathered, not copied. Its socket's loop only.
 */
final class UdpSegmentBatch {

  /** Segments in one send: the kernel's {@code UDP_MAX_SEGMENTS} since Linux 4.18. */
  static final int MAX_SEGMENTS = 64;

  /** Payload bytes in one send: an IPv4 datagram of 65,535 bytes less its IPv4 and UDP headers. */
  static final int MAX_BYTES = 65_535 - 20 - 8;

  /**
   * The largest segment: one that fills a 1,500-byte link. The kernel refuses ({@code EINVAL}) a
   * segment that its route's MTU would fragment, so larger datagrams leave on their own, where IP
   * fragments them as before.
   */
  static final int MAX_SEGMENT = 1_500 - 20 - 8;

  private final UdpSegmenter segmenter;
  private final List<DatagramPacket> pending = new ArrayList<>();
  private volatile long sends;
  private volatile long segments;

  UdpSegmentBatch(UdpSegmenter segmenter) {
    this.segmenter = segmenter;
  }

  /** Keeps a datagram (and the reference to its payload) until {@link #writeTo}. */
  void add(DatagramPacket packet) {
    pending.add(packet);
  }

  /**
   * Writes what was kept, in order, without flushing.
   *
   * @param dropped told how many datagrams a segmented send that failed carried
   */
  void writeTo(Channel channel, IntConsumer dropped) {
    int i = 0;
    while (i < pending.size()) {
      DatagramPacket first = pending.get(i);
      int n = runLength(pending, i);
      if (n == 1) {
        channel.write(first, channel.voidPromise());
      } else {
        CompositeByteBuf payloads = channel.alloc().compositeBuffer(n);
        for (int k = i; k < i + n; k++) {
          payloads.addComponent(true, pending.get(k).content());
        }
        int count = n;
        channel
            .write(
                segmenter.segmented(payloads, first.content().readableBytes(), first.recipient()))
            .addListener(
                f -> {
                  if (!f.isSuccess()) {
                    dropped.accept(count);
                  }
                });
        sends++;
        segments += n;
      }
      i += n;
    }
    pending.clear();
  }

  /** Segmented sends so far. */
  long sends() {
    return sends;
  }

  /** Datagrams that left inside segmented sends so far. */
  long segments() {
    return segments;
  }

  /**
   * How many datagrams from {@code start} on leave as one send: those after the first that go to
   * its recipient with a payload as long as its, up to the first shorter one, within the kernel's
   * limits; 1 when the first stays on its own.
   */
  static int runLength(List<DatagramPacket> packets, int start) {
    DatagramPacket first = packets.get(start);
    int size = first.content().readableBytes();
    if (size == 0 || size > MAX_SEGMENT) {
      return 1;
    }
    int total = size;
    int n = 1;
    while (start + n < packets.size() && n < MAX_SEGMENTS) {
      DatagramPacket next = packets.get(start + n);
      int length = next.content().readableBytes();
      if (length == 0
          || length > size
          || total + length > MAX_BYTES
          || !next.recipient().equals(first.recipient())) {
        break;
      }
      total += length;
      n++;
      if (length < size) {
        break;
      }
    }
    return n;
  }
}
