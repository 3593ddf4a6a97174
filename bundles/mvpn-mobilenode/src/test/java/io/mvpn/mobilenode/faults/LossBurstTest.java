package io.mvpn.mobilenode.faults;

import static io.mvpn.mobilenode.faults.FaultLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.mobilenode.MobileNode;
import io.mvpn.net.link.LinkProperties;
import io.mvpn.net.link.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 30 % loss bursts on the Internet link between a co-located node and its home agent: each
 * registration retransmits on RFC 5944 §3.6.3's schedule (a new identification at 1 s, then
 * doubling) until a request and its reply both get through, and once the burst is over the next
 * request does.
 */
class LossBurstTest {

  static final long SECOND = 1000 * MS;

  final FaultLab f = new FaultLab(300);
  final MemorySegment internet = f.lab.segment("internet");
  final LinkProperties clear = internet.properties();

  /** Registers afresh and returns the requests' offsets from the move, in ms, then the reply's. */
  private List<Long> register() {
    long moved = f.now();
    f.node.moveTo("colo");
    for (int s = 0; s < 64 && !f.node.connected(); s++) {
      f.advanceMillis(1000);
    }
    List<Long> offsets = new ArrayList<>();
    for (MobileNode.Event e : f.node.events()) {
      if (e.atNanos() >= moved && e.what().startsWith("request")) {
        offsets.add((e.atNanos() - moved) / MS);
      }
    }
    long accepted =
        f.node.events().stream()
            .filter(e -> e.atNanos() >= moved && e.what().startsWith("registered"))
            .mapToLong(e -> (e.atNanos() - moved) / MS)
            .findFirst()
            .orElse(-1);
    offsets.add(accepted);
    return offsets;
  }

  /** 0, 1000, 3000, 7000, ...: the doubling schedule's first {@code n} send times, in ms. */
  private static List<Long> schedule(int n) {
    List<Long> at = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < n; i++) {
      at.add(t);
      t += 1000L << i;
    }
    return at;
  }

  @Test
  void everyRegistrationInTheBurstFollowsTheDoublingScheduleAndCompletesARoundTripAfterARequest() {
    internet.changeProperties(clear.withLoss(0.3));
    int retransmitted = 0;
    for (int round = 0; round < 40; round++) {
      List<Long> r = register();
      List<Long> requests = r.subList(0, r.size() - 1);
      long accepted = r.get(r.size() - 1);
      assertThat(accepted).as("round %d: %s", round, r).isNotNegative();
      assertThat(requests).as("round %d", round).isEqualTo(schedule(requests.size()));
      // Accepted a round trip (4 ms) after the last request: nothing waits beyond the schedule.
      assertThat(accepted - requests.get(requests.size() - 1)).isBetween(4L, 5L);
      retransmitted += requests.size() > 1 ? 1 : 0;
    }
    // With 30 % each way about half the first requests or their replies are lost.
    assertThat(retransmitted).isBetween(10, 30);
    assertThat(internet.lost()).isPositive();
  }

  @Test
  void onceTheBurstEndsTheNextScheduledRequestGetsThrough() {
    internet.changeProperties(clear.withLoss(1.0)); // the worst of a burst: nothing passes
    f.time()
        .schedule(
            10 * SECOND,
            java.util.concurrent.TimeUnit.NANOSECONDS,
            () -> internet.changeProperties(clear));
    List<Long> r = register();
    // Requests at 0, 1, 3 and 7 s are lost; the one at 15 s, the first after the burst, is not.
    assertThat(r).containsExactly(0L, 1000L, 3000L, 7000L, 15000L, 15004L);
  }
}
