package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.OffloadPackets.CLIENT;
import static io.mvpn.net.transport.tun.OffloadPackets.SERVER;
import static io.mvpn.net.transport.tun.OffloadPackets.bytes;
import static io.mvpn.net.transport.tun.OffloadPackets.superFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.net.transport.tun.BadVnetHeaderException.Reason;
import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cutting the super-packets a TUN device with offload hands over into the segments they stand for.
 */
class GsoSplitterTest {

  private final OffloadCounters counters = new OffloadCounters();
  private final GsoSplitter splitter = new GsoSplitter(ByteBufAllocator.DEFAULT, 1500, counters);
  private final List<ByteBuf> out = new ArrayList<>();

  @AfterEach
  void release() {
    out.forEach(ByteBuf::release);
  }

  @Test
  void aTcpSuperPacketBecomesMssSegmentsEachWithItsOwnLengthIdSequenceFlagsAndChecksums()
      throws Exception {
    byte[] data = bytes(4000, 1);
    int flags = Ip4Tcp.ACK | Ip4Tcp.PSH | Ip4Tcp.FIN | Ip4Tcp.CWR;
    ByteBuf whole = OffloadPackets.tcp(40000, 0xFFFF, 0xFFFFF800, 77, flags, data);

    splitter.split(superFrame(whole, VirtioNetHeader.GSO_TCPV4, 1448), out::add);

    assertThat(out).hasSize(3);
    int[] sizes = {1448, 1448, 1104};
    ByteBuf joined = Unpooled.buffer();
    for (int s = 0; s < 3; s++) {
      ByteBuf seg = out.get(s);
      assertThat(seg.readableBytes()).isEqualTo(52 + sizes[s]);
      assertThat(Ip4Tcp.totalLength(seg, 0)).isEqualTo(52 + sizes[s]);
      assertThat(Ip4Tcp.identification(seg, 0)).isEqualTo((0xFFFF + s) & 0xFFFF);
      assertThat(InternetChecksum.verify(seg, 0, 20)).as("IPv4 header checksum").isTrue();
      assertThat(
              InternetChecksum.pseudoHeaderSum(
                  CLIENT, SERVER, Ip4Tcp.PROTOCOL_TCP, seg, 20, 32 + sizes[s]))
          .as("TCP checksum of segment %d", s)
          .isEqualTo(0xFFFF);
      assertThat(seg.getInt(24)).isEqualTo(0xFFFFF800 + s * 1448);
      assertThat(seg.getInt(28)).isEqualTo(77);
      assertThat(seg.getInt(44)).as("timestamp option kept").isEqualTo(0x11223344);
      joined.writeBytes(seg, 52, sizes[s]);
    }
    assertThat(Ip4Tcp.tcpFlags(out.get(0), 20)).isEqualTo(Ip4Tcp.ACK | Ip4Tcp.CWR);
    assertThat(Ip4Tcp.tcpFlags(out.get(1), 20)).isEqualTo(Ip4Tcp.ACK);
    assertThat(Ip4Tcp.tcpFlags(out.get(2), 20)).isEqualTo(Ip4Tcp.ACK | Ip4Tcp.PSH | Ip4Tcp.FIN);
    assertThat(ByteBufUtil.getBytes(joined)).isEqualTo(data);
    assertThat(counters.superPacketsRead()).isEqualTo(1);
    assertThat(counters.segmentsSplit()).isEqualTo(3);
  }

  @Test
  void aUdpSuperPacketBecomesDatagramsOfGsoSizeWithTheirOwnUdpLengthsAndChecksums()
      throws Exception {
    byte[] data = bytes(3000, 2);
    ByteBuf whole = OffloadPackets.udp(10, data);

    splitter.split(superFrame(whole, VirtioNetHeader.GSO_UDP_L4, 1200), out::add);

    assertThat(out).extracting(ByteBuf::readableBytes).containsExactly(1228, 1228, 628);
    for (int s = 0; s < 3; s++) {
      ByteBuf d = out.get(s);
      int udpLength = d.readableBytes() - 20;
      assertThat(d.getUnsignedShort(24)).isEqualTo(udpLength);
      assertThat(Ip4Tcp.identification(d, 0)).isEqualTo(10 + s);
      assertThat(InternetChecksum.verify(d, 0, 20)).isTrue();
      assertThat(
              InternetChecksum.pseudoHeaderSum(
                  CLIENT, SERVER, Ip4Tcp.PROTOCOL_UDP, d, 20, udpLength))
          .isEqualTo(0xFFFF);
      assertThat(ByteBufUtil.getBytes(d, 28, udpLength - 8))
          .isEqualTo(java.util.Arrays.copyOfRange(data, s * 1200, s * 1200 + udpLength - 8));
    }
  }

  @Test
  void aSinglePacketLeftWithAPartialChecksumGetsItCompletedAndStaysOnePacket() throws Exception {
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    int expected = datagram.getUnsignedShort(26);
    ByteBuf frame = superFrame(datagram, VirtioNetHeader.GSO_NONE, 0);

    splitter.split(frame, out::add);

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getUnsignedShort(26)).isEqualTo(expected);
    assertThat(ByteBufUtil.equals(out.get(0), datagram)).isTrue();
    assertThat(counters.checksumsCompleted()).isEqualTo(1);
    assertThat(counters.superPacketsRead()).isZero();
  }

  @Test
  void aPacketWithAHeaderThatAsksForNothingPassesAsItCame() throws Exception {
    ByteBuf segment = OffloadPackets.tcp(40000, 1, 1, 1, Ip4Tcp.ACK | Ip4Tcp.SYN, new byte[0]);

    splitter.split(OffloadPackets.plainFrame(segment), out::add);

    assertThat(out).hasSize(1);
    assertThat(ByteBufUtil.equals(out.get(0), segment)).isTrue();
  }

  @Test
  void headersThatCannotBeHonouredAreRefusedByReasonBeforeAnyPacketIsHandedOver() {
    ByteBuf tcp = OffloadPackets.tcp(40000, 1, 1, 1, Ip4Tcp.ACK, bytes(3000, 4));
    ByteBuf udp = OffloadPackets.udp(1, bytes(3000, 5));

    assertRefused(superFrame(tcp, VirtioNetHeader.GSO_TCPV6, 1448), Reason.UNSUPPORTED_GSO_TYPE);
    assertRefused(superFrame(tcp, VirtioNetHeader.GSO_UDP, 1448), Reason.UNSUPPORTED_GSO_TYPE);
    assertRefused(superFrame(udp, VirtioNetHeader.GSO_TCPV4, 1448), Reason.GSO_PROTOCOL_MISMATCH);
    assertRefused(superFrame(tcp, VirtioNetHeader.GSO_TCPV4, 0), Reason.BAD_GSO_SIZE);
    ByteBuf badOffsets = superFrame(tcp, VirtioNetHeader.GSO_TCPV4, 1448);
    badOffsets.setShortLE(8, 6);
    assertRefused(badOffsets, Reason.BAD_CHECKSUM_OFFSETS);
    ByteBuf outside = superFrame(udp, VirtioNetHeader.GSO_NONE, 0);
    outside.setShortLE(6, 4000);
    assertRefused(outside, Reason.BAD_CHECKSUM_OFFSETS);
    ByteBuf shortened = superFrame(tcp, VirtioNetHeader.GSO_TCPV4, 1448);
    shortened.writerIndex(shortened.writerIndex() - 100);
    assertRefused(shortened, Reason.BAD_HEADER_LENGTH);
    assertRefused(Unpooled.buffer().writeZero(VirtioNetHeader.SIZE), Reason.TRUNCATED);

    assertThat(out).isEmpty();
    assertThat(counters.superPacketsRead()).isZero();
  }

  private void assertRefused(ByteBuf frame, Reason reason) {
    assertThatThrownBy(() -> splitter.split(frame, out::add))
        .isInstanceOfSatisfying(
            BadVnetHeaderException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
