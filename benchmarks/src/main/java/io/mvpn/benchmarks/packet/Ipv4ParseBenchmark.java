package io.mvpn.benchmarks.packet;

import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Builder;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * IPv4 parse with full validation (lengths, options, header checksum) of a 1,400-byte datagram in a
 * direct buffer, without and with 8 bytes of options. Baseline: reading the fields a router needs
 * (version/IHL, TTL, both addresses) with no checks at all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Ipv4ParseBenchmark {

  @Param({"0", "8"})
  int optionBytes;

  ByteBuf datagram;

  @Setup
  public void setUp() {
    Ipv4Builder b =
        Ipv4Builder.create()
            .source(0x0A010C01)
            .destination(0x0A011703)
            .protocol(17)
            .identification(1);
    if (optionBytes > 0) {
      // NOP padding and a 7-byte record-route option with one slot.
      b.options(Unpooled.wrappedBuffer(new byte[] {1, 7, 7, 4, 0, 0, 0, 0}));
    }
    ByteBuf heap =
        b.build(
            PooledByteBufAllocator.DEFAULT,
            Unpooled.wrappedBuffer(new byte[1400 - 20 - optionBytes]));
    datagram = PooledByteBufAllocator.DEFAULT.directBuffer(heap.readableBytes()).writeBytes(heap);
    heap.release();
  }

  @Benchmark
  public int parseAndVerify() throws MalformedPacketException {
    Ipv4Packet ip = Ipv4Packet.parse(datagram);
    return ip.destination() ^ ip.ttl();
  }

  @Benchmark
  public int baselineReadFields() {
    ByteBuf d = datagram;
    int start = d.readerIndex();
    return d.getUnsignedByte(start)
        ^ d.getInt(start + 16)
        ^ d.getInt(start + 12)
        ^ d.getUnsignedByte(start + 8);
  }
}
