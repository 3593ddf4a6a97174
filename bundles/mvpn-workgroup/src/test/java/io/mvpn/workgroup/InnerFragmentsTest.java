package io.mvpn.workgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.packet.InternetChecksum;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reassembly of ESP packets a peer gateway carries in pieces, shared by its parties. */
class InnerFragmentsTest {

  private static final int PEER = Ipv4Address.parse("203.0.113.20").toInt();
  private static final int US = Ipv4Address.parse("198.51.100.10").toInt();
  private static final int MALLORY = Ipv4Address.parse("10.1.0.66").toInt();
  private static final int CAROL = Ipv4Address.parse("10.1.0.9").toInt();

  private final List<WorkgroupCounter> counted = new ArrayList<>();
  private final InnerFragments fragments = new InnerFragments(counted::add);

  @Test
  void aPartyFillingItsGatewaysReassemblyDoesNotBlockAnotherPartysLargeDatagram() throws Exception {
    for (int id = 1; id <= InnerFragments.DATAGRAMS_PER_PEER; id++) {
      assertThat(fragments.offer(PEER, piece(MALLORY, id, 0, true), 0)).isNull();
    }

    assertThat(fragments.offer(PEER, piece(CAROL, 7, 0, true), 1_000)).isNull();
    ByteBuf whole = fragments.offer(PEER, piece(CAROL, 7, 1, false), 2_000);

    assertThat(whole).as("carol's ESP packet, whole").isNotNull();
    assertThat(Ipv4Packet.parse(whole).payloadLength()).isEqualTo(16);
    whole.release();
    assertThat(counted).containsExactly(WorkgroupCounter.REASSEMBLY_OVER_LIMIT);
  }

  @Test
  void piecesNeverCompletedAreCountedAsTimedOut() throws Exception {
    fragments.offer(PEER, piece(CAROL, 7, 0, true), 0);
    fragments.offer(PEER, piece(CAROL, 8, 0, true), InnerFragments.TIMEOUT_NANOS + 1);

    assertThat(counted).containsExactly(WorkgroupCounter.REASSEMBLY_TIMEOUT);
  }

  /** An ESP fragment of 8 octets from {@code source} to us, at {@code offset} 8-octet units. */
  private static Ipv4Packet piece(int source, int id, int offset, boolean more) throws Exception {
    ByteBuf b = Unpooled.buffer(28);
    b.writeByte(0x45).writeByte(0).writeShort(28).writeShort(id);
    b.writeShort((more ? 0x2000 : 0) | offset);
    b.writeByte(64).writeByte(50).writeShort(0).writeInt(source).writeInt(US);
    b.writeLong(0x0102030405060708L + offset);
    b.setShort(10, InternetChecksum.compute(b, 0, 20));
    return Ipv4Packet.parse(b);
  }
}
