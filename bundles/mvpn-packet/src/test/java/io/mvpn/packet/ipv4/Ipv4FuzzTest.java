package io.mvpn.packet.ipv4;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.icmp.RouterAdvertisement;
import io.mvpn.packet.ipip.IpInIp;
import io.mvpn.packet.mip.AgentAdvertisement;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the IPv4 layer: any bytes as a datagram (with UDP, TCP, ICMP, router
 * and agent advertisements, IP in IP beneath), and any sequence of fragments through reassembly.
 * Only {@link MalformedPacketException} may leave a parser; reassembly must give back exactly the
 * bytes that were sent, stay within its limits and hold no buffer once everything has expired.
 */
class Ipv4FuzzTest {

  @FuzzTest(maxDuration = "30m")
  void anyBytesParseAsADatagramOrFailTyped(byte[] data) {
    try {
      parseEverything(Unpooled.wrappedBuffer(data), 0);
    } catch (MalformedPacketException expected) {
      assertThat(expected.reason()).isNotNull();
    }
  }

  private static void parseEverything(ByteBuf buf, int depth) throws MalformedPacketException {
    Ipv4Packet ip = Ipv4Packet.parse(buf);
    ip.toString();
    ip.options();
    if (ip.isFragment()) {
      return;
    }
    switch (ip.protocol()) {
      case IpProtocol.UDP -> UdpDatagram.parse(ip).payload();
      case IpProtocol.TCP -> {
        TcpSegment tcp = TcpSegment.parse(ip);
        tcp.mss();
        tcp.payload();
      }
      case IpProtocol.ICMP -> {
        IcmpMessage icmp = IcmpMessage.parse(ip);
        if (icmp.type() == IcmpType.ROUTER_ADVERTISEMENT) {
          // Null for a plain router advertisement: it carries no mobility agent extension.
          AgentAdvertisement agent = AgentAdvertisement.parse(RouterAdvertisement.parse(icmp));
          if (agent != null) {
            agent.toString();
          }
        }
      }
      case IpProtocol.IPIP -> {
        if (depth < 4) {
          parseEverything(IpInIp.decapsulate(ip).datagram(), depth + 1);
        }
      }
      default -> ip.payload();
    }
  }

  private static final int MAX_DATAGRAMS = 4;
  private static final int MAX_BYTES = 4096;
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  /**
   * Fragments of up to four datagrams (source, identification chosen by the input) with any
   * offsets, lengths and MF flags, arriving at increasing times. Each payload byte is a function of
   * its position in the original datagram, so a reassembled datagram can be checked byte by byte
   * whatever order, overlap or duplication the input chose.
   */
  @FuzzTest(maxDuration = "30m")
  void fragmentsReassembleIntoWhatWasSentOrAreDropped(FuzzedDataProvider input) throws Exception {
    Ipv4Reassembler reassembler = new Ipv4Reassembler(MAX_DATAGRAMS, MAX_BYTES, TIMEOUT_NANOS);
    List<ByteBuf> offered = new ArrayList<>();
    long now = 0;
    while (input.remainingBytes() > 0 && offered.size() < 64) {
      int which = input.consumeInt(0, 5);
      int offset = input.consumeInt(0, 64) * 8;
      int length = input.consumeBoolean() ? input.consumeInt(1, 8) * 8 : input.consumeInt(0, 600);
      boolean more = input.consumeBoolean();
      now += TimeUnit.MILLISECONDS.toNanos(input.consumeInt(0, 12_000));
      ByteBuf payload = Unpooled.buffer(length);
      for (int i = 0; i < length; i++) {
        payload.writeByte(pattern(which, offset + i));
      }
      ByteBuf wire =
          Ipv4Builder.create()
              .source(0xC6336400 | which) // 198.51.100.x
              .destination(0xCB007101) // 203.0.113.1
              .protocol(IpProtocol.UDP)
              .identification(0x4000 + which)
              .moreFragments(more)
              .fragmentOffset(offset)
              .build(UnpooledByteBufAllocator.DEFAULT, payload);
      offered.add(wire);
      Ipv4Packet fragment = Ipv4Packet.parse(wire);
      ByteBuf whole = reassembler.offer(fragment, now);
      if (whole != null) {
        try {
          Ipv4Packet datagram = Ipv4Packet.parse(whole);
          assertThat(datagram.isFragment()).isFalse();
          assertThat(datagram.identification()).isEqualTo(0x4000 + which);
          ByteBuf data = datagram.payload();
          for (int i = 0; i < data.readableBytes(); i++) {
            assertThat((int) data.getUnsignedByte(data.readerIndex() + i))
                .as("byte %d of datagram %d", i, which)
                .isEqualTo(pattern(which, i));
          }
        } finally {
          whole.release();
        }
      }
      assertThat(reassembler.inProgress()).isBetween(0, MAX_DATAGRAMS);
      assertThat(reassembler.bytesHeld()).isBetween(0, MAX_BYTES);
    }
    reassembler.expire(now + TIMEOUT_NANOS);
    assertThat(reassembler.inProgress()).isZero();
    assertThat(reassembler.bytesHeld()).isZero();
    for (ByteBuf wire : offered) {
      assertThat(wire.release()).as("the reassembler let go of every fragment").isTrue();
    }
  }

  private static int pattern(int datagram, int position) {
    return (position * 31 + datagram * 7 + (position >> 8)) & 0xFF;
  }
}
