package io.mvpn.foreignagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.net.time.VirtualTimeScheduler;
import org.junit.jupiter.api.Test;

/**
 * Two tenants' nodes with one home address behind one foreign agent are told apart by station; the
 * list must keep both reachable whatever order they register in, including after a restart that
 * handed them each other's old stations.
 */
class VisitorListTest {

  private static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  private static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  private static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");

  private final VirtualTimeScheduler time = new VirtualTimeScheduler();
  private final VisitorList visitors = new VisitorList(time, ForeignAgent.Stores.NONE);

  private void accept(Ipv4Address homeAgent, int station) {
    visitors.accept(new Visitor(homeAgent, HOME, station, 434, 300, 300_000_000_000L), 1);
  }

  private Ipv4Address atStation(int station) {
    Visitor v = visitors.fromStation(station, HOME.toInt());
    return v == null ? null : v.homeAgent();
  }

  @Test
  void aNodeTakingAnotherTenantsOldStationStaysReachableWhenThatTenantReRegisters() {
    // Before the restart: acme at station 1, globex at 2.
    accept(ACME_HA, 1);
    accept(GLOBEX_HA, 2);
    // After it the stations moved on: acme registers from 2 first, then globex from 3.
    accept(ACME_HA, 2);
    accept(GLOBEX_HA, 3);

    assertThat(atStation(2)).isEqualTo(ACME_HA);
    assertThat(atStation(3)).isEqualTo(GLOBEX_HA);
    assertThat(atStation(1)).isNull();
  }

  @Test
  void removingAVisitorLeavesTheOtherTenantsNodeAtItsOldStation() {
    accept(GLOBEX_HA, 2);
    accept(ACME_HA, 2);

    visitors.remove(GLOBEX_HA.toInt(), HOME.toInt());

    assertThat(atStation(2)).isEqualTo(ACME_HA);
    assertThat(visitors.find(ACME_HA.toInt(), HOME.toInt())).isNotNull();
  }
}
