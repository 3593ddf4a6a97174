package io.mvpn.ipsec.esp;

import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.ALLOC;
import static io.mvpn.ipsec.esp.EspSecurityAssociationTest.innerDatagram;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.ipv4.Ipv4Fragmenter;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.ipv4.Ipv4Reassembler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outer header has DF clear, so a link may fragment ESP packets: each must carry its own
 * identification (RFC 6864 §4.1) or fragments of two packets are reassembled into one.
 */
class EspOuterIdentificationTest {

  @Test
  void consecutiveEspPacketsCarryDifferentIdentifications() throws Exception {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(false);
    EspSecurityAssociation sameAddresses = EspSecurityAssociationTest.outbound(true);
    Ipv4Packet inner = Ipv4Packet.parse(innerDatagram(64));

    int first = Ipv4Packet.parse(sa.encapsulate(ALLOC, inner, 64)).identification();
    int second = Ipv4Packet.parse(sa.encapsulateInUdp(ALLOC, inner, 64)).identification();
    int third = Ipv4Packet.parse(sameAddresses.encapsulate(ALLOC, inner, 64)).identification();

    assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
  }

  @Test
  void fragmentsOfTwoEspPacketsInterleavedReassembleToEachPacket() throws Exception {
    EspSecurityAssociation sa = EspSecurityAssociationTest.outbound(false);
    ByteBuf one = sa.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(1200)), 64);
    ByteBuf two = sa.encapsulate(ALLOC, Ipv4Packet.parse(innerDatagram(1300)), 64);
    List<ByteBuf> ofOne = Ipv4Fragmenter.fragment(ALLOC, Ipv4Packet.parse(one), 576);
    List<ByteBuf> ofTwo = Ipv4Fragmenter.fragment(ALLOC, Ipv4Packet.parse(two), 576);
    assertThat(ofOne).hasSizeGreaterThan(1);

    Ipv4Reassembler reassembler = new Ipv4Reassembler(16, 1 << 16, 30_000_000_000L);
    List<ByteBuf> whole = new ArrayList<>();
    for (int i = 0; i < Math.max(ofOne.size(), ofTwo.size()); i++) {
      for (List<ByteBuf> fragments : List.of(ofOne, ofTwo)) {
        if (i < fragments.size()) {
          ByteBuf done = reassembler.offer(Ipv4Packet.parse(fragments.get(i)), 0);
          if (done != null) {
            whole.add(done);
          }
        }
      }
    }

    assertThat(whole).hasSize(2);
    assertThat(whole.stream().map(ByteBufUtil::hexDump))
        .containsExactlyInAnyOrder(ByteBufUtil.hexDump(one), ByteBufUtil.hexDump(two));
    assertThat(reassembler.overlapping()).isZero();
  }
}
