package io.mvpn.net.transport.tun;

import static io.mvpn.net.transport.tun.OffloadPackets.SERVER;
import static io.mvpn.net.transport.tun.OffloadPackets.bytes;
import static io.mvpn.net.transport.tun.OffloadPackets.superFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which UDP checksums the reader leaves unsummed: only those the kernel left partial (NEEDS_CSUM)
 * of whole datagrams for the link's own address on a port whose handler needs none (ESP in UDP);
 * everything else is completed, or checked by the VRF as it came.
 */
class GsoSplitterChecksumTrustTest {

  private static final int ESP_IN_UDP = 4500;

  private final OffloadCounters counters = new OffloadCounters();
  private final GsoSplitter splitter =
      new GsoSplitter(
          ByteBufAllocator.DEFAULT,
          1500,
          counters,
          (address, port) -> address == SERVER && port == ESP_IN_UDP);
  private final List<ByteBuf> out = new ArrayList<>();

  @AfterEach
  void release() {
    out.forEach(ByteBuf::release);
  }

  @Test
  void aDatagramForThisHostWithAPartialChecksumGetsNoneInsteadOfASum() throws Exception {
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    ByteBuf frame = superFrame(datagram, VirtioNetHeader.GSO_NONE, 0);

    splitter.split(frame, out::add);

    assertThat(out).hasSize(1);
    ByteBuf got = out.get(0);
    assertThat(got.getUnsignedShort(26)).as("UDP checksum: none").isZero();
    datagram.setShort(26, 0);
    assertThat(ByteBufUtil.equals(got, datagram)).as("otherwise as sent").isTrue();
    assertThat(counters.checksumsTrusted()).isEqualTo(1);
    assertThat(counters.checksumsCompleted()).isZero();
    UdpDatagram udp = UdpDatagram.parse(Ipv4Packet.parse(got), true);
    assertThat(udp.checksumValid()).isTrue();
  }

  @Test
  void aDatagramForAnotherAddressMayBeForwardedSoItsChecksumIsCompleted() throws Exception {
    GsoSplitter forwarding =
        new GsoSplitter(
            ByteBufAllocator.DEFAULT, 1500, counters, (address, port) -> address != SERVER);
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    int expected = datagram.getUnsignedShort(26);

    forwarding.split(superFrame(datagram, VirtioNetHeader.GSO_NONE, 0), out::add);

    assertThat(out.get(0).getUnsignedShort(26)).isEqualTo(expected).isNotZero();
    assertThat(counters.checksumsCompleted()).isEqualTo(1);
    assertThat(counters.checksumsTrusted()).isZero();
  }

  @Test
  void aDatagramForThisHostOnAPortWhoseHandlerNeedsItsChecksumIsCompleted() throws Exception {
    // The NAPT's public address may be the link's own: what it translates goes on to a tenant's
    // host, which must get a checksum.
    GsoSplitter napt =
        new GsoSplitter(
            ByteBufAllocator.DEFAULT, 1500, counters, (address, port) -> port == ESP_IN_UDP + 1);
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    int expected = datagram.getUnsignedShort(26);

    napt.split(superFrame(datagram, VirtioNetHeader.GSO_NONE, 0), out::add);

    assertThat(out.get(0).getUnsignedShort(26)).isEqualTo(expected).isNotZero();
    assertThat(counters.checksumsCompleted()).isEqualTo(1);
    assertThat(counters.checksumsTrusted()).isZero();
  }

  @Test
  void aFragmentForThisHostIsCompletedAsBefore() throws Exception {
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    datagram.setShort(6, 0x2000); // more fragments
    Ip4Tcp.rewriteIpHeader(datagram, 0, 20, datagram.readableBytes(), 3);

    splitter.split(superFrame(datagram, VirtioNetHeader.GSO_NONE, 0), out::add);

    assertThat(out.get(0).getUnsignedShort(26)).isNotZero();
    assertThat(counters.checksumsCompleted()).isEqualTo(1);
    assertThat(counters.checksumsTrusted()).isZero();
  }

  @Test
  void aTcpSegmentForThisHostIsCompletedAsBefore() throws Exception {
    ByteBuf segment = OffloadPackets.tcp(40000, 1, 1, 1, Ip4Tcp.ACK, bytes(1000, 4));
    int expected = segment.getUnsignedShort(36);

    splitter.split(superFrame(segment, VirtioNetHeader.GSO_NONE, 0), out::add);

    assertThat(out.get(0).getUnsignedShort(36)).isEqualTo(expected);
    assertThat(counters.checksumsCompleted()).isEqualTo(1);
    assertThat(counters.checksumsTrusted()).isZero();
  }

  @Test
  void aUdpSuperPacketForThisHostBecomesTheSameDatagramsButWithoutChecksums() throws Exception {
    ByteBuf whole = OffloadPackets.udp(10, bytes(3000, 2));
    List<ByteBuf> summed = new ArrayList<>();
    new GsoSplitter(ByteBufAllocator.DEFAULT, 1500, new OffloadCounters())
        .split(superFrame(whole, VirtioNetHeader.GSO_UDP_L4, 1200), summed::add);

    splitter.split(superFrame(whole, VirtioNetHeader.GSO_UDP_L4, 1200), out::add);

    assertThat(out).hasSize(3);
    for (int s = 0; s < 3; s++) {
      assertThat(summed.get(s).getUnsignedShort(26)).isNotZero();
      assertThat(out.get(s).getUnsignedShort(26)).as("checksum of datagram %d", s).isZero();
      summed.get(s).setShort(26, 0);
      assertThat(ByteBufUtil.equals(out.get(s), summed.get(s))).isTrue();
    }
    summed.forEach(ByteBuf::release);
    assertThat(counters.superPacketsRead()).isEqualTo(1);
    assertThat(counters.checksumsTrusted()).isEqualTo(3);
  }

  @Test
  void aDatagramWithAFullChecksumKeepsItSoABadOneIsStillRefusedByTheVrf() throws Exception {
    ByteBuf datagram = OffloadPackets.udp(3, bytes(1372, 3));
    datagram.setShort(26, datagram.getUnsignedShort(26) ^ 0x0101); // a bit error
    ByteBuf frame = OffloadPackets.plainFrame(datagram);

    splitter.split(frame, out::add);

    assertThat(ByteBufUtil.equals(out.get(0), datagram)).isTrue();
    assertThat(counters.checksumsTrusted()).isZero();
    assertThatThrownBy(() -> UdpDatagram.parse(Ipv4Packet.parse(out.get(0)), true))
        .isInstanceOfSatisfying(
            MalformedPacketException.class,
            e ->
                assertThat(e.reason()).isEqualTo(MalformedPacketException.Reason.BAD_UDP_CHECKSUM));
  }
}
