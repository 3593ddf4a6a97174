package io.mvpn.benchmarks;

import io.mvpn.packet.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
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
 * The Internet checksum over a datagram-sized direct buffer, beside the trivial baseline of reading
 * the same bytes once (a plain byte sum), measured in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {

  @Param({"20", "1400"})
  int length;

  ByteBuf buf;

  @Setup
  public void setUp() {
    byte[] bytes = new byte[length];
    new SplittableRandom(1).nextBytes(bytes);
    buf = Unpooled.directBuffer(length).writeBytes(bytes);
  }

  @Benchmark
  public int internetChecksum() {
    return InternetChecksum.compute(buf, 0, length);
  }

  @Benchmark
  public long baselineByteSum() {
    long sum = 0;
    for (int i = 0; i < length; i++) {
      sum += buf.getByte(i);
    }
    return sum;
  }
}
