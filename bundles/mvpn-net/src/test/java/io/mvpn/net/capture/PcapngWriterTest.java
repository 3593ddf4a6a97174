package io.mvpn.net.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngWriterTest {

  @TempDir Path tmp;

  /** 10.1.0.1:1000 -> 10.1.0.2:2000, payload "abc", correct checksums (computed by hand). */
  private static ByteBuf udpDatagram() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(new byte[] {0x45, 0, 0, 31, 0, 1, 0, 0, 64, 17, 0, 0, 10, 1, 0, 1, 10, 1, 0, 2});
    b.writeShort(1000).writeShort(2000).writeShort(11).writeShort(0);
    b.writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
    b.setShort(10, ~fold(sum(b, 0, 20, 0)) & 0xFFFF);
    int pseudo = 0x0A01 + 0x0001 + 0x0A01 + 0x0002 + 17 + 11;
    int udp = ~fold(sum(b, 20, 11, pseudo)) & 0xFFFF;
    b.setShort(26, udp);
    return b;
  }

  private static long sum(ByteBuf b, int from, int length, long initial) {
    long s = initial;
    for (int i = 0; i < length; i += 2) {
      int hi = b.getUnsignedByte(from + i) << 8;
      int lo = i + 1 < length ? b.getUnsignedByte(from + i + 1) : 0;
      s += hi | lo;
    }
    return s;
  }

  private static int fold(long s) {
    while ((s >>> 16) != 0) {
      s = (s & 0xFFFF) + (s >>> 16);
    }
    return (int) s;
  }

  @Test
  void blocksAreWellFormedAndPacketsUntouched() throws Exception {
    Path file = tmp.resolve("x.pcapng");
    ByteBuf packet = udpDatagram();
    try (PcapngWriter w = PcapngWriter.open(file, "acme-lan")) {
      w.write(1_000_000_123L, packet);
      w.write(2_000_000_456L, packet);
      assertThat(w.packets()).isEqualTo(2);
    }
    assertThat(packet.readerIndex()).isZero();
    assertThat(packet.refCnt()).isEqualTo(1);

    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Integer> types = new ArrayList<>();
    while (b.hasRemaining()) {
      int start = b.position();
      int type = b.getInt();
      int length = b.getInt();
      assertThat(length % 4).isZero();
      assertThat(b.getInt(start + length - 4)).as("trailing length").isEqualTo(length);
      types.add(type);
      if (type == PcapngWriter.SECTION_HEADER) {
        assertThat(b.getInt(start + 8)).isEqualTo(PcapngWriter.BYTE_ORDER_MAGIC);
      } else if (type == PcapngWriter.INTERFACE_DESCRIPTION) {
        assertThat(b.getShort(start + 8)).isEqualTo((short) PcapngWriter.LINKTYPE_IPV4);
      } else if (type == PcapngWriter.ENHANCED_PACKET) {
        long ts = ((long) b.getInt(start + 12) << 32) | (b.getInt(start + 16) & 0xFFFFFFFFL);
        assertThat(ts).isIn(1_000_000_123L, 2_000_000_456L);
        assertThat(b.getInt(start + 20)).isEqualTo(31);
        assertThat(b.getInt(start + 24)).isEqualTo(31);
      }
      b.position(start + length);
    }
    assertThat(types)
        .containsExactly(
            PcapngWriter.SECTION_HEADER,
            PcapngWriter.INTERFACE_DESCRIPTION,
            PcapngWriter.ENHANCED_PACKET,
            PcapngWriter.ENHANCED_PACKET);
  }

  @Test
  void tsharkReadsItWithoutComplaint() throws Exception {
    Path file = tmp.resolve("y.pcapng");
    try (PcapngWriter w = PcapngWriter.open(file, "acme-lan")) {
      w.write(1_700_000_000_123_456_789L, udpDatagram());
    }
    String out =
        Tshark.fields(
            file,
            List.of("udp.check_checksum:TRUE"),
            "frame.interface_name",
            "frame.time_epoch",
            "ip.src",
            "udp.dstport",
            "udp.checksum.status",
            "_ws.malformed");
    assertThat(out).isEqualTo("acme-lan|1700000000.123456789|10.1.0.1|2000|1|");
  }
}
