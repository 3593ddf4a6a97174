package io.mvpn.packet.ipv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Ipv4FragmenterTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** Record Route (7, not copied), a NOP, Router Alert (148, copied): 12 bytes of options. */
  private static final byte[] OPTIONS = {7, 7, 4, 0, 0, 0, 0, 1, (byte) 148, 4, 0, 0};

  private final List<ByteBuf> held = new ArrayList<>();

  @AfterEach
  void release() {
    held.forEach(ByteBuf::release);
  }

  private Ipv4Packet datagram(int payloadLength, boolean dontFragment, byte[] options)
      throws Exception {
    byte[] payload = new byte[payloadLength];
    new Random(791).nextBytes(payload);
    Ipv4Builder b =
        Ipv4Builder.create()
            .source(Ipv4Address.parse("198.51.100.7"))
            .destination(Ipv4Address.parse("203.0.113.9"))
            .protocol(IpProtocol.UDP)
            .tos(0x28)
            .identification(0xBEEF)
            .dontFragment(dontFragment);
    if (options != null) {
      b.options(Unpooled.wrappedBuffer(options));
    }
    return Ipv4Packet.parse(keep(b.build(ALLOC, Unpooled.wrappedBuffer(payload))));
  }

  private ByteBuf keep(ByteBuf buf) {
    held.add(buf);
    return buf;
  }

  private List<Ipv4Packet> cut(Ipv4Packet datagram, int mtu) throws Exception {
    List<Ipv4Packet> parsed = new ArrayList<>();
    for (ByteBuf f : Ipv4Fragmenter.fragment(ALLOC, datagram, mtu)) {
      parsed.add(Ipv4Packet.parse(keep(f)));
    }
    return parsed;
  }

  @Test
  void aDatagramIsCutAtEightByteBoundariesWithMoreFragmentsOnAllButTheLast() throws Exception {
    Ipv4Packet whole = datagram(3000 - 20, false, null);
    List<Ipv4Packet> fragments = cut(whole, 1400);

    assertThat(fragments).hasSize(3);
    // 1400 - 20 = 1380 data bytes fit; 1376 is the largest multiple of 8.
    assertThat(fragments).extracting(Ipv4Packet::totalLength).containsExactly(1396, 1396, 248);
    assertThat(fragments).extracting(Ipv4Packet::fragmentOffset).containsExactly(0, 1376, 2752);
    assertThat(fragments).extracting(Ipv4Packet::moreFragments).containsExactly(true, true, false);
    for (Ipv4Packet f : fragments) {
      assertThat(f.identification()).isEqualTo(0xBEEF);
      assertThat(f.dontFragment()).isFalse();
      assertThat(f.tos()).isEqualTo(0x28);
      assertThat(f.ttl()).isEqualTo(whole.ttl());
      assertThat(f.protocol()).isEqualTo(IpProtocol.UDP);
      assertThat(f.source()).isEqualTo(whole.source());
      assertThat(f.destination()).isEqualTo(whole.destination());
      assertThat(InternetChecksum.verify(f.buffer(), f.offset(), f.headerLength())).isTrue();
      assertThat(ByteBufUtil.getBytes(f.payload()))
          .isEqualTo(
              ByteBufUtil.getBytes(
                  whole.buffer(), whole.payloadOffset() + f.fragmentOffset(), f.payloadLength()));
    }
  }

  @Test
  void theReassemblerGivesTheOriginalBackFromTheFragments() throws Exception {
    Ipv4Packet whole = datagram(5000, false, OPTIONS);
    Ipv4Reassembler reassembler = new Ipv4Reassembler(4, 1 << 16, 1_000_000_000L);
    ByteBuf result = null;
    List<Ipv4Packet> fragments = cut(whole, 576);
    for (int i = fragments.size() - 1; i >= 0; i--) {
      Ipv4Packet f = fragments.get(i);
      ByteBuf out = reassembler.offer(Ipv4Packet.parse(f.datagram().retainedSlice()), 0);
      if (out != null) {
        result = keep(out);
      }
    }
    assertThat(result).isNotNull();
    assertThat(ByteBufUtil.getBytes(result)).isEqualTo(ByteBufUtil.getBytes(whole.datagram()));
  }

  @Test
  void onlyOptionsWithTheCopiedFlagGoIntoLaterFragments() throws Exception {
    Ipv4Packet whole = datagram(1000, false, OPTIONS);
    List<Ipv4Packet> fragments = cut(whole, 500);

    assertThat(fragments.get(0).headerLength()).isEqualTo(32);
    assertThat(ByteBufUtil.getBytes(fragments.get(0).options())).isEqualTo(OPTIONS);
    for (Ipv4Packet later : fragments.subList(1, fragments.size())) {
      assertThat(later.headerLength()).isEqualTo(24);
      assertThat(ByteBufUtil.getBytes(later.options()))
          .containsExactly((byte) 148, (byte) 4, (byte) 0, (byte) 0);
    }
    // The first carries 468 - 468 % 8 = 464 bytes, later ones 476 - 476 % 8 = 472.
    assertThat(fragments).extracting(Ipv4Packet::fragmentOffset).containsExactly(0, 464, 936);
    assertThat(fragments).allSatisfy(f -> assertThat(f.totalLength()).isLessThanOrEqualTo(500));
  }

  @Test
  void aFragmentCutAgainKeepsItsOffsetAndTheLastPieceKeepsItsMoreFragmentsBit() throws Exception {
    Ipv4Packet whole = datagram(4000, false, null);
    List<Ipv4Packet> firstCut = cut(whole, 1500);
    Ipv4Packet middle = firstCut.get(1); // offset 1480, MF set

    List<Ipv4Packet> again = cut(middle, 600);
    assertThat(again).extracting(Ipv4Packet::fragmentOffset).containsExactly(1480, 2056, 2632);
    assertThat(again).extracting(Ipv4Packet::moreFragments).containsExactly(true, true, true);

    Ipv4Packet last = firstCut.get(2); // offset 2960, MF clear
    List<Ipv4Packet> lastAgain = cut(last, 600);
    assertThat(lastAgain).extracting(Ipv4Packet::moreFragments).containsExactly(true, false);
    assertThat(lastAgain.get(0).fragmentOffset()).isEqualTo(2960);
  }

  @Test
  void aDatagramWithDontFragmentIsNotCut() throws Exception {
    Ipv4Packet whole = datagram(2000, true, null);
    assertThat(Ipv4Fragmenter.canFragment(whole, 1400)).isFalse();
    assertThatThrownBy(() -> Ipv4Fragmenter.fragment(ALLOC, whole, 1400))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
