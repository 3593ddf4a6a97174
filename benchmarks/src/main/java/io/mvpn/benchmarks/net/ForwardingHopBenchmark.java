package io.mvpn.benchmarks.net;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.Prefix;
import io.mvpn.net.Interface;
import io.mvpn.net.Route;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.udp.UdpDatagram;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One in-memory forwarding hop: a 512-byte UDP datagram arrives on a router's interface, is
 * validated, TTL-decremented, routed (10,000 routes in the table) and sent over an in-memory
 * segment, where the next router receives, validates and delivers it to a UDP handler. Each
 * operation starts from a fresh copy of the datagram (forwarding rewrites it in place); the
 * baseline is exactly that copy and its release.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForwardingHopBenchmark {

  VirtualTimeScheduler time;
  Interface ingress;
  ByteBuf template;
  long delivered;

  @Setup
  public void setUp() {
    PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    time = new VirtualTimeScheduler(Integer.MAX_VALUE);
    Vrf router = new Vrf("router", time, alloc);
    Vrf sink = new Vrf("sink", time, alloc);
    MemorySegment in = new MemorySegment("in", LinkProperties.IDEAL, 1);
    MemorySegment out = new MemorySegment("out", LinkProperties.IDEAL, 2);
    ingress = router.addInterface("r0", Ipv4Address.parse("10.1.0.1"), 24, in.newPort());
    Interface egress = router.addInterface("r1", Ipv4Address.parse("10.2.0.1"), 24, out.newPort());
    sink.addInterface("s0", Ipv4Address.parse("10.2.0.2"), 24, out.newPort());
    for (int i = 0; i < 10_000; i++) {
      router.addRoute(
          new Route(
              Prefix.of(0x14000000 + (i << 8), 24),
              Ipv4Address.parse("10.2.0.2"),
              egress,
              Route.Origin.STATIC));
    }
    sink.bindUdp(9, (v, intf, udp) -> delivered++);
    ByteBuf heap =
        UdpDatagram.build(
            alloc,
            Ipv4Address.parse("10.1.0.9").toInt(),
            Ipv4Address.parse("10.2.0.2").toInt(),
            4000,
            9,
            Unpooled.wrappedBuffer(new byte[512 - 28]),
            64);
    template = alloc.directBuffer(heap.readableBytes()).writeBytes(heap);
    heap.release();
  }

  @Benchmark
  public long forwardOneHop() {
    ingress.receive(template.copy());
    time.runPending();
    return delivered;
  }

  @Benchmark
  public long baselineCopyAndRelease() {
    ByteBuf copy = template.copy();
    long sum = copy.getLong(0);
    copy.release();
    return sum;
  }
}
