package io.mvpn.net.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The flush's grouping: runs of equal payloads to one recipient become one segmented datagram, in
 * order, within the kernel's limits; everything else leaves as it came.
 */
class UdpSegmentBatchTest {

  private static final InetSocketAddress A = new InetSocketAddress("198.51.100.1", 4500);
  private static final InetSocketAddress B = new InetSocketAddress("198.51.100.2", 4500);

  /** A segmented datagram as the test's segmenter makes it. */
  private static final class Segmented extends DatagramPacket {
    final int segmentSize;

    Segmented(ByteBuf data, int segmentSize, InetSocketAddress to) {
      super(data, to);
      this.segmentSize = segmentSize;
    }
  }

  /** Fails segmented writes while {@link #refuse} is set, as the kernel's sendmsg would. */
  private final class Refusing extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (refuse && msg instanceof Segmented s) {
        s.release();
        promise.setFailure(new IOException("sendmsg(..) failed: Invalid argument"));
      } else {
        ctx.write(msg, promise);
      }
    }
  }

  private final List<Throwable> refused = new ArrayList<>();
  private long now = 1_000;

  /** Whether the channel refuses segmented datagrams, as a kernel does over a smaller path MTU. */
  private boolean refuse;

  private final UdpSegmentBatch batch = new UdpSegmentBatch(Segmented::new, () -> now);

  /** What leaves the channel for datagrams of these sizes (marked by index) and recipients. */
  private List<String> flush(int[] sizes, InetSocketAddress... to) {
    EmbeddedChannel channel = new EmbeddedChannel(new Refusing());
    for (int i = 0; i < sizes.length; i++) {
      ByteBuf payload = Unpooled.buffer(sizes[i]);
      for (int k = 0; k < sizes[i]; k++) {
        payload.writeByte(i);
      }
      batch.add(new DatagramPacket(payload, to.length == 1 ? to[0] : to[i]));
    }
    batch.writeTo(channel, refused::add);
    channel.flush();
    channel.runPendingTasks();
    List<String> out = new ArrayList<>();
    for (DatagramPacket p = channel.readOutbound(); p != null; p = channel.readOutbound()) {
      StringBuilder b = new StringBuilder();
      ByteBuf c = p.content();
      int segment = p instanceof Segmented s ? s.segmentSize : c.readableBytes();
      b.append(p instanceof Segmented ? "gso " : "one ").append(p.recipient().getAddress());
      for (int at = c.readerIndex(); at < c.writerIndex(); at += segment) {
        int length = Math.min(segment, c.writerIndex() - at);
        int mark = c.getUnsignedByte(at);
        for (int k = at; k < at + length; k++) {
          assertThat(c.getByte(k)).as("datagram %d intact", mark).isEqualTo((byte) mark);
        }
        b.append(' ').append(mark).append(':').append(length);
      }
      out.add(b.toString());
      p.release();
    }
    channel.finishAndReleaseAll();
    return out;
  }

  @Test
  void equalDatagramsToOneRecipientLeaveAsOneSegmentedDatagramAndAShorterLastClosesIt() {
    assertThat(flush(new int[] {1400, 1400, 1400, 600, 1400}, A))
        .containsExactly(
            "gso /198.51.100.1 0:1400 1:1400 2:1400 3:600", "one /198.51.100.1 4:1400");
    assertThat(flush(new int[] {1400}, A)).containsExactly("one /198.51.100.1 0:1400");
  }

  @Test
  void anotherRecipientOrALongerPayloadStartsAnotherRunAndTheOrderStays() {
    assertThat(flush(new int[] {1400, 1400, 1400, 1400, 1400, 1400}, A, A, B, B, A, A))
        .containsExactly(
            "gso /198.51.100.1 0:1400 1:1400",
            "gso /198.51.100.2 2:1400 3:1400",
            "gso /198.51.100.1 4:1400 5:1400");
    assertThat(flush(new int[] {100, 100, 200, 200, 200, 0, 300}, A))
        .containsExactly(
            "gso /198.51.100.1 0:100 1:100",
            "gso /198.51.100.1 2:200 3:200 4:200",
            "one /198.51.100.1",
            "one /198.51.100.1 6:300");
  }

  @Test
  void aRunOverTheSegmentCountOrTheDatagramSizeIsSplit() {
    List<String> count = flush(IntStream.generate(() -> 100).limit(130).toArray(), A);
    assertThat(count).hasSize(3);
    assertThat(count.get(0))
        .startsWith("gso ")
        .contains(" 0:100 ", " 63:100")
        .doesNotContain(" 64:");
    assertThat(count.get(1)).startsWith("gso /198.51.100.1 64:100 ").endsWith(" 127:100");
    assertThat(count.get(2)).isEqualTo("gso /198.51.100.1 128:100 129:100");

    // 46 x 1,400 = 64,400 bytes; a 47th would pass 65,507.
    List<String> bytes = flush(IntStream.generate(() -> 1400).limit(50).toArray(), A);
    assertThat(bytes).hasSize(2);
    assertThat(bytes.get(0)).endsWith(" 45:1400").doesNotContain(" 46:");
    assertThat(bytes.get(1)).startsWith("gso /198.51.100.1 46:1400 ").endsWith(" 49:1400");
  }

  @Test
  void datagramsLargerThanAnEthernetSegmentLeaveOnTheirOwn() {
    assertThat(flush(new int[] {1473, 1473, 1472, 1472}, A))
        .containsExactly(
            "one /198.51.100.1 0:1473",
            "one /198.51.100.1 1:1473",
            "gso /198.51.100.1 2:1472 3:1472");
    assertThat(refused).isEmpty();
  }

  /**
   * A segmented send the kernel refuses (EINVAL over a path MTU below the segment) goes again one
   * datagram at a time, so each arrives as it would have without segmentation; segmenting pauses,
   * and resumes after the pause.
   */
  @Test
  void aRefusedSegmentedSendGoesAgainDatagramByDatagramAndSegmentingPauses() {
    refuse = true;
    assertThat(flush(new int[] {1400, 1400, 600, 1400}, A, A, A, B))
        .containsExactly(
            "one /198.51.100.1 0:1400",
            "one /198.51.100.1 1:1400",
            "one /198.51.100.1 2:600",
            "one /198.51.100.2 3:1400");
    assertThat(refused).hasSize(1).first().isInstanceOf(IOException.class);
    assertThat(batch.sends()).isZero();
    assertThat(batch.segments()).isZero();

    refuse = false;
    now += UdpSegmentBatch.PAUSE_NANOS - 1;
    assertThat(flush(new int[] {100, 100}, A))
        .containsExactly("one /198.51.100.1 0:100", "one /198.51.100.1 1:100");
    now += 1;
    assertThat(flush(new int[] {100, 100}, A)).containsExactly("gso /198.51.100.1 0:100 1:100");
    assertThat(refused).hasSize(1);
    assertThat(batch.sends()).isEqualTo(1);
    assertThat(batch.segments()).isEqualTo(2);
  }

  /** Each payload is released once, whether its segmented send went or was refused. */
  @Test
  void payloadsAreReleasedOnceWhetherTheSendWentOrNot() {
    for (boolean refusing : new boolean[] {false, true}) {
      refuse = refusing;
      now += UdpSegmentBatch.PAUSE_NANOS;
      EmbeddedChannel channel = new EmbeddedChannel(new Refusing());
      List<ByteBuf> payloads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ByteBuf p = Unpooled.buffer(10).writeZero(10);
        payloads.add(p);
        batch.add(new DatagramPacket(p, A));
      }
      batch.writeTo(channel, refused::add);
      channel.flush();
      channel.runPendingTasks();
      channel.finishAndReleaseAll();
      assertThat(payloads).as("refusing %s", refusing).allMatch(p -> p.refCnt() == 0);
    }
    assertThat(refused).hasSize(1);
  }
}
