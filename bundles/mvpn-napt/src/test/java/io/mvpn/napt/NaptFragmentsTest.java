package io.mvpn.napt;

import static io.mvpn.napt.NaptManagerTest.ACME;
import static io.mvpn.napt.NaptManagerTest.FIVE;
import static io.mvpn.napt.NaptManagerTest.GLOBEX;
import static io.mvpn.napt.NaptManagerTest.PUBLIC;
import static io.mvpn.napt.NaptManagerTest.SECOND;
import static io.mvpn.napt.NaptManagerTest.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptService.FragmentDrop;
import io.mvpn.api.napt.NaptService.Outbound;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.icmp.IcmpBuilder;
import io.mvpn.packet.icmp.IcmpMessage;
import io.mvpn.packet.icmp.IcmpType;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryNaptMappingStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fragmented datagrams through the NAPT both ways (RFC 4787 REQ-14), in order and out of order,
 * each fragment checked field by field after translation and the whole put back together as a
 * receiver would. Times are the caller's virtual nanoseconds.
 */
class NaptFragmentsTest {

  static final int MTU = 1400;
  static final int ID = 0x4d2;

  final NaptManager napt =
      new NaptManager(
          new InMemoryNaptMappingStore(),
          PUBLIC,
          40000,
          40009,
          NaptTimeouts.udp(Duration.ofSeconds(60)));
  final Ipv4Reassembler receiver = new Ipv4Reassembler(16, 1 << 20, 30 * SECOND);
  final List<ByteBuf> toRelease = new ArrayList<>();

  @AfterEach
  void releaseBuffers() {
    toRelease.forEach(ByteBuf::release);
  }

  /** A UDP datagram of {@code size} octets in all, its data a counting pattern. */
  ByteBuf udp(Ipv4Address from, int fromPort, Ipv4Address to, int toPort, int size, int id) {
    ByteBuf payload = pattern(size - 28);
    ByteBuf d =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create().identification(id),
            from.toInt(),
            to.toInt(),
            fromPort,
            toPort,
            payload);
    payload.release();
    toRelease.add(d);
    return d;
  }

  static ByteBuf pattern(int length) {
    ByteBuf b = Unpooled.buffer(length);
    for (int i = 0; i < length; i++) {
      b.writeByte(i * 7);
    }
    return b;
  }

  /** A whole datagram cut as a router cuts it for a link of {@code mtu} (RFC 791 §3.2). */
  static List<ByteBuffer> fragments(ByteBuf whole, int mtu) throws MalformedPacketException {
    Ipv4Packet ip = Ipv4Packet.parse(whole);
    int step = (mtu - ip.headerLength()) & ~7;
    List<ByteBuffer> out = new ArrayList<>();
    for (int at = 0; at < ip.payloadLength(); at += step) {
      int length = Math.min(step, ip.payloadLength() - at);
      ByteBuf f =
          Ipv4Builder.create()
              .source(ip.source())
              .destination(ip.destination())
              .protocol(ip.protocol())
              .identification(ip.identification())
              .ttl(ip.ttl())
              .fragmentOffset(at)
              .moreFragments(at + length < ip.payloadLength())
              .build(ByteBufAllocator.DEFAULT, whole.slice(ip.payloadOffset() + at, length));
      out.add(ByteBuffer.wrap(ByteBufUtil.getBytes(f)));
      f.release();
    }
    return out;
  }

  /** What a receiver makes of the fragments: the whole datagram, or null while one is missing. */
  Ipv4Packet reassemble(List<ByteBuffer> fragments) throws MalformedPacketException {
    ByteBuf whole = null;
    for (ByteBuffer f : fragments) {
      whole = receiver.offer(Ipv4Packet.parse(Unpooled.wrappedBuffer(f.duplicate())), 0);
    }
    if (whole != null) {
      toRelease.add(whole);
      return Ipv4Packet.parse(whole);
    }
    return null;
  }

  static Ipv4Packet parse(ByteBuffer b) throws MalformedPacketException {
    return Ipv4Packet.parse(Unpooled.wrappedBuffer(b.duplicate()));
  }

  /**
   * Each fragment as it was sent, but from {@code source} (and nothing else changed but checksums).
   */
  static void assertOnlyAddressChanged(
      List<ByteBuffer> before, List<ByteBuffer> after, boolean source, Ipv4Address to)
      throws MalformedPacketException {
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.size(); i++) {
      Ipv4Packet was = parse(before.get(i));
      Ipv4Packet is = parse(after.get(i));
      assertThat(is.identification()).isEqualTo(was.identification());
      assertThat(is.fragmentOffset()).isEqualTo(was.fragmentOffset());
      assertThat(is.moreFragments()).isEqualTo(was.moreFragments());
      assertThat(is.totalLength()).isEqualTo(was.totalLength());
      assertThat(is.protocol()).isEqualTo(was.protocol());
      assertThat(Ipv4Address.of(source ? is.source() : is.destination())).isEqualTo(to);
      assertThat(source ? is.destination() : is.source())
          .isEqualTo(source ? was.destination() : was.source());
      // Past the transport header (in the first fragment) the data is untouched.
      int skip = was.fragmentOffset() == 0 ? 8 : 0;
      assertThat(is.payload().slice(skip, is.payloadLength() - skip))
          .isEqualTo(was.payload().slice(skip, was.payloadLength() - skip));
    }
  }

  static List<ByteBuffer> copies(List<ByteBuffer> fragments) {
    List<ByteBuffer> out = new ArrayList<>();
    fragments.forEach(f -> out.add(ByteBuffer.wrap(f.array().clone())));
    return out;
  }

  List<ByteBuffer> released() {
    List<ByteBuffer> out = new ArrayList<>();
    for (ByteBuffer b; (b = napt.nextReleased()) != null; ) {
      out.add(b);
    }
    return out;
  }

  @Test
  void aFragmentedDatagramGoesOutAsFragmentsAndItsFragmentedAnswerComesBack() throws Exception {
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU);
    List<ByteBuffer> sent = copies(query);
    assertThat(query).hasSize(3);
    for (ByteBuffer f : query) {
      assertThat(napt.outbound(ACME, f, 0)).isEqualTo(Outbound.TRANSLATED);
    }
    assertOnlyAddressChanged(sent, query, true, PUBLIC);
    UdpDatagram out = UdpDatagram.parse(reassemble(query));
    assertThat(out.sourcePort()).isEqualTo(40000);
    assertThat(out.destinationPort()).isEqualTo(53);
    assertThat(out.payload()).isEqualTo(pattern(3000 - 28));

    List<ByteBuffer> answer = fragments(udp(SERVER, 53, PUBLIC, 40000, 3000, 0x9999), MTU);
    List<ByteBuffer> came = copies(answer);
    for (ByteBuffer f : answer) {
      assertThat(napt.inbound(f, SECOND)).contains(ACME);
    }
    assertOnlyAddressChanged(came, answer, false, FIVE);
    UdpDatagram back = UdpDatagram.parse(reassemble(answer));
    assertThat(back.destinationPort()).isEqualTo(5353);
    assertThat(back.payload()).isEqualTo(pattern(3000 - 28));
    assertThat(napt.translated()).isEqualTo(6);
    assertThat(napt.fragmentsHeld()).isZero();
  }

  @Test
  void fragmentsInReverseOrderAreHeldUntilTheFirstThenReleasedTranslated() throws Exception {
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU);
    List<ByteBuffer> sent = copies(query);
    assertThat(napt.outbound(ACME, query.get(2), 0)).isEqualTo(Outbound.HELD);
    assertThat(napt.outbound(ACME, query.get(1), 1)).isEqualTo(Outbound.HELD);
    assertThat(napt.nextReleased()).isNull();
    assertThat(napt.outbound(ACME, query.get(0), 2)).isEqualTo(Outbound.TRANSLATED);
    List<ByteBuffer> out = new ArrayList<>(List.of(query.get(0)));
    out.addAll(released());
    // Released in the order they came: the third, then the second.
    assertOnlyAddressChanged(List.of(sent.get(0), sent.get(2), sent.get(1)), out, true, PUBLIC);
    assertThat(UdpDatagram.parse(reassemble(out)).sourcePort()).isEqualTo(40000);

    List<ByteBuffer> answer = fragments(udp(SERVER, 53, PUBLIC, 40000, 3000, 0x77), MTU);
    assertThat(napt.inbound(answer.get(2), SECOND)).isEmpty();
    assertThat(napt.inbound(answer.get(1), SECOND)).isEmpty();
    assertThat(napt.inbound(answer.get(0), SECOND)).contains(ACME);
    List<ByteBuffer> back = new ArrayList<>(List.of(answer.get(0)));
    back.addAll(released());
    UdpDatagram whole = UdpDatagram.parse(reassemble(back));
    assertThat(Ipv4Address.of(whole.ip().destination())).isEqualTo(FIVE);
    assertThat(whole.destinationPort()).isEqualTo(5353);
    assertThat(napt.fragmentsHeld()).isEqualTo(4);
    // Held fragments were not dropped: no drop was counted on the way.
    assertThat(napt.dropped()).isZero();
  }

  /** Some other traffic at {@code now}: the NAPT has no clock of its own. */
  void passTime(long now) {
    napt.outbound(ACME, udp(FIVE, 1, SERVER, 53, 100, (int) now).nioBuffer(), now);
  }

  @Test
  void aDatagramWhoseFirstFragmentNeverComesIsGivenUpAtTheTimeoutAndCounted() throws Exception {
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU);
    assertThat(napt.outbound(ACME, query.get(1), 0)).isEqualTo(Outbound.HELD);
    assertThat(napt.outbound(ACME, query.get(2), 0)).isEqualTo(Outbound.HELD);

    // Just before the timeout the datagram still waits; just after, it is gone with its fragments.
    passTime(30 * SECOND - 1);
    assertThat(napt.fragmentsDropped(FragmentDrop.TIMED_OUT)).isZero();
    passTime(30 * SECOND);
    assertThat(napt.fragmentsDropped(FragmentDrop.TIMED_OUT)).isEqualTo(1);

    // The first fragment, too late, passes on its own: nothing held is released with it.
    assertThat(napt.outbound(ACME, query.get(0), 31 * SECOND)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.nextReleased()).isNull();
  }

  @Test
  void aDatagramMissingAMiddleFragmentIsCountedWhenItTimesOut() throws Exception {
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU);
    assertThat(napt.outbound(ACME, query.get(0), 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.outbound(ACME, query.get(2), 0)).isEqualTo(Outbound.TRANSLATED);
    passTime(30 * SECOND);
    assertThat(napt.fragmentsDropped(FragmentDrop.TIMED_OUT)).isEqualTo(1);
  }

  @Test
  void anOverlappingOrRepeatedFragmentIsDroppedAndCounted() throws Exception {
    ByteBuf whole = udp(FIVE, 5353, SERVER, 53, 3000, ID);
    List<ByteBuffer> query = fragments(whole, MTU);
    assertThat(napt.outbound(ACME, query.get(0), 0)).isEqualTo(Outbound.TRANSLATED);
    // Cut for a smaller link, its second piece lies inside the first fragment already passed.
    List<ByteBuffer> small = fragments(whole, 700);
    assertThat(napt.outbound(ACME, small.get(1), 0)).isEqualTo(Outbound.DROPPED);
    // A second first fragment could carry other ports for the same datagram.
    ByteBuffer again = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU).get(0);
    assertThat(napt.outbound(ACME, again, 0)).isEqualTo(Outbound.DROPPED);
    assertThat(napt.fragmentsDropped(FragmentDrop.OVERLAPPING)).isEqualTo(2);
    assertThat(napt.outbound(ACME, query.get(1), 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.outbound(ACME, query.get(2), 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(UdpDatagram.parse(reassemble(query)).sourcePort()).isEqualTo(40000);
  }

  @Test
  void aTenantOverItsShareOfHeldBytesEvictsItsOwnOldestDatagram() throws Exception {
    int fits = FragmentFlows.MAX_HELD_BYTES_PER_TENANT / MTU;
    for (int id = 0; id <= fits; id++) {
      ByteBuffer second = fragments(udp(FIVE, 5353, SERVER, 53, 3000, id), MTU).get(1);
      assertThat(napt.outbound(ACME, second, 0)).isEqualTo(Outbound.HELD);
    }
    assertThat(napt.fragmentsDropped(FragmentDrop.EVICTED)).isEqualTo(1);
    assertThat(napt.fragmentsDropped(FragmentDrop.OVER_LIMIT)).isZero();
    // The oldest went: its first fragment passes alone; the newest's brings its held one along.
    ByteBuffer oldest = fragments(udp(FIVE, 5353, SERVER, 53, 3000, 0), MTU).get(0);
    assertThat(napt.outbound(ACME, oldest, 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(released()).isEmpty();
    ByteBuffer newest = fragments(udp(FIVE, 5353, SERVER, 53, 3000, fits), MTU).get(0);
    assertThat(napt.outbound(ACME, newest, 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(released()).hasSize(1);
  }

  @Test
  void oneTenantsFloodOfFirstlessFragmentsLeavesAnotherTenantsDatagramsAlone() throws Exception {
    int flood = FragmentFlows.MAX_DATAGRAMS + 100;
    for (int id = 0; id < flood; id++) {
      ByteBuffer second = fragments(udp(FIVE, 5353, SERVER, 53, 100, id), 60).get(1);
      assertThat(napt.outbound(ACME, second, 0)).isEqualTo(Outbound.HELD);
    }
    // Globex's datagram, last fragment first, is held and released whole meanwhile.
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 3000, ID), MTU);
    List<ByteBuffer> sent = copies(query);
    assertThat(napt.outbound(GLOBEX, query.get(2), SECOND)).isEqualTo(Outbound.HELD);
    assertThat(napt.outbound(GLOBEX, query.get(1), SECOND)).isEqualTo(Outbound.HELD);
    assertThat(napt.outbound(GLOBEX, query.get(0), SECOND)).isEqualTo(Outbound.TRANSLATED);
    List<ByteBuffer> out = new ArrayList<>(List.of(query.get(0)));
    out.addAll(released());
    assertOnlyAddressChanged(List.of(sent.get(0), sent.get(2), sent.get(1)), out, true, PUBLIC);
    assertThat(UdpDatagram.parse(reassemble(out)).payload()).isEqualTo(pattern(3000 - 28));
    // Acme paid for its own flood: its oldest datagrams went, nobody's fragment was refused.
    assertThat(napt.fragmentsDropped(FragmentDrop.EVICTED))
        .isEqualTo(flood - FragmentFlows.MAX_DATAGRAMS_PER_TENANT);
    assertThat(napt.fragmentsDropped(FragmentDrop.OVER_LIMIT)).isZero();
  }

  @Test
  void aFragmentTooBigToHoldLeavesNoTraceAndMayComeAgainAfterItsFirst() throws Exception {
    List<ByteBuffer> query = fragments(udp(FIVE, 5353, SERVER, 53, 40000, ID), 20000);
    List<ByteBuffer> again = copies(query);
    assertThat(query.get(1).remaining()).isGreaterThan(FragmentFlows.MAX_HELD_BYTES_PER_TENANT);
    assertThat(napt.outbound(ACME, query.get(1), 0)).isEqualTo(Outbound.DROPPED);
    assertThat(napt.fragmentsDropped(FragmentDrop.OVER_LIMIT)).isEqualTo(1);
    // Its range was not noted: sent again once its first has passed, it is no overlap.
    assertThat(napt.outbound(ACME, query.get(0), SECOND)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.outbound(ACME, again.get(1), SECOND)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.outbound(ACME, query.get(2), SECOND)).isEqualTo(Outbound.TRANSLATED);
    assertThat(napt.fragmentsDropped(FragmentDrop.OVERLAPPING)).isZero();
    List<ByteBuffer> out = List.of(query.get(0), again.get(1), query.get(2));
    assertThat(UdpDatagram.parse(reassemble(out)).payload()).isEqualTo(pattern(40000 - 28));
  }

  @Test
  void aDatagramInTooManyPiecesAndTooManyDatagramsAtOnceAreDroppedAndCounted() throws Exception {
    // Eight octets of data a fragment: 74 pieces, more than one datagram may have.
    List<ByteBuffer> crumbs = fragments(udp(FIVE, 5353, SERVER, 53, 600, ID), 28);
    int passed = 0;
    for (ByteBuffer f : crumbs) {
      passed += napt.outbound(ACME, f, 0) == Outbound.TRANSLATED ? 1 : 0;
    }
    assertThat(passed).isEqualTo(FragmentFlows.MAX_FRAGMENTS_PER_DATAGRAM);
    long overLimit = crumbs.size() - FragmentFlows.MAX_FRAGMENTS_PER_DATAGRAM;
    assertThat(napt.fragmentsDropped(FragmentDrop.OVER_LIMIT)).isEqualTo(overLimit);

    // Each a later fragment of another datagram, the tenants each within their share: one
    // datagram (that one) is in flight already.
    for (int id = 0; id < FragmentFlows.MAX_DATAGRAMS; id++) {
      ByteBuffer second = fragments(udp(FIVE, 5353, SERVER, 53, 100, id), 60).get(1);
      MvpnId tenant = MvpnId.of("tenant" + id / FragmentFlows.MAX_DATAGRAMS_PER_TENANT);
      assertThat(napt.outbound(tenant, second, SECOND))
          .isEqualTo(id < FragmentFlows.MAX_DATAGRAMS - 1 ? Outbound.HELD : Outbound.DROPPED);
    }
    assertThat(napt.fragmentsDropped(FragmentDrop.OVER_LIMIT)).isEqualTo(overLimit + 1);
    assertThat(napt.fragmentsDropped(FragmentDrop.EVICTED)).isZero();
  }

  @Test
  void aFragmentedPingGoesOutByItsIdentifierAndItsFragmentedReplyComesBack() throws Exception {
    ByteBuf data = pattern(3000);
    ByteBuf request =
        IcmpBuilder.echoRequest(
            ByteBufAllocator.DEFAULT, FIVE.toInt(), SERVER.toInt(), 7, 1, data, 64);
    toRelease.add(request);
    List<ByteBuffer> ping = fragments(request, MTU);
    for (ByteBuffer f : ping) {
      assertThat(napt.outbound(ACME, f, 0)).isEqualTo(Outbound.TRANSLATED);
    }
    Ipv4Packet out = reassemble(ping);
    IcmpMessage echo = IcmpMessage.parse(out);
    assertThat(Ipv4Address.of(out.source())).isEqualTo(PUBLIC);
    assertThat(echo.identifier()).isEqualTo(40000);

    ByteBuf reply = IcmpBuilder.echoReply(ByteBufAllocator.DEFAULT, echo, SERVER.toInt());
    toRelease.add(reply);
    List<ByteBuffer> pong = fragments(reply, MTU);
    for (ByteBuffer f : pong) {
      assertThat(napt.inbound(f, SECOND)).contains(ACME);
    }
    Ipv4Packet back = reassemble(pong);
    IcmpMessage answer = IcmpMessage.parse(back);
    assertThat(answer.type()).isEqualTo(IcmpType.ECHO_REPLY);
    assertThat(Ipv4Address.of(back.destination())).isEqualTo(FIVE);
    assertThat(answer.identifier()).isEqualTo(7);
    assertThat(answer.body()).isEqualTo(data);
    data.release();
  }

  @Test
  void tcpFragmentsAreStillDropped() throws Exception {
    ByteBuf segment =
        TcpSegment.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create(),
            FIVE.toInt(),
            SERVER.toInt(),
            1000,
            80,
            1,
            0,
            TcpSegment.SYN,
            65535,
            pattern(2000));
    toRelease.add(segment);
    for (ByteBuffer f : fragments(segment, MTU)) {
      assertThat(napt.outbound(ACME, f, 0)).isEqualTo(Outbound.DROPPED);
    }
    assertThat(napt.mappings(0)).isEmpty();
    assertThat(napt.inbound(ByteBuffer.wrap(new byte[0]), 0)).isEqualTo(Optional.empty());
  }
}
