package io.mvpn.mobilenode.faults;

import static io.mvpn.mobilenode.faults.FaultLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.foreignagent.ForeignAgent;
import org.junit.jupiter.api.Test;

/**
 * A foreign agent that restarts without its state has forgotten its visitors: its node must see the
 * advertisements' sequence number fall below 256 (RFC 5944 §2.3.2) and register again, rather than
 * stay cut off until its next refresh, minutes later.
 */
class ForeignAgentRestartTest {

  final FaultLab f = new FaultLab(300);

  @Test
  void theNodeSeesTheSequenceNumberDropAndIsBackWithinOneAdvertisementIntervalAndARoundTrip() {
    f.node.moveTo("cell1");
    f.ping.start();
    f.advanceMillis(5_000); // five advertisements: sequence numbers 0 to 5 or so
    ForeignAgent old = f.mobility.foreignAgent("fa1");
    assertThat(old.visitors()).hasSize(1);
    assertThat(f.node.connected()).isTrue();

    old.stop();
    f.advanceMillis(700); // the process is down; the node's datagrams go nowhere
    ForeignAgent fresh = f.freshForeignAgent();
    long restarted = f.now();
    fresh.start();
    f.advanceMillis(3_000);

    assertThat(f.eventsSince(restarted))
        .as("the node's events after the restart")
        .contains("1 ms agent 203.0.113.11 restarted")
        .anyMatch(e -> e.endsWith("registered lifetime 300"));
    assertThat(fresh.visitors()).singleElement();
    // One advertisement interval, a round trip through the agent (6 ms) and the wait for the next
    // ping (10 ms) with its own round trip (6 ms).
    long bound = FaultLab.ADVERTISEMENT_INTERVAL_NANOS + 22 * MS;
    assertThat(f.ping.interruptionAfter(restarted)).isBetween(0L, bound);
    f.ping.stop();
    f.advanceMillis(100);
    long sentAfter =
        f.ping.echoes().stream().filter(e -> e.sentAtNanos() > restarted + bound).count();
    long lostAfter =
        f.ping.echoes().stream()
            .filter(e -> e.sentAtNanos() > restarted + bound && e.repliedAtNanos() < 0)
            .count();
    assertThat(sentAfter).isGreaterThan(150);
    assertThat(lostAfter).isZero();
  }

  @Test
  void anAgentThatRestartsWithItsVisitorListIsNotAskedAgainWhenItsNumberingGoesOn() {
    f.node.moveTo("cell1");
    f.advanceMillis(3_000);
    long before = f.now();
    f.advanceMillis(5_000); // the agent's numbering climbs: nothing for the node to do
    assertThat(f.eventsSince(before)).isEmpty();
  }
}
