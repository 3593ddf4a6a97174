package io.mvpn.benchmarks.mobility;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.api.Prefix;
import io.mvpn.benchmarks.NettyThreadExecutor;
import io.mvpn.dispatcher.Dispatcher;
import io.mvpn.homeagent.HomeAgentConfig;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.net.Interface;
import io.mvpn.net.Vrf;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import io.mvpn.net.time.VirtualTimeScheduler;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.MobilitySecurityAssociation;
import io.mvpn.packet.mip.MobilitySecurityAssociation.Algorithm;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.udp.UdpDatagram;
import io.mvpn.store.StoreBackend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Authenticated registrations through the public VRF, the dispatcher and a virtual home agent on
 * one core: each operation is one request datagram (HMAC-MD5 MN-HA extension, fresh timestamp
 * identification) received, validated, authenticated, bound in the store and answered with an
 * authenticated reply. Baseline in the same run: the two bare HMAC-MD5 computations every
 * registration needs (verify the request, sign the reply) over the same byte counts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// On a Netty thread, as on the appliance's event loops: pooled buffers come from its cache.
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g", NettyThreadExecutor.CUSTOM, NettyThreadExecutor.THIS_CLASS})
public class RegistrationBenchmark {

  /**
   * Distinct requests, more than one iteration takes (past the ring they would be replays). Built
   * once per fork: rebuilding them each iteration turned the benchmark into a measure of the
   * garbage collector.
   */
  static final int RING = 1 << 21;

  static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
  static final Ipv4Address HA = Ipv4Address.parse("198.51.100.10");

  VirtualTimeScheduler time;
  Interface ingress;
  VirtualHomeAgent homeAgent;

  /**
   * Where bindings go: the in-memory store, or the appliance's default, the persistent one, which
   * puts each registration's binding and identification into its file's maps and commits them in
   * groups, at most every {@value io.mvpn.store.StateFile#DEFAULT_COMMIT_INTERVAL_MILLIS} ms.
   */
  @Param({"memory", "persistent"})
  String store;

  StoreBackend backend;
  java.nio.file.Path directory;

  /** Requests signed per fork: {@link #RING} under JMH; {@code RegistrationCpuTime} signs fewer. */
  int ringSize = RING;

  ByteBuf[] ring;
  int next;
  long identification = 1;
  Mac mac;
  byte[] request = new byte[30];
  byte[] reply = new byte[26];

  /**
   * Virtual time between two requests. The home agent admits two requests per bound home address
   * and 100 ms tick ({@code RegistrationAdmission}); at a stopped clock every request after the
   * second would be shed before its authentication, and the benchmark would measure the shedding.
   * At one request per half tick each is admitted, as one node's refreshes are.
   */
  static final long STEP_NANOS = 50_000_000L;

  @Setup(Level.Trial)
  public void signRequests() throws Exception {
    // Requests with increasing identifications whose timestamps follow the virtual clock (request
    // i arrives at (i + 1) steps): none is a replay of another, and none is outside the home
    // agent's timestamp tolerance. Each iteration starts with a fresh clock and store.
    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    MobilitySecurityAssociation mn = new MobilitySecurityAssociation(1000, Algorithm.HMAC_MD5, KEY);
    long seconds = MipConstants.NTP_UNIX_OFFSET_SECONDS;
    ring = new ByteBuf[ringSize];
    for (int i = 0; i < ringSize; i++) {
      ByteBuf payload =
          RegistrationBuilder.request(
                  alloc,
                  0x22,
                  300,
                  0x0A010005,
                  HA.toInt(),
                  0xCB007133,
                  ((seconds + (i + 1) * STEP_NANOS / 1_000_000_000L) << 32) | i + 1)
              .authenticate(MipConstants.EXT_MN_HA_AUTH, mn)
              .build();
      ring[i] = UdpDatagram.build(alloc, 0xCB007133, HA.toInt(), 434, 434, payload, 64);
      payload.release();
    }
    mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(KEY, "HmacMD5"));
  }

  @Setup(Level.Iteration)
  public void setUp() throws Exception {
    if (store.equals("persistent")) {
      directory = java.nio.file.Files.createTempDirectory("mvpn-registration-benchmark");
      backend =
          StoreBackend.persistent(directory.resolve("state.mv.db"), java.time.Clock.systemUTC());
    } else {
      backend = StoreBackend.inMemory();
    }
    time = new VirtualTimeScheduler(Integer.MAX_VALUE);
    // The appliance's VRFs take their buffers from Netty's pooled allocator (FabricManager).
    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    Vrf publicVrf = new Vrf("public", time, alloc);
    Vrf acme = new Vrf("acme", time, alloc);
    MemorySegment access = new MemorySegment("access", LinkProperties.IDEAL, 1);
    ingress =
        publicVrf.addInterface("pub0", Ipv4Address.parse("203.0.113.1"), 24, access.newPort());
    VirtualHomeAgent ha =
        homeAgent =
            new VirtualHomeAgent(
                new HomeAgentConfig(
                    MvpnId.of("acme"),
                    HA,
                    List.of(Prefix.parse("10.0.0.0/8")),
                    List.of(
                        new io.mvpn.packet.mip.AssociationSpec(
                            Ipv4Address.parse("10.1.0.5"), 1000, Algorithm.HMAC_MD5, KEY)),
                    600,
                    7,
                    null),
                publicVrf,
                acme,
                backend.bindings(),
                0);
    ha.start();
    Dispatcher dispatcher = new Dispatcher(publicVrf);
    dispatcher.open();
    dispatcher.add(ha);
    next = 0;
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws java.io.IOException {
    // Every request sent this iteration must have been accepted: a benchmark of refusals (shed,
    // replayed, out of tolerance) would look faster than the work it claims to measure.
    if (homeAgent.stats().accepted() != next) {
      throw new IllegalStateException(
          "accepted "
              + homeAgent.stats().accepted()
              + " of "
              + next
              + " registrations; replies by code "
              + homeAgent.stats().repliesByCode());
    }
    backend.close();
    if (directory != null) {
      try (var files = java.nio.file.Files.walk(directory)) {
        for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.delete(f);
        }
      }
      directory = null;
    }
  }

  @Benchmark
  public int registrationThroughDispatcherAndHomeAgent() {
    if (next == ring.length) {
      throw new IllegalStateException("more registrations in one iteration than signed requests");
    }
    ByteBuf datagram = ring[next++];
    int ran = time.advance(STEP_NANOS, TimeUnit.NANOSECONDS);
    ingress.receive(datagram.retainedDuplicate());
    return ran + time.runPending();
  }

  /**
   * The benchmark's own part of a registration: the virtual clock's step, with the timers the home
   * agent keeps (its bindings' expiries) pending. A second baseline, to tell the clock from the
   * home agent.
   */
  @Benchmark
  public int clockStepAlone() {
    return time.advance(STEP_NANOS, TimeUnit.NANOSECONDS) + time.runPending();
  }

  @Benchmark
  public byte[] baselineTwoHmacs() {
    mac.update(request);
    byte[] a = mac.doFinal();
    mac.update(reply);
    byte[] b = mac.doFinal();
    return a[0] == b[0] ? a : b;
  }
}
