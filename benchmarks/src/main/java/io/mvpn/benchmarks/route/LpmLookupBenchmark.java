package io.mvpn.benchmarks.route;

import io.mvpn.api.Prefix;
import io.mvpn.net.route.RoutingTable;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Longest-prefix match over 100,000 prefixes shaped like a real table (mostly /16 to /24, some
 * shorter, some longer), for a batch of random addresses of which most hit a route. Baseline, in
 * the same run: a single array read per address indexed by its top 16 bits, the least any lookup
 * must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LpmLookupBenchmark {

  static final int PREFIXES = 100_000;
  static final int BATCH = 1 << 16;

  RoutingTable<Integer> table;
  int[] addresses;
  int[] direct;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    table = new RoutingTable<>();
    int[] networks = new int[PREFIXES];
    for (int i = 0; table.size() < PREFIXES; i++) {
      int roll = random.nextInt(100);
      int length =
          roll < 60
              ? 24
              : roll < 90
                  ? 16 + random.nextInt(8)
                  : roll < 95 ? 8 + random.nextInt(8) : 25 + random.nextInt(8);
      int network = random.nextInt() & Prefix.mask(length);
      table.put(Prefix.of(network, length), i);
      networks[table.size() - 1] = network;
    }
    addresses = new int[BATCH];
    for (int i = 0; i < BATCH; i++) {
      // Three in four addresses fall inside a configured prefix.
      addresses[i] =
          random.nextInt(4) == 0
              ? random.nextInt()
              : networks[random.nextInt(PREFIXES)] | (random.nextInt() & 0xFF);
    }
    direct = new int[1 << 16];
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void lpmLookup(Blackhole bh) {
    RoutingTable<Integer> t = table;
    for (int a : addresses) {
      bh.consume(t.lookup(a));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineDirectIndex(Blackhole bh) {
    int[] d = direct;
    for (int a : addresses) {
      bh.consume(d[a >>> 16]);
    }
  }
}
