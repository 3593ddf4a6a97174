package io.mvpn.mobilenode.faults;

import static io.mvpn.mobilenode.faults.FaultLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.MvpnId;
import io.mvpn.homeagent.VirtualHomeAgent;
import io.mvpn.homeagent.lab.MobilityLab;
import org.junit.jupiter.api.Test;

/**
 * The home agent's bundle restarted mid-traffic (a {@code bundle:update}): the new engine takes the
 * bindings from the store, so the node's datagrams go on through its tunnel without the node
 * noticing or registering again.
 */
class HomeAgentRestartTest {

  final FaultLab f = new FaultLab(300);

  /**
   * Pings from {@code attachment} for 2 s, restarts the home agent, 3 s more; when it restarted.
   */
  private long restartMidTraffic(String attachment) {
    f.node.moveTo(attachment);
    f.ping.start();
    f.advanceMillis(2_005);
    long restarted = f.now();
    f.mobility.restartHomeAgent("acme");
    f.advanceMillis(3_000);
    f.ping.stop();
    f.advanceMillis(100);
    return restarted;
  }

  @Test
  void aCoLocatedNodesPingsGoOnAcrossTheRestartWithTheBindingFromTheStore() {
    long restarted = restartMidTraffic("colo");
    VirtualHomeAgent fresh = f.mobility.homeAgent("acme");

    assertThat(f.eventsSince(restarted)).as("the node saw nothing to do").isEmpty();
    assertThat(f.mobility.store().bindings(MvpnId.of("acme"), MobilityLab.MN_HOME))
        .singleElement()
        .satisfies(b -> assertThat(b.careOfAddress()).isEqualTo(Ipv4Address.parse("203.0.113.61")));
    assertThat(fresh.stats().accepted()).isZero(); // nothing re-registered: it came from the store
    // At most the echo in flight at the instant of the restart is lost.
    assertThat(f.ping.sent() - f.ping.received()).isLessThanOrEqualTo(1);
    assertThat(f.ping.interruptionAfter(restarted)).isBetween(0L, 20 * MS);
  }

  @Test
  void aNodeBehindTheForeignAgentKeepsItsPathAcrossTheRestart() {
    long restarted = restartMidTraffic("cell1");

    assertThat(f.eventsSince(restarted)).isEmpty();
    assertThat(f.mobility.foreignAgent("fa1").visitors()).singleElement();
    assertThat(f.ping.sent() - f.ping.received()).isLessThanOrEqualTo(1);
    assertThat(f.ping.interruptionAfter(restarted)).isBetween(0L, 25 * MS);
  }
}
