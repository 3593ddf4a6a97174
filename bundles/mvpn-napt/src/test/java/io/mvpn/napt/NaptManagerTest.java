package io.mvpn.napt;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptInside;
import io.mvpn.api.napt.NaptMapping;
import io.mvpn.api.napt.NaptMappingStore;
import io.mvpn.api.napt.NaptService.Outbound;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.IpProtocol;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.tcp.TcpSegment;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryNaptMappingStore;
import io.mvpn.store.StoreBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NAPT service on raw datagrams, and its mappings outliving an instance: a new manager over the
 * same store carries a flow on with the public port it had.
 */
class NaptManagerTest {

  static final Ipv4Address PUBLIC = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address SERVER = Ipv4Address.parse("198.51.100.53");
  static final Ipv4Address FIVE = Ipv4Address.parse("10.1.0.5");
  static final MvpnId ACME = MvpnId.of("acme");
  static final MvpnId GLOBEX = MvpnId.of("globex");
  static final long SECOND = 1_000_000_000L;

  final InMemoryNaptMappingStore store = new InMemoryNaptMappingStore();

  NaptManager manager() {
    return manager(store);
  }

  static NaptManager manager(NaptMappingStore store) {
    return new NaptManager(store, PUBLIC, 40000, 40009, NaptTimeouts.udp(Duration.ofSeconds(60)));
  }

  static ByteBuffer udp(Ipv4Address from, int fromPort, Ipv4Address to, int toPort, String body) {
    ByteBuf payload = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
    ByteBuf d =
        UdpDatagram.build(
            ByteBufAllocator.DEFAULT, from.toInt(), to.toInt(), fromPort, toPort, payload, 64);
    payload.release();
    return bytes(d);
  }

  static ByteBuffer tcp(Ipv4Address from, int fromPort, Ipv4Address to, int toPort, int flags) {
    ByteBuf d =
        TcpSegment.build(
            ByteBufAllocator.DEFAULT,
            Ipv4Builder.create(),
            from.toInt(),
            to.toInt(),
            fromPort,
            toPort,
            1000,
            0,
            flags,
            65535,
            Unpooled.EMPTY_BUFFER);
    return bytes(d);
  }

  static ByteBuffer bytes(ByteBuf d) {
    byte[] b = new byte[d.readableBytes()];
    d.readBytes(b);
    d.release();
    return ByteBuffer.wrap(b);
  }

  static UdpDatagram parseUdp(ByteBuffer b) throws MalformedPacketException {
    return UdpDatagram.parse(Ipv4Packet.parse(Unpooled.wrappedBuffer(b.duplicate())));
  }

  @Test
  void anOutboundDatagramLeavesFromThePublicAddressWithItsChecksumsRight() throws Exception {
    NaptManager napt = manager();
    ByteBuffer query = udp(FIVE, 5353, SERVER, 53, "who is carol");
    assertThat(napt.outbound(ACME, query, 0)).isEqualTo(Outbound.TRANSLATED);

    // Parsing checks the IP header checksum and the UDP pseudo-header checksum.
    UdpDatagram out = parseUdp(query);
    assertThat(Ipv4Address.of(out.ip().source())).isEqualTo(PUBLIC);
    assertThat(out.sourcePort()).isEqualTo(40000);
    // The reply goes back to acme's node, and only the port's owner is named.
    ByteBuffer reply = udp(SERVER, 53, PUBLIC, 40000, "10.9.0.9");
    assertThat(napt.inbound(reply, SECOND)).contains(ACME);
    UdpDatagram back = parseUdp(reply);
    assertThat(Ipv4Address.of(back.ip().destination())).isEqualTo(FIVE);
    assertThat(back.destinationPort()).isEqualTo(5353);
    assertThat(back.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("10.9.0.9");
    assertThat(napt.translated()).isEqualTo(2);
  }

  @Test
  void aDatagramInALittleEndianBufferIsTranslatedAsItsHeadersSay() throws Exception {
    NaptManager napt = manager();
    ByteBuffer query = udp(FIVE, 5353, SERVER, 53, "who is carol").order(ByteOrder.LITTLE_ENDIAN);
    assertThat(napt.outbound(ACME, query, 0)).isEqualTo(Outbound.TRANSLATED);
    assertThat(query.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    UdpDatagram out = parseUdp(query.duplicate().order(ByteOrder.BIG_ENDIAN));
    assertThat(Ipv4Address.of(out.ip().source())).isEqualTo(PUBLIC);
    assertThat(out.sourcePort()).isEqualTo(40000);
    assertThat(out.destinationPort()).isEqualTo(53);
    assertThat(out.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("who is carol");
  }

  /** Two flows, so the one that matters (acme's, returned) is not simply on the first port. */
  static int twoFlowsOut(NaptManager first) throws MalformedPacketException {
    first.outbound(GLOBEX, udp(FIVE, 7000, SERVER, 53, "x"), 0);
    ByteBuffer query = udp(FIVE, 5353, SERVER, 53, "x");
    first.outbound(ACME, query, 0);
    return parseUdp(query).sourcePort();
  }

  /** The manager that took over carries acme's flow on {@code port}, and keeps it from others. */
  static void carriesOnWithItsPort(NaptManager second, int port, long now)
      throws MalformedPacketException {
    assertThat(second.insideOf(IpProtocol.UDP, port, now))
        .contains(new NaptInside(ACME, FIVE, 5353));
    ByteBuffer reply = udp(SERVER, 53, PUBLIC, port, "answer");
    assertThat(second.inbound(reply, now)).contains(ACME);
    assertThat(Ipv4Address.of(parseUdp(reply).ip().destination())).isEqualTo(FIVE);
    ByteBuffer next = udp(FIVE, 5353, SERVER, 53, "again");
    assertThat(second.outbound(ACME, next, now + SECOND)).isEqualTo(Outbound.TRANSLATED);
    assertThat(parseUdp(next).sourcePort()).isEqualTo(port);
    // A new flow does not get a port that is taken over.
    ByteBuffer other = udp(Ipv4Address.parse("10.1.0.6"), 5353, SERVER, 53, "new");
    second.outbound(ACME, other, now + SECOND);
    assertThat(parseUdp(other).sourcePort()).isNotIn(40000, 40001);
  }

  @Test
  void aSecondManagerOverTheSameStoreKeepsAnExistingMappingsPublicPort() throws Exception {
    int port = twoFlowsOut(manager());
    assertThat(port).isEqualTo(40001);
    assertThat(store.mappings(PUBLIC))
        .contains(
            new NaptMapping(IpProtocol.UDP, PUBLIC, 40001, new NaptInside(ACME, FIVE, 5353), 0));

    // The NAPT bundle is updated: a new instance, its own clock reading, the same store.
    carriesOnWithItsPort(manager(), port, 500 * SECOND);
  }

  @Test
  void aManagerAfterARestartKeepsAFlowsPublicPortFromTheStateFile(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("state.mv.db");
    Clock wall = Clock.fixed(Instant.parse("2026-12-05T09:00:00Z"), ZoneOffset.UTC);
    int port;
    try (StoreBackend before = StoreBackend.persistent(file, wall)) {
      port = twoFlowsOut(manager(before.naptMappings()));
    }
    assertThat(port).isEqualTo(40001);

    // The appliance restarts: a new process, the file opened again, a new NAPT instance.
    try (StoreBackend after = StoreBackend.persistent(file, wall)) {
      carriesOnWithItsPort(manager(after.naptMappings()), port, 7 * SECOND);
    }
  }

  @Test
  void aTakenOverMappingStartsAFreshIdlePeriodAndThenExpires() {
    manager().outbound(ACME, udp(FIVE, 5353, SERVER, 53, "x"), 0);
    NaptManager second = manager();
    assertThat(second.mappings(1000 * SECOND)).singleElement().matches(m -> m.idleNanos() == 0);
    assertThat(second.mappings(1061 * SECOND)).isEmpty();
    // Expiry and reclaiming a port write through too.
    second.outbound(GLOBEX, udp(FIVE, 1, SERVER, 53, "x"), 1061 * SECOND);
    assertThat(second.insideOf(IpProtocol.UDP, 40000, 1061 * SECOND)).isEmpty();
  }

  @Test
  void tcpStateIsWrittenThroughSoAnEstablishedConnectionStaysEstablished() {
    NaptManager first = manager();
    first.outbound(ACME, tcp(FIVE, 43512, SERVER, 80, TcpSegment.SYN), 0);
    ByteBuffer synAck = tcp(SERVER, 80, PUBLIC, 40000, TcpSegment.SYN | TcpSegment.ACK);
    assertThat(first.inbound(synAck, SECOND)).contains(ACME);
    assertThat(first.mappings(SECOND))
        .singleElement()
        .matches(m -> m.state().equals("established"));

    NaptManager second = manager();
    assertThat(second.mappings(2 * SECOND))
        .singleElement()
        .matches(m -> m.state().equals("established") && m.publicPort() == 40000);
    // An established connection's mapping outlives the transitory timeout.
    assertThat(second.mappings(2 * SECOND + Duration.ofMinutes(10).toNanos())).hasSize(1);
  }

  @Test
  void badAndUnsolicitedInputIsDroppedAndCountedNotThrown() {
    NaptManager napt = manager();
    ByteBuffer garbage = ByteBuffer.wrap(new byte[] {0x45, 0, 0, 10});
    assertThat(napt.outbound(ACME, garbage, 0)).isEqualTo(Outbound.DROPPED);
    assertThat(napt.inbound(ByteBuffer.wrap(new byte[3]), 0)).isEqualTo(Optional.empty());
    assertThat(napt.inbound(udp(SERVER, 53, PUBLIC, 40005, "nobody asked"), 0)).isEmpty();
    assertThat(napt.outbound(ACME, tcp(FIVE, 1, SERVER, 80, TcpSegment.ACK), 0))
        .isEqualTo(Outbound.DROPPED);
    assertThat(napt.dropped()).isEqualTo(4);
    assertThat(napt.malformed()).isEqualTo(2);
    assertThat(store.size()).isZero();
  }

  @Test
  void aFullPoolRefusesANewFlowAndTouchesNothing() {
    NaptManager napt =
        new NaptManager(store, PUBLIC, 40000, 40000, NaptTimeouts.udp(Duration.ofSeconds(60)));
    napt.outbound(ACME, udp(FIVE, 1, SERVER, 53, "x"), 0);
    ByteBuffer refused = udp(FIVE, 2, SERVER, 53, "x");
    ByteBuffer before = ByteBuffer.allocate(refused.remaining()).put(refused.duplicate()).flip();
    assertThat(napt.outbound(ACME, refused, SECOND)).isEqualTo(Outbound.REFUSED);
    assertThat(refused).isEqualTo(before);
    assertThat(napt.exhausted()).isEqualTo(1);
  }
}
