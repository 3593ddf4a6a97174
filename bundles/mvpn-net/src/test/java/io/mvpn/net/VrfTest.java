package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host stack and forwarding of one VRF pair: a host and a router on one segment. */
class VrfTest {

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL.withMtu(576), 1);
  private final Vrf host = new Vrf("host", time, ByteBufAllocator.DEFAULT);
  private final Vrf router = new Vrf("router", time, ByteBufAllocator.DEFAULT);
  private final List<String> icmpSeen = new ArrayList<>();

  VrfTest() {
    host.addInterface("h0", Ipv4Address.parse("10.1.0.2"), 24, lan.newPort());
    router.addInterface("r0", Ipv4Address.parse("10.1.0.1"), 24, lan.newPort());
    host.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
    for (int type : new int[] {IcmpType.DESTINATION_UNREACHABLE, IcmpType.TIME_EXCEEDED}) {
      host.registerIcmp(
          type,
          (vrf, in, ip) -> {
            try {
              IcmpMessage m = IcmpMessage.parse(ip);
              icmpSeen.add(m.type() + "/" + m.code() + " from " + ip.sourceAddress());
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    }
  }

  @Test
  void ttlOneIsNotForwardedAndTheSenderHearsTimeExceeded() {
    router.addInterface(
        "r1",
        Ipv4Address.parse("10.2.0.1"),
        24,
        new MemorySegment("far", LinkProperties.IDEAL, 2).newPort());
    host.send(datagram("10.1.0.2", "10.2.0.9", 1, false, 64));
    time.runUntilIdle();
    assertThat(router.counters().dropped(DropReason.TTL_EXPIRED)).isEqualTo(1);
    assertThat(icmpSeen).containsExactly("11/0 from 10.1.0.1");
  }

  @Test
  void aUdpPayloadThatCannotBeEncapsulatedIsReleasedCountedAndRefused() {
    RecordingAllocator buffers = new RecordingAllocator();
    Ipv4Address to = Ipv4Address.parse("10.1.0.1");
    ByteBuf noRoom = buffers.buffer(16).writeBytes(new byte[16]);
    ByteBuf tooLong = buffers.buffer(UdpDatagram.HEADROOM + 65_530);
    tooLong.writerIndex(UdpDatagram.HEADROOM + 65_530).readerIndex(UdpDatagram.HEADROOM);

    assertThatThrownBy(() -> host.sendUdpInPlace(null, to, 5000, 9000, noRoom))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> host.sendUdpInPlace(null, to, 5000, 9000, tooLong))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(buffers.held()).isZero();
    assertThat(host.counters().dropped(DropReason.MALFORMED)).isEqualTo(2);
  }

  @Test
  void noRouteAnswersNetUnreachable() {
    host.send(datagram("10.1.0.2", "10.9.0.9", 64, false, 64));
    time.runUntilIdle();
    assertThat(router.counters().dropped(DropReason.NO_ROUTE)).isEqualTo(1);
    assertThat(icmpSeen).containsExactly("3/0 from 10.1.0.1");
  }

  @Test
  void closedUdpPortAnswersPortUnreachableAndBoundPortDelivers() {
    List<String> got = new ArrayList<>();
    router.bindUdp(
        9000, (vrf, in, udp) -> got.add(udp.payload().toString(StandardCharsets.US_ASCII)));
    host.sendUdp(null, Ipv4Address.parse("10.1.0.1"), 5000, 9001, payload("nobody"));
    host.sendUdp(null, Ipv4Address.parse("10.1.0.1"), 5000, 9000, payload("hello"));
    time.runUntilIdle();
    assertThat(got).containsExactly("hello");
    assertThat(icmpSeen).containsExactly("3/3 from 10.1.0.1");
    assertThat(router.counters().dropped(DropReason.NO_UDP_HANDLER)).isEqualTo(1);
  }

  @Test
  void unknownProtocolAnswersProtocolUnreachable() {
    host.send(datagram("10.1.0.2", "10.1.0.1", 64, false, 64, IpProtocol.ESP));
    time.runUntilIdle();
    assertThat(icmpSeen).containsExactly("3/2 from 10.1.0.1");
  }

  @Test
  void tooBigWithDontFragmentAnswersFragmentationNeededWithTheMtu() {
    Vrf far = new Vrf("far", time, ByteBufAllocator.DEFAULT);
    MemorySegment narrow = new MemorySegment("narrow", LinkProperties.IDEAL.withMtu(300), 3);
    router.addInterface("r1", Ipv4Address.parse("10.2.0.1"), 24, narrow.newPort());
    far.addInterface("f0", Ipv4Address.parse("10.2.0.9"), 24, narrow.newPort());
    host.send(datagram("10.1.0.2", "10.2.0.9", 64, true, 400));
    time.runUntilIdle();
    assertThat(router.counters().dropped(DropReason.MTU_EXCEEDED)).isEqualTo(1);
    assertThat(icmpSeen).containsExactly("3/4 from 10.1.0.1");
  }

  @Test
  void fragmentsAreReassembledBeforeDelivery() throws Exception {
    List<Integer> lengths = new ArrayList<>();
    router.bindUdp(7, (vrf, in, udp) -> lengths.add(udp.payload().readableBytes()));
    ByteBuf whole =
        io.mvpn.packet.udp.UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Address.parse("10.1.0.2").toInt(),
            Ipv4Address.parse("10.1.0.1").toInt(),
            5000,
            7,
            Unpooled.wrappedBuffer(new byte[1000]),
            64);
    Ipv4Packet ip = Ipv4Packet.parse(whole);
    // Two fragments by hand: 8-byte aligned first part, the rest with MF clear.
    ByteBuf payload = ip.payload();
    int first = 512;
    host.send(fragment(ip, payload.retainedSlice(0, first), 0, true));
    host.send(
        fragment(ip, payload.retainedSlice(first, payload.readableBytes() - first), first, false));
    whole.release();
    time.runUntilIdle();
    assertThat(lengths).containsExactly(1000);
  }

  @Test
  void firstFragmentsBeyondTheReassemblyLimitAreCountedAtOnceAndTheHeldOnesWhenTheyTimeOut()
      throws Exception {
    int held = 64;
    int beyond = 10;
    for (int id = 1; id <= held + beyond; id++) {
      ByteBuf whole =
          Ipv4Builder.create()
              .source(Ipv4Address.parse("10.1.0.2"))
              .destination(Ipv4Address.parse("10.1.0.1"))
              .protocol(IpProtocol.UDP)
              .identification(id)
              .build(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(new byte[64]));
      Ipv4Packet ip = Ipv4Packet.parse(whole);
      host.send(fragment(ip, ip.payload().retainedSlice(0, 32), 0, true));
      whole.release();
    }
    time.advance(1, TimeUnit.SECONDS); // runUntilIdle would run the reassembly timeout too
    assertThat(router.reassembliesInProgress()).isEqualTo(held);
    assertThat(router.counters().dropped(DropReason.REASSEMBLY)).isEqualTo(beyond);

    time.advance(30, TimeUnit.SECONDS);
    assertThat(router.reassembliesInProgress()).isZero();
    assertThat(router.counters().dropped(DropReason.REASSEMBLY)).isEqualTo(held + beyond);
  }

  @Test
  void icmpErrorsGoOutInABurstThenAtTheirRateAndTheRestAreCountedAsRateLimited() {
    int burst = 100;
    for (int i = 0; i < burst + 50; i++) {
      host.send(datagram("10.1.0.2", "10.9.0.1", 64, false, 8));
    }
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(router.counters().dropped(DropReason.NO_ROUTE)).isEqualTo(burst + 50);
    assertThat(icmpSeen).hasSize(burst).containsOnly("3/0 from 10.1.0.1");
    assertThat(router.icmpErrorsRateLimited()).isEqualTo(50);

    // 1000 a second: 10 ms after the burst, ten more may go.
    time.advance(9, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 20; i++) {
      host.send(datagram("10.1.0.2", "10.9.0.1", 64, false, 8));
    }
    time.advance(1, TimeUnit.MILLISECONDS);
    assertThat(icmpSeen).hasSize(burst + 10);
    assertThat(router.icmpErrorsRateLimited()).isEqualTo(60);
  }

  private static ByteBuf fragment(Ipv4Packet ip, ByteBuf part, int offset, boolean more) {
    ByteBuf header = Unpooled.buffer(20);
    ByteBuf out = Unpooled.buffer(20 + part.readableBytes());
    out.writeBytes(ip.buffer(), ip.buffer().readerIndex(), 20);
    out.writeBytes(part);
    part.release();
    out.setShort(2, out.readableBytes());
    out.setShort(6, (more ? 0x2000 : 0) | (offset / 8));
    out.setShort(10, 0);
    out.setShort(10, io.mvpn.packet.InternetChecksum.compute(out, 0, 20));
    header.release();
    return out;
  }

  private static ByteBuf payload(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static ByteBuf datagram(String src, String dst, int ttl, boolean df, int size) {
    return datagram(src, dst, ttl, df, size, IpProtocol.UDP + 200);
  }

  private static ByteBuf datagram(
      String src, String dst, int ttl, boolean df, int size, int protocol) {
    return Ipv4Builder.create()
        .source(Ipv4Address.parse(src))
        .destination(Ipv4Address.parse(dst))
        .protocol(protocol)
        .ttl(ttl)
        .dontFragment(df)
        .build(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(new byte[size]));
  }
}
