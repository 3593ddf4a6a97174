package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.gateway.EspOwners;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The gateway's ESP done by the threads that hold the packets (multi-queue readers, or any caller),
 * with no hand-over: each JMH thread ({@code -t N}) seals 1,400-byte datagrams (AES-256-GCM, ESP in
 * UDP) through the gateway's {@link EspOwners} without owner threads, on its own 16 tunnels (a
 * gateway with many road warriors, each reader with the flows the kernel hashed to its queue), and
 * opens each with the inbound SA of the same keys (window 64): one packet out and in per operation,
 * as {@code EspOwnersBenchmark} counts them. {@code -t 1} is one core; {@code -t 2}, two threads,
 * each on its own tunnels, is how the same code scales. With {@code sharedTunnels} every thread
 * uses the same 16 tunnels, so the SAs' locks and replay windows are contended (window 1024: the
 * threads' packets arrive interleaved, and a refused one is counted, not fatal).
 */
@Fork(
    value = 1,
    jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
@Measurement(iterations = 5, time = 2)
@Warmup(iterations = 8, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
public class EspReadersBenchmark {

  // The operation EspOwnersBenchmark counts, so that its inline figure is this one's baseline.
  static final int SIZE = EspOwnersBenchmark.SIZE;
  static final int TUNNELS = EspOwnersBenchmark.TUNNELS;
  static final int BATCH = EspOwnersBenchmark.BATCH;
  static final Ipv4Address GW = Ipv4Address.parse("198.51.100.1");
  static final Ipv4Address NODE = Ipv4Address.parse("198.51.100.10");

  /** What the threads share: the gateway's ESP entry, and the tunnels when they share them. */
  @State(Scope.Benchmark)
  public static class Gateway {
    @Param({"false"})
    boolean sharedTunnels;

    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final AtomicInteger threads = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    EspOwners esp;
    Tunnels shared;

    @Setup(Level.Trial)
    public void setUp() {
      esp = EspOwners.inline(new NoLoop(), alloc); // no owners: at once on the calling thread
      shared = sharedTunnels ? new Tunnels(0, 1024) : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (refused.get() > 0) {
        System.out.println("refused (replays between threads): " + refused.get());
      }
    }
  }

  /** One thread's tunnels: 16 outbound SAs and the inbound SAs of the same keys. */
  static final class Tunnels {
    final EspSecurityAssociation[] out = new EspSecurityAssociation[TUNNELS];
    final EspSecurityAssociation[] in = new EspSecurityAssociation[TUNNELS];

    Tunnels(int thread, int window) {
      for (int t = 0; t < TUNNELS; t++) {
        byte[] key = EspRoundTripBenchmark.KEY.clone();
        key[0] = (byte) t;
        key[1] = (byte) thread;
        int spi = 0x1000 + 7919 * (thread * TUNNELS + t);
        out[t] = new EspSecurityAssociation(spi, Direction.OUTBOUND, GW, NODE, key, true, 0);
        in[t] = new EspSecurityAssociation(spi, Direction.INBOUND, null, NODE, key, true, window);
      }
    }
  }

  /**
   * A reader thread: its packets, its tunnels unless they are shared, and its own CPU time over the
   * measured iterations (thread CPU time does not depend on how much of the machine the run got: on
   * a machine shared with other work it shows whether two threads cost more per packet than one).
   */
  @State(Scope.Thread)
  public static class Reader {
    final ThreadCpu cpu = new ThreadCpu();
    Ipv4Packet inner;
    Tunnels tunnels;
    int next;
    int completed;

    @Setup(Level.Trial)
    public void setUp(Gateway g) throws Exception {
      inner = EspBenchmark.innerDatagram(g.alloc, SIZE);
      tunnels = g.shared != null ? g.shared : new Tunnels(g.threads.incrementAndGet(), 64);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration) {
      cpu.end(iteration);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      inner.buffer().release();
      cpu.report("operation");
    }
  }

  /** A batch of packets out through the reader's tunnels and back in, all on this thread. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int sealAndOpenOnTheReader(Gateway g, Reader r) {
    r.completed = 0;
    for (int i = 0; i < BATCH; i++) {
      int t = r.next++ % TUNNELS;
      g.esp.seal(
          r.tunnels.out[t], r.inner, true, 64, (datagram, x, newest) -> open(g, r, t, datagram));
    }
    r.cpu.operations += BATCH;
    return r.completed;
  }

  private static void open(Gateway g, Reader r, int t, ByteBuf datagram) {
    try {
      // ESP in UDP: outer IPv4, then 8 bytes of UDP before the ESP header.
      Ipv4Packet p = Ipv4Packet.parse(datagram);
      g.esp.open(
          r.tunnels.in[t],
          datagram,
          p.payloadOffset() + 8,
          p.payloadLength() - 8,
          (opened, x, newest) -> {
            if (x != null) {
              if (g.shared == null) {
                throw new IllegalStateException("refused: " + x.getMessage());
              }
              g.refused.incrementAndGet();
              return;
            }
            opened.release();
            r.completed++;
          });
    } catch (MalformedPacketException e) {
      throw new IllegalStateException(e);
    } finally {
      datagram.release();
    }
  }

  /** The gateway's loop, which this path never hands anything to. */
  static final class NoLoop implements Scheduler {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
      throw new UnsupportedOperationException("no timers in this benchmark");
    }

    @Override
    public void execute(Runnable task) {
      throw new UnsupportedOperationException("nothing is handed over on this path");
    }

    @Override
    public boolean inEventLoop() {
      return false;
    }
  }
}
