package io.mvpn.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.capture.Tshark;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A router between a 1500-byte LAN and a 576-byte link: what it forwards or originates that is too
 * big is fragmented unless DF forbids it (RFC 791 §3.2, RFC 1812 §5.2.6, RFC 1191).
 */
class VrfFragmentationTest {

  private static final int NARROW = 576;

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final MemorySegment lan = new MemorySegment("lan", LinkProperties.IDEAL, 1);
  private final MemorySegment narrow =
      new MemorySegment("narrow", LinkProperties.IDEAL.withMtu(NARROW), 2);
  private final Vrf host = new Vrf("host", time, ByteBufAllocator.DEFAULT);
  private final Vrf router = new Vrf("router", time, ByteBufAllocator.DEFAULT);
  private final Vrf far = new Vrf("far", time, ByteBufAllocator.DEFAULT);
  private final Interface narrowSide;
  private final List<byte[]> farGot = new ArrayList<>();
  private final List<String> icmpSeen = UnreachableLog.of(host);

  @TempDir Path tmp;

  VrfFragmentationTest() {
    host.addInterface("h0", Ipv4Address.parse("10.1.0.2"), 24, lan.newPort());
    router.addInterface("r0", Ipv4Address.parse("10.1.0.1"), 24, lan.newPort());
    narrowSide = router.addInterface("r1", Ipv4Address.parse("10.2.0.1"), 24, narrow.newPort());
    far.addInterface("f0", Ipv4Address.parse("10.2.0.9"), 24, narrow.newPort());
    host.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.1.0.1"), Route.Origin.STATIC);
    far.addRoute(Prefix.DEFAULT_ROUTE, Ipv4Address.parse("10.2.0.1"), Route.Origin.STATIC);
    far.bindUdp(9, (vrf, in, udp) -> farGot.add(ByteBufUtil.getBytes(udp.payload())));
  }

  @Test
  void aForwardedDatagramWithDfClearIsFragmentedAndReassembledWholeAtTheFarEnd() throws Exception {
    byte[] payload = random(1400);
    host.send(udp("10.1.0.2", "10.2.0.9", false, payload, 0x1234));
    time.runUntilIdle();

    assertThat(farGot).hasSize(1);
    assertThat(farGot.get(0)).isEqualTo(payload);
    // 20 + 8 + 1400 = 1428 bytes: 552 data bytes per fragment fit 576, then 324.
    assertThat(router.counters().fragmented()).isEqualTo(1);
    assertThat(router.counters().fragmentsCreated()).isEqualTo(3);
    assertThat(narrowSide.counters().fragmentsCreated()).isEqualTo(3);
    assertThat(router.counters().dropped(DropReason.MTU_EXCEEDED)).isZero();
    assertThat(icmpSeen).isEmpty();
  }

  @Test
  void theFragmentsOnTheLinkCarryOffsetsFlagsLengthsAndChecksumsOfTheirOwn() throws Exception {
    List<Ipv4Packet> seen = new ArrayList<>();
    router.removeInterface("r1");
    Transport recorder = new RecordingTransport(NARROW, seen);
    router.addInterface("r1", Ipv4Address.parse("10.2.0.1"), 24, recorder);
    host.send(udp("10.1.0.2", "10.2.0.9", false, random(1400), 0x1234));
    time.runUntilIdle();

    assertThat(seen).extracting(Ipv4Packet::totalLength).containsExactly(572, 572, 324);
    assertThat(seen).extracting(Ipv4Packet::fragmentOffset).containsExactly(0, 552, 1104);
    assertThat(seen).extracting(Ipv4Packet::moreFragments).containsExactly(true, true, false);
    for (Ipv4Packet f : seen) {
      assertThat(f.identification()).isEqualTo(0x1234);
      assertThat(f.ttl()).as("forwarded: TTL decremented once").isEqualTo(63);
      assertThat(InternetChecksum.verify(f.buffer(), f.offset(), f.headerLength())).isTrue();
    }
  }

  @Test
  void aForwardedDatagramWithDfSetIsRefusedWithTheNextHopMtu() {
    host.send(udp("10.1.0.2", "10.2.0.9", true, random(1400), 7));
    time.runUntilIdle();

    assertThat(farGot).isEmpty();
    assertThat(router.counters().fragmented()).isZero();
    assertThat(router.counters().dropped(DropReason.MTU_EXCEEDED)).isEqualTo(1);
    assertThat(icmpSeen).containsExactly("3/4 mtu 576 from 10.1.0.1");
  }

  @Test
  void aDatagramTheVrfOriginatesIsFragmentedWhenDfIsClearAndCountedWhenSet() {
    byte[] payload = random(2000);
    router.sendUdp(null, Ipv4Address.parse("10.2.0.9"), 4000, 9, Unpooled.wrappedBuffer(payload));
    router.send(udp("10.2.0.1", "10.2.0.9", true, random(2000), 8));
    time.runUntilIdle();

    assertThat(farGot).hasSize(1);
    assertThat(farGot.get(0)).isEqualTo(payload);
    assertThat(router.counters().fragmented()).isEqualTo(1);
    assertThat(router.counters().fragmentsCreated()).isEqualTo(4);
    assertThat(router.counters().dropped(DropReason.MTU_EXCEEDED)).isEqualTo(1);
  }

  @Test
  void tsharkReadsACaptureOfTheFragmentsAndReassemblesTheDatagram() throws Exception {
    Path file = tmp.resolve("narrow.pcapng");
    narrowSide.startCapture(file, 0);
    host.send(udp("10.1.0.2", "10.2.0.9", false, random(1400), 0x4242));
    time.runUntilIdle();
    narrowSide.stopCapture();

    String out =
        Tshark.fields(
            file,
            List.of("ip.defragment:TRUE", "ip.check_checksum:TRUE"),
            "ip.frag_offset",
            "ip.flags.mf",
            "ip.checksum.status",
            "udp.length",
            "_ws.malformed");
    // Offsets in 8-byte units, MF, header checksum good (1), UDP only once reassembled, and no
    // "Malformed" anywhere.
    assertThat(out.lines().toList()).containsExactly("0|1|1||", "69|1|1||", "138|0|1|1408|");
  }

  @Test
  void aTransportThatThrowsOnAFragmentLeavesNoOtherFragmentHeld() {
    RecordingAllocator fragments = new RecordingAllocator();
    Vrf origin = new Vrf("origin", time, fragments);
    int[] taken = {0};
    Transport failing =
        new Transport() {
          @Override
          public void attach(Interface owner) {}

          @Override
          public void send(ByteBuf datagram, int nextHop) {
            datagram.release();
            if (++taken[0] == 1) {
              throw new IllegalStateException("a transport's bug");
            }
          }

          @Override
          public int mtu() {
            return NARROW;
          }

          @Override
          public String describe() {
            return "failing";
          }

          @Override
          public void close() {}
        };
    origin.addInterface("o0", Ipv4Address.parse("10.2.0.1"), 24, failing);

    assertThatThrownBy(() -> origin.send(udp("10.2.0.1", "10.2.0.9", false, random(1400), 5)))
        .isInstanceOf(IllegalStateException.class);

    assertThat(taken[0]).isEqualTo(1);
    assertThat(fragments.allocated()).isEqualTo(3);
    assertThat(fragments.held()).as("fragments 2 and 3 released").isZero();
  }

  private static byte[] random(int length) {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    return b;
  }

  private static ByteBuf udp(String src, String dst, boolean df, byte[] payload, int id) {
    Ipv4Builder header = Ipv4Builder.create().dontFragment(df).identification(id);
    return io.mvpn.packet.udp.UdpDatagram.build(
        ByteBufAllocator.DEFAULT,
        header,
        Ipv4Address.parse(src).toInt(),
        Ipv4Address.parse(dst).toInt(),
        4000,
        9,
        Unpooled.wrappedBuffer(payload));
  }

  /** A link that keeps what it is given, parsed. */
  private record RecordingTransport(int mtu, List<Ipv4Packet> seen) implements Transport {
    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      try {
        seen.add(Ipv4Packet.parse(datagram));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public String describe() {
      return "recorder";
    }

    @Override
    public void close() {}
  }
}
