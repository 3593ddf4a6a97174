package io.mvpn.benchmarks.ipsec;

import io.mvpn.api.Ipv4Address;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.ipsec.esp.EspSecurityAssociation;
import io.mvpn.ipsec.esp.EspSecurityAssociation.Direction;
import io.mvpn.ipsec.gateway.GatewayCounter;
import io.mvpn.ipsec.gateway.MobileTunnel;
import io.mvpn.ipsec.gateway.SecurityGateway;
import io.mvpn.net.Interface;
import io.mvpn.net.ReaderStage;
import io.mvpn.net.Transport;
import io.mvpn.net.Vrf;
import io.mvpn.net.time.EventLoopScheduler;
import io.mvpn.packet.ipv4.Ipv4Packet;
import io.mvpn.packet.udp.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.runner.IterationType;

/**
 * The gateway's inbound ESP with {@code espOnReaders}, through the product's classes: each JMH
 * thread ({@code -t N}) plays one TUN reader queue and passes sealed 1,400-byte ESP-in-UDP
 * datagrams (AES-256-GCM) for its own 16 tunnels through the outside interface's reader stage
 * ({@code SecurityGateway}'s, as a TUN reader runs it), a burst of 32 at a time; each burst goes to
 * the gateway's loop (one Netty event loop thread, as in the product) in one task, which runs what
 * the loop does with an opened packet (the tunnel, the inner policy check, counters) and forwards
 * the inner datagram through the inside VRF onto its LAN interface (whose transport drops it). The
 * readers together keep at most {@code burstsInFlight} bursts with the loop (128 of 32 packets: the
 * 4,096 a TUN transport's readers may hand over before they drop) and wait for it beyond, so what
 * is counted is what the loop got through. One operation is one packet. {@code loopOpens} is the
 * same traffic with the setting off: the readers hand the packets over as read, and the loop opens
 * them too.
 *
 * <p>The node's datagrams are sealed once, before the run, and read again and again: the gateway's
 * inbound SAs have no replay window (0, as manual keying may have), so a packet opened before opens
 * again; the window's check-and-update under the SA's lock is the few nanoseconds left out. Each
 * reader prints its own thread CPU time per packet over the measured iterations, and the trial the
 * loop thread's.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
@Measurement(iterations = 5, time = 2)
@Warmup(iterations = 8, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
public class EspReaderStageBenchmark {

  static final int SIZE = EspOwnersBenchmark.SIZE;
  static final int TUNNELS = EspOwnersBenchmark.TUNNELS;
  static final int BURST = 32;
  static final int PACKETS_PER_TUNNEL = 4;
  static final Ipv4Address GW = Ipv4Address.parse("203.0.113.1");
  static final Ipv4Address NODE = Ipv4Address.parse("203.0.113.70");
  static final Ipv4Address HOST = Ipv4Address.parse("10.1.0.100");

  /** The gateway, its two VRFs and its loop. */
  @State(Scope.Benchmark)
  public static class Gateway {
    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final AtomicInteger threads = new AtomicInteger();
    final LongAdder packets = new LongAdder(); // measured iterations, all readers

    /** Bursts handed to the loop and not yet taken, all readers together. */
    @Param({"128"})
    int burstsInFlight;

    Semaphore inFlight;
    DefaultEventLoop loop;
    EventLoopScheduler scheduler;
    SecurityGateway gateway;
    Interface o0;
    ReaderStage stage;
    long loopThread;
    long loopCpuAtStart;
    long loopCpu; // measured iterations

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      inFlight = new Semaphore(burstsInFlight);
      loop = new DefaultEventLoop();
      scheduler = new EventLoopScheduler(loop);
      onLoop(
          () -> {
            loopThread = Thread.currentThread().getId();
            Vrf outside = new Vrf("outside", scheduler, alloc);
            Vrf inside = new Vrf("inside", scheduler, alloc);
            o0 = outside.addInterface("o0", GW, 24, new Sink());
            inside.addInterface("lan", Ipv4Address.parse("10.1.0.1"), 16, new Sink());
            gateway =
                new SecurityGateway(
                    new SecurityGateway.Config(GW, 4434, Map.of(), 7), outside, inside, 0);
            gateway.openEspOnReaders();
            gateway.start();
            stage = o0.readerStage();
            return null;
          });
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      loopCpuAtStart = ThreadCpu.CPU.getThreadCpuTime(loopThread);
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration) throws Exception {
      onLoop(() -> null); // the bursts handed over before are done
      if (iteration.getType() == IterationType.MEASUREMENT) {
        loopCpu += ThreadCpu.CPU.getThreadCpuTime(loopThread) - loopCpuAtStart;
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      long[] counted =
          onLoop(
              () ->
                  new long[] {
                    gateway.counter(GatewayCounter.ESP_ACCEPTED),
                    gateway.refusals().values().stream().mapToLong(Long::longValue).sum()
                  });
      System.out.printf(
          "%nloop: %.0f ns of thread CPU per packet; gateway accepted %d, refused %d%n",
          (double) loopCpu / Math.max(1, packets.sum()), counted[0], counted[1]);
      onLoop(
          () -> {
            gateway.stop();
            return null;
          });
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    <T> T onLoop(Callable<T> work) throws Exception {
      CompletableFuture<T> done = new CompletableFuture<>();
      loop.execute(
          () -> {
            try {
              done.complete(work.call());
            } catch (Throwable e) {
              done.completeExceptionally(e);
            }
          });
      return done.get(10, TimeUnit.SECONDS);
    }
  }

  /** One reader queue: its 16 tunnels' packets, as the nodes sealed them. */
  @State(Scope.Thread)
  public static class Reader {
    final ThreadCpu cpu = new ThreadCpu();
    ByteBuf[] sealed;
    int next;

    @Setup(Level.Trial)
    public void setUp(Gateway g) throws Exception {
      int thread = g.threads.incrementAndGet();
      sealed = new ByteBuf[TUNNELS * PACKETS_PER_TUNNEL];
      for (int t = 0; t < TUNNELS; t++) {
        byte[] keyIn = EspRoundTripBenchmark.KEY.clone();
        keyIn[0] = (byte) t;
        keyIn[1] = (byte) thread;
        byte[] keyOut = keyIn.clone();
        keyOut[2] = 1;
        int spi = 0x1000 + 7919 * (thread * TUNNELS + t);
        Ipv4Address home = Ipv4Address.of(0x0AFA0000 | thread << 8 | (t + 1)); // 10.250.x.y
        EspSecurityAssociation in =
            new EspSecurityAssociation(spi, Direction.INBOUND, null, GW, keyIn, true, 0);
        EspSecurityAssociation out =
            new EspSecurityAssociation(spi + 1, Direction.OUTBOUND, GW, NODE, keyOut, true, 0);
        MobileTunnel tunnel = new MobileTunnel(home, in, out, true);
        g.onLoop(
            () -> {
              g.gateway.addTunnel(tunnel);
              return null;
            });
        EspSecurityAssociation node =
            new EspSecurityAssociation(spi, Direction.OUTBOUND, NODE, GW, keyIn, true, 0);
        for (int p = 0; p < PACKETS_PER_TUNNEL; p++) {
          ByteBuf payload = Unpooled.wrappedBuffer(new byte[SIZE - 28]);
          ByteBuf inner =
              UdpDatagram.build(g.alloc, home.toInt(), HOST.toInt(), 5000, 7, payload, 64);
          sealed[p * TUNNELS + t] = node.encapsulateInUdp(g.alloc, Ipv4Packet.parse(inner), 64);
          inner.release();
        }
      }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration, Gateway g) {
      g.packets.add(cpu.end(iteration));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      for (ByteBuf b : sealed) {
        b.release();
      }
      cpu.report("packet");
    }
  }

  /** A burst read: opened on this thread through the stage, then to the loop in one task. */
  @Benchmark
  @OperationsPerInvocation(BURST)
  public void readerStageThenLoop(Gateway g, Reader r) {
    ReaderStage.Result[] burst = new ReaderStage.Result[BURST];
    for (int i = 0; i < BURST; i++) {
      ByteBuf packet = r.sealed[r.next++ % r.sealed.length].retain(); // the stage releases it
      ReaderStage.Result opened = g.stage.process(g.o0, packet);
      if (opened == null) {
        packet.release();
        throw new IllegalStateException("the stage left a known SPI to the loop");
      }
      burst[i] = opened;
    }
    g.inFlight.acquireUninterruptibly();
    g.loop.execute(
        () -> {
          for (ReaderStage.Result opened : burst) {
            g.o0.receive(opened);
          }
          g.inFlight.release();
        });
    r.cpu.operations += BURST;
  }

  /**
   * The baseline, {@code espOnReaders} off: the reader hands the burst over as it read it, and the
   * loop does everything (the VRF's delivery, the SAD lookup, the opening, what follows).
   */
  @Benchmark
  @OperationsPerInvocation(BURST)
  public void loopOpens(Gateway g, Reader r) {
    ByteBuf[] burst = new ByteBuf[BURST];
    for (int i = 0; i < BURST; i++) {
      burst[i] = r.sealed[r.next++ % r.sealed.length].retain(); // the VRF releases it
    }
    g.inFlight.acquireUninterruptibly();
    g.loop.execute(
        () -> {
          for (ByteBuf packet : burst) {
            g.o0.receive(packet);
          }
          g.inFlight.release();
        });
    r.cpu.operations += BURST;
  }

  /** A link that takes every datagram and drops it: the LAN's host, and the Internet. */
  static final class Sink implements Transport {
    @Override
    public void attach(Interface owner) {}

    @Override
    public void send(ByteBuf datagram, int nextHop) {
      datagram.release();
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public String describe() {
      return "sink";
    }

    @Override
    public void close() {}
  }
}
