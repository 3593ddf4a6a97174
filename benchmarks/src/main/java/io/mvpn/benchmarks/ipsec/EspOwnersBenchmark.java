package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.time.Scheduler;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.gateway.EspOwners;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.MalformedPacketException;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

/**
 * The security gateway's ESP spread over owner threads ({@link EspOwners}), as the gateway runs it
 * with {@code espThreads}: the benchmark's thread is the gateway's loop, which hands each
 * 1,400-byte datagram to the owner of its SA to be sealed (AES-256-GCM, ESP in UDP), takes the
 * sealed datagram back and hands it to the owner of the inbound SA of the same keys to be opened
 * (window 64), and takes the opened datagram back: one packet out and in through the gateway per
 * operation, over 16 tunnels. {@code threads=0} runs it all on the loop's thread (the gateway
 * without ESP threads); 1 and 2 are the owner threads, and with {@code gatewayOwnsToo} the loop
 * keeps a share of the SAs for itself, so {@code threads=1} then seals and opens on two threads.
 * How ESP scales across cores is the best two-core figure over the best one-core one ({@code
 * threads=0} or 1 without the share); the loop's own work (the hand-overs) bounds it.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
@Measurement(iterations = 5, time = 2)
@Warmup(iterations = 8, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
@State(Scope.Thread)
public class EspOwnersBenchmark {

  static final int SIZE = 1400;
  static final int TUNNELS = 16;

  /** Packets in flight per operation batch: a TUN reader's burst is up to 32. */
  static final int BATCH = 64;

  @Param({"0", "1", "2"})
  int threads;

  /**
   * Whether the loop's thread owns a share of the SAs too ({@code espOnGatewayThread}): then {@code
   * threads=1} is two threads sealing and opening, the loop and one owner.
   */
  @Param({"false"})
  boolean gatewayOwnsToo;

  final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  final ConcurrentLinkedQueue<Runnable> loopQueue = new ConcurrentLinkedQueue<>();
  volatile Thread loopThread;
  DefaultEventExecutorGroup group;
  EspOwners owners;
  Ipv4Packet inner;
  final EspSecurityAssociation[] out = new EspSecurityAssociation[TUNNELS];
  final EspSecurityAssociation[] in = new EspSecurityAssociation[TUNNELS];
  int completed;
  int next;

  /** The loop's scheduler: outcomes queue here and wake the benchmark's thread. */
  final Scheduler loop =
      new Scheduler() {
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
          loopQueue.add(task);
          LockSupport.unpark(loopThread);
        }

        @Override
        public boolean inEventLoop() {
          return Thread.currentThread() == loopThread;
        }
      };

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    inner = EspBenchmark.innerDatagram(alloc, SIZE);
    Ipv4Address gw = Ipv4Address.parse("198.51.100.1");
    Ipv4Address node = Ipv4Address.parse("198.51.100.10");
    for (int t = 0; t < TUNNELS; t++) {
      byte[] key = EspRoundTripBenchmark.KEY.clone();
      key[0] = (byte) t;
      int spi = 0x1000 + 7919 * t;
      out[t] = new EspSecurityAssociation(spi, Direction.OUTBOUND, gw, node, key, true, 0);
      in[t] = new EspSecurityAssociation(spi, Direction.INBOUND, null, node, key, true, 64);
    }
    List<Scheduler> schedulers = new ArrayList<>();
    if (threads > 0) {
      group = new DefaultEventExecutorGroup(threads, new DefaultThreadFactory("esp-owner", true));
      group.forEach(e -> schedulers.add(new EventLoopScheduler((EventExecutor) e)));
    }
    // threads=0 is everything on the loop's thread already: no share to own beside owners.
    owners = new EspOwners(schedulers, gatewayOwnsToo && threads > 0, loop, alloc, 4 * BATCH);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    inner.buffer().release();
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One batch of packets out through the tunnels and back in, each through its SA's owner. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int sealAndOpenThroughOwners() {
    loopThread = Thread.currentThread();
    completed = 0;
    for (int i = 0; i < BATCH; i++) {
      int t = next++ % TUNNELS;
      owners.seal(out[t], inner, true, 64, (datagram, x, newest) -> open(t, datagram));
    }
    while (completed < BATCH) {
      Runnable task = loopQueue.poll();
      if (task != null) {
        task.run();
      } else {
        LockSupport.parkNanos(100_000);
      }
    }
    return completed;
  }

  private void open(int t, ByteBuf datagram) {
    try {
      // ESP in UDP: outer IPv4, then 8 bytes of UDP before the ESP header.
      Ipv4Packet p = Ipv4Packet.parse(datagram);
      owners.open(
          in[t],
          datagram,
          p.payloadOffset() + 8,
          p.payloadLength() - 8,
          (opened, x, newest) -> {
            if (x != null) {
              throw new IllegalStateException("refused: " + x.getMessage());
            }
            opened.release();
            completed++;
          });
    } catch (MalformedPacketException e) {
      throw new IllegalStateException(e);
    } finally {
      datagram.release();
    }
  }
}
