package io.mvpn.net.transport;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The datagrams one loop task wrote to a socket, kept until its flush and then written in order,
 * each run of datagrams to the same recipient with payloads of one length (a shorter one ends the
 * run) as one {@link UdpSegmenter segmented} datagram: one {@code sendmsg} and one trip through the
 * kernel's routing and UDP layers for the run, which the kernel (or the receiving device) cuts into
 * the original datagrams late. The payloads are gathered, not copied. Its socket's loop only.
 *
 * <p>A segmented send the kernel refuses ({@code EMSGSIZE} or {@code EINVAL} when the route's path
 * MTU is below {@link #MAX_SEGMENT}, on a care-of link or after an ICMP "fragmentation needed") is
 * sent again one datagram at a time, where IP fragments as it would without segmentation, and the
 * batch stops segmenting for {@link #PAUSE_NANOS}. The kernel says so during the flush, so that run
 * leaves after the datagrams written behind it in the same flush.
 */
final class UdpSegmentBatch {

  /** Segments in one send: the kernel's {@code UDP_MAX_SEGMENTS} since Linux 4.18. */
  static final int MAX_SEGMENTS = 64;

  /** Payload bytes in one send: an IPv4 datagram of 65,535 bytes less its IPv4 and UDP headers. */
  static final int MAX_BYTES = 65_535 - 20 - 8;

  /**
   * The largest segment: one that fills a 1,500-byte link. The kernel refuses a segment that its
   * route's MTU would fragment, so larger datagrams leave on their own, where IP fragments them as
   * before; over a smaller path MTU see the refusal above.
   */
  static final int MAX_SEGMENT = 1_500 - 20 - 8;

  /** How long a refused segmented send turns segmenting off. */
  static final long PAUSE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final UdpSegmenter segmenter;
  private final LongSupplier nanoTime;
  private final List<DatagramPacket> pending = new ArrayList<>();
  private boolean paused;
  private long pausedUntil;
  private volatile long sends;
  private volatile long segments;

  /**
   * @param nanoTime the clock of the pause after a refused segmented send
   */
  UdpSegmentBatch(UdpSegmenter segmenter, LongSupplier nanoTime) {
    this.segmenter = segmenter;
    this.nanoTime = nanoTime;
  }

  /** Keeps a datagram (and the reference to its payload) until {@link #writeTo}. */
  void add(DatagramPacket packet) {
    pending.add(packet);
  }

  /**
   * Writes what was kept, in order, without flushing.
   *
   * @param refused told of each segmented send that failed, once its datagrams are written again
   *     one at a time (on the loop)
   */
  void writeTo(Channel channel, Consumer<Throwable> refused) {
    int i = 0;
    while (i < pending.size()) {
      int n = segmenting() ? runLength(pending, i) : 1;
      if (n == 1) {
        channel.write(pending.get(i), channel.voidPromise());
      } else {
        writeSegmented(channel, List.copyOf(pending.subList(i, i + n)), refused);
      }
      i += n;
    }
    pending.clear();
  }

  /** Whether runs leave segmented now: not while a refusal's pause lasts. */
  private boolean segmenting() {
    if (paused && nanoTime.getAsLong() - pausedUntil >= 0) {
      paused = false;
    }
    return !paused;
  }

  /**
   * One segmented send of a run. Each payload keeps a reference of the run's own until the send is
   * done, so that a refused send can go again datagram by datagram.
   */
  private void writeSegmented(
      Channel channel, List<DatagramPacket> run, Consumer<Throwable> refused) {
    DatagramPacket first = run.get(0);
    CompositeByteBuf payloads = channel.alloc().compositeBuffer(run.size());
    for (DatagramPacket p : run) {
      payloads.addComponent(true, p.content().retain());
    }
    channel
        .write(segmenter.segmented(payloads, first.content().readableBytes(), first.recipient()))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                run.forEach(DatagramPacket::release);
                return;
              }
              sends--;
              segments -= run.size();
              paused = true;
              pausedUntil = nanoTime.getAsLong() + PAUSE_NANOS;
              for (DatagramPacket p : run) {
                channel.write(p, channel.voidPromise());
              }
              // the failure may be told inside the flush that wrote the run: flush once it is done
              channel.eventLoop().execute(channel::flush);
              refused.accept(f.cause());
            });
    sends++;
    segments += run.size();
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
