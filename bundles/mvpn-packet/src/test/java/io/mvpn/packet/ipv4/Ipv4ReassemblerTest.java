package io.mvpn.packet.ipv4;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.packet.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv4ReassemblerTest {

  private static final long SECOND = 1_000_000_000L;

  private final List<ByteBuf> held = new ArrayList<>();

  /** A fragment as a fresh buffer, so the test can check it is released (refCnt 1 → caller). */
  private Ipv4Packet part(int i) throws Exception {
    ByteBuf buf = Unpooled.copiedBuffer(Fixtures.bytes("fragmented-part" + i));
    held.add(buf);
    return Ipv4Packet.parse(buf);
  }

  @Test
  void inOrderReverseAndDuplicatesAllGiveTheWhole() throws Exception {
    byte[] whole = Fixtures.bytes("fragmented-whole");
    for (int[] order : new int[][] {{0, 1, 2}, {2, 1, 0}, {0, 0, 2, 2, 1}}) {
      Ipv4Reassembler r = new Ipv4Reassembler(4, 1 << 16, 30 * SECOND);
      ByteBuf result = null;
      for (int i : order) {
        ByteBuf out = r.offer(part(i), 0);
        if (out != null) {
          assertThat(result).isNull();
          result = out;
        }
      }
      assertThat(result).isNotNull();
      assertThat(ByteBufUtil.getBytes(result)).isEqualTo(whole);
      result.release();
      assertThat(r.reassembled()).isEqualTo(1);
      assertThat(r.bytesHeld()).isZero();
    }
    assertNothingRetained();
  }

  @Test
  void overlappingFragmentDropsTheDatagram() throws Exception {
    Ipv4Reassembler r = new Ipv4Reassembler(4, 1 << 16, 30 * SECOND);
    assertThat(r.offer(part(0), 0)).isNull();
    // Part 1 moved 8 bytes back: it now overlaps part 0.
    Ipv4Packet shifted = part(1);
    ByteBuf b = shifted.buffer();
    b.setShort(6, b.getUnsignedShort(6) - 1);
    b.setShort(10, 0);
    b.setShort(10, io.mvpn.packet.InternetChecksum.compute(b, 0, 20));
    assertThat(r.offer(Ipv4Packet.parse(b), 1)).isNull();
    assertThat(r.overlapping()).isEqualTo(1);
    assertThat(r.inProgress()).isZero();
    assertNothingRetained();
  }

  @Test
  void incompleteDatagramTimesOut() throws Exception {
    Ipv4Reassembler r = new Ipv4Reassembler(4, 1 << 16, 30 * SECOND);
    assertThat(r.offer(part(0), 0)).isNull();
    r.expire(29 * SECOND);
    assertThat(r.inProgress()).isEqualTo(1);
    r.expire(30 * SECOND);
    assertThat(r.inProgress()).isZero();
    assertThat(r.timedOut()).isEqualTo(1);
    // The rest arriving late start a new datagram that cannot complete either.
    assertThat(r.offer(part(1), 31 * SECOND)).isNull();
    assertThat(r.offer(part(2), 31 * SECOND)).isNull();
    r.expire(100 * SECOND);
    assertNothingRetained();
  }

  @Test
  void limitsOnDatagramsAndBytes() throws Exception {
    Ipv4Reassembler fewDatagrams = new Ipv4Reassembler(1, 1 << 16, 30 * SECOND);
    assertThat(fewDatagrams.offer(part(0), 0)).isNull();
    Ipv4Packet other = part(1);
    other.buffer().setShort(4, 778); // another identification: another datagram
    other.buffer().setShort(10, 0);
    other.buffer().setShort(10, io.mvpn.packet.InternetChecksum.compute(other.buffer(), 0, 20));
    assertThat(fewDatagrams.offer(Ipv4Packet.parse(other.buffer()), 0)).isNull();
    assertThat(fewDatagrams.overLimit()).isEqualTo(1);
    fewDatagrams.expire(60 * SECOND);

    Ipv4Reassembler fewBytes = new Ipv4Reassembler(4, 500, 30 * SECOND);
    assertThat(fewBytes.offer(part(0), 0)).isNull();
    assertThat(fewBytes.offer(part(1), 0)).isNull();
    assertThat(fewBytes.overLimit()).isEqualTo(1);
    assertThat(fewBytes.bytesHeld()).isZero();
    assertNothingRetained();
  }

  @Test
  void whenFullAndEvictingTheOldestDatagramGivesWayToANewOne() throws Exception {
    Ipv4Reassembler r =
        new Ipv4Reassembler(1, 1 << 16, 30 * SECOND, Ipv4Reassembler.WhenFull.EVICT_OLDEST);
    Ipv4Packet stale = part(1);
    stale.buffer().setShort(4, 778); // another identification: another datagram, never completed
    stale.buffer().setShort(10, 0);
    stale.buffer().setShort(10, io.mvpn.packet.InternetChecksum.compute(stale.buffer(), 0, 20));
    assertThat(r.offer(Ipv4Packet.parse(stale.buffer()), 0)).isNull();

    ByteBuf whole = null;
    for (int i = 0; i < 3; i++) {
      ByteBuf out = r.offer(part(i), SECOND);
      whole = out != null ? out : whole;
    }

    assertThat(whole).isNotNull();
    assertThat(ByteBufUtil.getBytes(whole)).isEqualTo(Fixtures.bytes("fragmented-whole"));
    whole.release();
    assertThat(r.overLimit()).isEqualTo(1);
    assertNothingRetained();
  }

  private void assertNothingRetained() {
    for (ByteBuf b : held) {
      assertThat(b.refCnt()).as("fragment buffer released by the reassembler").isEqualTo(1);
    }
  }
}
