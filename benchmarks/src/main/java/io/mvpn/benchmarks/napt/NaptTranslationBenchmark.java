package io.mvpn.benchmarks.napt;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.napt.NaptService;
import io.mvpn.napt.NaptTimeouts;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.InMemoryNaptMappingStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One outbound UDP datagram through the NAPT service as the backbone hands it over (a direct
 * buffer's bytes), on a flow whose mapping exists: validation, lookup, address, port and checksum
 * rewrite. Each operation starts from a fresh copy of the datagram (translation rewrites it in
 * place); the baseline is exactly that copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NaptTranslationBenchmark {

  static final MvpnId ACME = MvpnId.of("acme");

  /** The datagram's total length, IP header included. */
  @Param({"64", "1372"})
  int size;

  NaptService napt;
  ByteBuf template;
  ByteBuf work;

  @Setup
  public void setUp() {
    PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    napt =
        new NaptManager(
            new InMemoryNaptMappingStore(),
            Ipv4Address.parse("203.0.113.1"),
            40000,
            49999,
            NaptTimeouts.udp(Duration.ofSeconds(120)));
    ByteBuf heap =
        UdpDatagram.build(
            alloc,
            Ipv4Address.parse("10.1.0.5").toInt(),
            Ipv4Address.parse("198.51.100.53").toInt(),
            5353,
            53,
            Unpooled.wrappedBuffer(new byte[size - 28]),
            64);
    template = alloc.directBuffer(size).writeBytes(heap);
    heap.release();
    work = alloc.directBuffer(size);
  }

  @TearDown
  public void tearDown() {
    template.release();
    work.release();
  }

  @Benchmark
  public NaptService.Outbound translate() {
    work.setBytes(0, template, 0, size);
    return napt.outbound(ACME, work.nioBuffer(0, size), 0);
  }

  @Benchmark
  public ByteBuf copyOnly() {
    work.setBytes(0, template, 0, size);
    return work;
  }
}
