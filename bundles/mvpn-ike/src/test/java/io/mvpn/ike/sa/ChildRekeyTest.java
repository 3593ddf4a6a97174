package io.mvpn.ike.sa;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.ike.message.Transform;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** RFC 7296 §1.3.3, §2.8: a Child SA re-keyed by CREATE_CHILD_SA, with and without PFS. */
class ChildRekeyTest {

  static void assertPairWorks(EspSecurityAssociation out, EspSecurityAssociation in)
      throws Exception {
    ByteBuf inner =
        UdpDatagram.build(
            UnpooledByteBufAllocator.DEFAULT,
            0x0a010005,
            0x0a020001,
            5000,
            7,
            Unpooled.wrappedBuffer(new byte[] {1, 2, 3}),
            64);
    ByteBuf outer = out.encapsulate(UnpooledByteBufAllocator.DEFAULT, Ipv4Packet.parse(inner), 64);
    ByteBuf back = in.decapsulate(UnpooledByteBufAllocator.DEFAULT, Ipv4Packet.parse(outer));
    assertThat(io.netty.buffer.ByteBufUtil.equals(back, inner.resetReaderIndex())).isTrue();
    inner.release();
    outer.release();
    back.release();
  }

  void rekey(int pfsGroup) throws Exception {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    IkeSa gw = pair.peerOf(mn);
    ChildSa oldMn = mn.childSas().get(0);
    ChildSa oldGw = gw.childSas().get(0);
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(mn, oldMn, pfsGroup));
    pair.run(100);
    // CREATE_CHILD_SA, then the delete of the old pair.
    assertThat(pair.flow()).endsWith("36", "36R", "37", "37R");
    assertThat(mn.childSas()).hasSize(1).doesNotContain(oldMn);
    assertThat(gw.childSas()).hasSize(1).doesNotContain(oldGw);
    ChildSa newMn = mn.childSas().get(0);
    ChildSa newGw = gw.childSas().get(0);
    assertThat(newMn.inbound().spi()).isNotEqualTo(oldMn.inbound().spi());
    assertThat(newMn.localSelectors()).isEqualTo(oldMn.localSelectors());
    // New keys at both ends that fit together, both ways; the SAD follows.
    assertPairWorks(newMn.outbound(), newGw.inbound());
    assertPairWorks(newGw.outbound(), newMn.inbound());
    assertThat(pair.gwSad.all()).containsExactly(newGw.inbound());
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }

  @Test
  void withoutPfs() throws Exception {
    rekey(0);
  }

  @Test
  void withPfsInGroup19() throws Exception {
    rekey(Transform.ECP_256);
  }

  @Test
  void withPfsInGroup31() throws Exception {
    rekey(Transform.CURVE25519);
  }

  /** A re-key the responder refuses (CHILD_SA_NOT_FOUND) leaves the IKE SA and its Child SA. */
  @Test
  void aRefusedRekeyChangesNothing() {
    IkePair pair = new IkePair();
    IkeSa mn = pair.start();
    pair.run(100);
    ChildSa first = mn.childSas().get(0);
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(mn, first, 0));
    pair.run(100);
    ChildSa current = mn.childSas().get(0);
    // The first pair is gone at the gateway: re-keying it again is refused.
    pair.scheduler.execute(() -> pair.initiator.rekeyChildSa(mn, first, 0));
    pair.run(100);
    assertThat(pair.flow()).endsWith("36", "36R");
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
    assertThat(mn.childSas()).containsExactly(current);
    assertThat(pair.peerOf(mn).childSas()).hasSize(1);
    // And the SA still works.
    pair.scheduler.execute(() -> pair.initiator.checkLiveness(mn));
    pair.run(100);
    assertThat(pair.flow()).endsWith("37", "37R");
    assertThat(mn.state()).isEqualTo(IkeSaState.ESTABLISHED);
  }
}
