package io.mvpn.mobilenode.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.homeagent.lab.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak in virtual time, CI-sized by default: registrations and handovers through the shared
 * foreign agent and co-located care-of addresses; the heap after a full collection must stay flat
 * from the end of the warm-up to the end, Netty's leak detector at PARANOID must report nothing,
 * and every registration and handover must complete on the first request. The full run (docs/
 * benchmarks.md) sets {@code -Dmvpn.soak.registrations=1000000 -Dmvpn.soak.handovers=100000}.
 */
class VirtualTimeSoakTest {

  static final long REGISTRATIONS = Long.getLong("mvpn.soak.registrations", 10_000);
  static final long HANDOVERS = Long.getLong("mvpn.soak.handovers", 1_000);
  static final int SAMPLES = Integer.getInteger("mvpn.soak.samples", 5);

  /** Allowed growth of the heap after GC from warm-up to the end. */
  static final long FLAT_BYTES = Long.getLong("mvpn.soak.flatBytes", 4L << 20);

  @Test
  void registrationsAndHandoversLeaveTheHeapFlatAndNoBufferLeaks() {
    List<String> curve = new ArrayList<>();
    List<Long> heap = new ArrayList<>();
    long started = System.nanoTime();
    try (LeakWatch watch = new LeakWatch();
        // 10 tenants refreshing every 2 s (lifetime 4 s) and a handover every 2 s: ten
        // registrations to one handover, as in the targets.
        SoakRun run = new SoakRun(2026, 10, 4, 2000 * SoakRun.MS)) {
      run.start();
      for (int s = 1; s <= SAMPLES; s++) {
        SoakRun.Progress p = run.runUntil(REGISTRATIONS * s / SAMPLES, HANDOVERS * s / SAMPLES);
        long used = LeakWatch.heapAfterGc();
        heap.add(used);
        curve.add(
            String.format(
                "| %d | %d | %d | %.1f | %.2f |",
                p.registrations(),
                p.handovers(),
                p.virtualSeconds(),
                (System.nanoTime() - started) / 1e9,
                used / 1048576.0));
      }
      run.stopHandovers(); // and let the last one finish
      run.lab.virtualTime().advance(1, java.util.concurrent.TimeUnit.SECONDS);
      List<String> leaks = watch.leaks();
      String report =
          String.join("\n", curve)
              + String.format(
                  "%nregistrations %d, latency p50 %.1f ms p99 %.1f ms max %.1f ms;"
                      + " handovers %d, p50 %.1f ms p99 %.1f ms max %.1f ms; leaks %d",
                  run.registrationLatency.count(),
                  run.registrationLatency.quantileNanos(0.5) / 1e6,
                  run.registrationLatency.quantileNanos(0.99) / 1e6,
                  run.registrationLatency.maxNanos() / 1e6,
                  run.handoverLatency.count(),
                  run.handoverLatency.quantileNanos(0.5) / 1e6,
                  run.handoverLatency.quantileNanos(0.99) / 1e6,
                  run.handoverLatency.maxNanos() / 1e6,
                  leaks.size());
      System.out.println("| registrations | handovers | virtual s | wall s | heap after GC MiB |");
      System.out.println(report);

      assertThat(run.registrations()).isGreaterThanOrEqualTo(REGISTRATIONS);
      assertThat(run.handovers()).isGreaterThanOrEqualTo(HANDOVERS);
      assertThat(leaks).as(report).isEmpty();
      // Warm-up: the first sample (JIT, the lab's structures at their working size).
      assertThat(heap.get(heap.size() - 1) - heap.get(0)).as(report).isLessThan(FLAT_BYTES);
      // No retransmission anywhere: a round trip through the agent is 6 ms, directly 4 ms.
      assertThat(run.registrationLatency.maxNanos()).as(report).isLessThanOrEqualTo(6 * SoakRun.MS);
      assertThat(run.connected()).isEqualTo(run.nodes.size());
    }
  }

  @Test
  void theLeakWatchReportsABufferDroppedWithoutRelease() {
    try (LeakWatch watch = new LeakWatch()) {
      dropOne();
      assertThat(watch.leaks()).isNotEmpty();
    }
  }

  /** A buffer from the allocator the lab's VRFs use, never released. */
  private static void dropOne() {
    ByteBuf dropped = ByteBufAllocator.DEFAULT.heapBuffer(64);
    dropped.writeLong(42);
  }

  @Test
  void aNodesEventsAreBoundedSoALongRunDoesNotGrowThem() {
    try (SoakRun run = new SoakRun(7, 1, 4, 2000 * SoakRun.MS)) {
      run.start();
      run.runUntil(2_000, 0);
      assertThat(run.nodes.get(0).events()).hasSize(1000);
    }
  }
}
