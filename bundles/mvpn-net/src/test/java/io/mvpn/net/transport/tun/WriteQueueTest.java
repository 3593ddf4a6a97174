package io.mvpn.net.transport.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteQueueTest {

  /** An IPv4 header (20 bytes) and the first 4 bytes of its payload, {@code at} bytes in. */
  private static ByteBuf packet(
      int at, int src, int dst, int protocol, int sport, int dport, int flags) {
    ByteBuf b = Unpooled.buffer();
    b.writeZero(at);
    b.writeByte(0x45).writeByte(0).writeShort(24).writeShort(1).writeShort(flags);
    b.writeByte(64).writeByte(protocol).writeShort(0).writeInt(src).writeInt(dst);
    b.writeShort(sport).writeShort(dport);
    return b;
  }

  @Test
  void bothDirectionsOfAFlowGoThroughTheSameQueue() {
    for (int i = 0; i < 200; i++) {
      int a = 0x0A010000 + i;
      int b = 0xC6336400 + 7 * i; // 198.51.100.x
      int there = WriteQueue.of(packet(0, a, b, 17, 4500 + i, 4500, 0), 0, 4);
      int back = WriteQueue.of(packet(0, b, a, 17, 4500, 4500 + i, 0), 0, 4);
      assertThat(back).isEqualTo(there);
    }
  }

  @Test
  void flowsSpreadOverTheQueues() {
    Map<Integer, Integer> perQueue = new HashMap<>();
    for (int port = 5000; port < 5400; port++) { // iperf3 -P style: one pair of hosts, many ports
      perQueue.merge(
          WriteQueue.of(packet(0, 0x0A010001, 0x0A020010, 6, port, 5201, 0), 0, 4),
          1,
          Integer::sum);
    }
    assertThat(perQueue).containsOnlyKeys(0, 1, 2, 3);
    assertThat(perQueue.values()).allMatch(n -> n > 50 && n < 150);
  }

  @Test
  void everyFragmentOfADatagramGoesWhereItsFirstDoes() {
    int first = WriteQueue.of(packet(0, 0x0A010001, 0x0A020010, 17, 1234, 53, 0x2000), 0, 4);
    for (int offset = 1; offset < 50; offset++) {
      // A later fragment carries payload bytes where the ports would be: they must not count.
      ByteBuf later = packet(0, 0x0A010001, 0x0A020010, 17, offset * 31, offset * 17, offset);
      assertThat(WriteQueue.of(later, 0, 4)).isEqualTo(first);
    }
  }

  @Test
  void aFrameIsReadBehindItsVirtioHeaderAndOneQueueIsAlwaysTheFirst() {
    ByteBuf bare = packet(0, 0x0A010001, 0x0A020010, 6, 40000, 80, 0);
    ByteBuf frame = packet(VirtioNetHeader.SIZE, 0x0A010001, 0x0A020010, 6, 40000, 80, 0);
    assertThat(WriteQueue.of(frame, VirtioNetHeader.SIZE, 4)).isEqualTo(WriteQueue.of(bare, 0, 4));
    assertThat(WriteQueue.of(bare, 0, 1)).isZero();
    assertThat(WriteQueue.of(Unpooled.wrappedBuffer(new byte[12]), 0, 4)).isZero();
  }
}
