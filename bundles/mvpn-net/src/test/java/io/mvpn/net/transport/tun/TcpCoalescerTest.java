package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.OffloadPackets.bytes;
import static io.mvpn.net.transport.tun.OffloadPackets.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Joining the TCP segments sent into a TUN device within one burst into super-packets. */
class TcpCoalescerTest {

  private static final int ACK = Ip4Tcp.ACK;
  private static final int MSS = 1348;

  private final OffloadCounters counters = new OffloadCounters();
  private final TcpCoalescer coalescer = new TcpCoalescer(counters);
  private final GsoSplitter splitter =
      new GsoSplitter(ByteBufAllocator.DEFAULT, 1500, new OffloadCounters());

  /** What went to the device: "packet" or "frame" and a copy of the bytes. */
  private final List<String> kinds = new ArrayList<>();

  private final List<byte[]> written = new ArrayList<>();

  private final TcpCoalescer.Output device =
      new TcpCoalescer.Output() {
        @Override
        public void packet(ByteBuf packet) {
          kinds.add("packet");
          written.add(ByteBufUtil.getBytes(packet));
        }

        @Override
        public void frame(ByteBuf frame) {
          kinds.add("frame");
          written.add(ByteBufUtil.getBytes(frame));
        }
      };

  private final byte[] data = bytes(100 * MSS, 7);

  private ByteBuf segment(int port, int index, int id, int flags, int size) {
    return tcp(port, id, 1000 + index * MSS, 5, flags, data, index * MSS, size);
  }

  @Test
  void consecutiveSegmentsOfAFlowGoOutAsOneSuperPacketThatCutsBackIntoTheSameSegments()
      throws Exception {
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ByteBuf s = segment(40000, i, 100 + i, i == 3 ? ACK | Ip4Tcp.PSH : ACK, i == 3 ? 500 : MSS);
      sent.add(ByteBufUtil.getBytes(s));
      coalescer.add(s);
    }

    coalescer.flush(device);

    assertThat(kinds).containsExactly("frame");
    ByteBuf frame = io.netty.buffer.Unpooled.wrappedBuffer(written.get(0));
    assertThat(VirtioNetHeader.flags(frame, 0)).isEqualTo(VirtioNetHeader.FLAG_NEEDS_CSUM);
    assertThat(VirtioNetHeader.gsoType(frame, 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
    assertThat(VirtioNetHeader.gsoSize(frame, 0)).isEqualTo(MSS);
    assertThat(VirtioNetHeader.hdrLen(frame, 0)).isEqualTo(52);
    assertThat(VirtioNetHeader.csumStart(frame, 0)).isEqualTo(20);
    assertThat(VirtioNetHeader.csumOffset(frame, 0)).isEqualTo(16);
    assertThat(Ip4Tcp.totalLength(frame, VirtioNetHeader.SIZE)).isEqualTo(52 + 3 * MSS + 500);
    assertThatPartialChecksumCompletesToAValidOne(frame.copy());
    List<ByteBuf> cut = new ArrayList<>();
    splitter.split(frame, cut::add);
    assertThat(cut).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(ByteBufUtil.getBytes(cut.get(i))).as("segment %d", i).isEqualTo(sent.get(i));
      cut.get(i).release();
    }
    assertThat(counters.coalescedWrites()).isEqualTo(1);
    assertThat(counters.segmentsCoalesced()).isEqualTo(4);
  }

  @Test
  void interleavedFlowsAreJoinedEachOnItsOwnAndOtherPacketsKeepTheirPlaceInTheirFlow() {
    coalescer.add(segment(40000, 0, 1, ACK, MSS));
    coalescer.add(segment(40001, 0, 50, ACK, MSS));
    coalescer.add(segment(40000, 1, 2, ACK, MSS));
    coalescer.add(OffloadPackets.udp(9, bytes(100, 1)));
    coalescer.add(segment(40001, 1, 51, ACK, MSS));
    // A FIN ends flow 40000's run: the data after it must not be joined in front of it.
    coalescer.add(segment(40000, 2, 3, ACK | Ip4Tcp.FIN, MSS));
    coalescer.add(segment(40000, 3, 4, ACK, MSS));

    coalescer.flush(device);

    assertThat(kinds).containsExactly("frame", "frame", "packet", "packet", "packet");
    assertThat(sourcePortOf(0, true)).isEqualTo(40000);
    assertThat(sourcePortOf(1, true)).isEqualTo(40001);
    assertThat(written.get(2)[9]).as("the UDP datagram").isEqualTo((byte) Ip4Tcp.PROTOCOL_UDP);
    assertThat(Ip4Tcp.tcpFlags(io.netty.buffer.Unpooled.wrappedBuffer(written.get(3)), 20))
        .isEqualTo(ACK | Ip4Tcp.FIN);
    assertThat(sourcePortOf(4, false)).isEqualTo(40000);
    assertThat(counters.segmentsCoalesced()).isEqualTo(4);
  }

  @Test
  void aGapInSequenceOrIdentificationOrAChangedAckStartsANewRun() {
    coalescer.add(segment(40000, 0, 1, ACK, MSS));
    coalescer.add(segment(40000, 2, 2, ACK, MSS)); // a segment missing in between
    coalescer.add(segment(40000, 3, 9, ACK, MSS)); // identification jumps
    ByteBuf otherAck = segment(40000, 4, 10, ACK, MSS);
    otherAck.setInt(28, 6);
    Ip4Tcp.fillTransportChecksum(otherAck, 0, 20, otherAck.readableBytes(), Ip4Tcp.PROTOCOL_TCP);
    coalescer.add(otherAck);

    coalescer.flush(device);

    assertThat(kinds).containsExactly("packet", "packet", "packet", "packet");
    assertThat(counters.coalescedWrites()).isZero();
  }

  @Test
  void aSuperPacketStopsShortOf64KibAndTheRestStartsTheNextOne() {
    for (int i = 0; i < 60; i++) {
      coalescer.add(segment(40000, i, i, ACK, MSS));
    }

    coalescer.flush(device);

    int perFrame = (0xFFFF - 52) / MSS;
    assertThat(kinds).containsExactly("frame", "frame");
    assertThat(written.get(0).length).isEqualTo(VirtioNetHeader.SIZE + 52 + perFrame * MSS);
    assertThat(counters.segmentsCoalesced()).isEqualTo(60);
    assertThat(coalescer.isEmpty()).isTrue();
  }

  private int sourcePortOf(int write, boolean frame) {
    int at = (frame ? VirtioNetHeader.SIZE : 0) + 20;
    byte[] b = written.get(write);
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  /**
   * Completes the checksum as the kernel does for CHECKSUM_PARTIAL (the ones' complement of the sum
   * from csum_start to the end, the field holding the pseudo-header sum) and checks the result the
   * way a receiver does: the sum over pseudo-header and segment must come to all ones.
   */
  private static void assertThatPartialChecksumCompletesToAValidOne(ByteBuf frame) {
    int ip = VirtioNetHeader.SIZE;
    int l4 = ip + VirtioNetHeader.csumStart(frame, 0);
    int end = ip + Ip4Tcp.totalLength(frame, ip);
    int field = l4 + VirtioNetHeader.csumOffset(frame, 0);
    frame.setShort(field, io.mvpn.packet.InternetChecksum.compute(frame, l4, end - l4));
    assertThat(
            io.mvpn.packet.InternetChecksum.pseudoHeaderSum(
                Ip4Tcp.source(frame, ip),
                Ip4Tcp.destination(frame, ip),
                Ip4Tcp.PROTOCOL_TCP,
                frame,
                l4,
                end - l4))
        .as("the completed TCP checksum verifies")
        .isEqualTo(0xFFFF);
    frame.release();
  }

  @Test
  void aSegmentWhoseChecksumFailsIsNotJoinedButGoesOutAsItCameForTheKernelToDrop() {
    coalescer.add(segment(40000, 0, 1, ACK, MSS));
    ByteBuf damaged = segment(40000, 1, 2, ACK, MSS);
    damaged.setByte(damaged.readerIndex() + 60, damaged.getByte(damaged.readerIndex() + 60) ^ 1);
    byte[] asSent = ByteBufUtil.getBytes(damaged);
    coalescer.add(damaged);
    coalescer.add(segment(40000, 2, 3, ACK, MSS));

    coalescer.flush(device);

    assertThat(kinds).containsExactly("packet", "packet", "packet");
    assertThat(written.get(1)).isEqualTo(asSent);
    assertThat(counters.coalescedWrites()).isZero();
  }
}
