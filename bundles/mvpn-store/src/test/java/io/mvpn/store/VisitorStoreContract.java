package io.mvpn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.VisitorEntry;
import io.mvpn.api.mobility.VisitorStore;
import org.junit.jupiter.api.Test;

/** What every {@link VisitorStore} does, whatever keeps its content. */
abstract class VisitorStoreContract {

  static final Ipv4Address ACME_HA = Ipv4Address.parse("198.51.100.10");
  static final Ipv4Address GLOBEX_HA = Ipv4Address.parse("198.51.100.20");
  static final Ipv4Address HOME = Ipv4Address.parse("10.1.0.5");

  /** Far beyond any test's clock. */
  static final long LATER = 4_000_000_000_000_000_000L;

  /** A store, empty. */
  abstract VisitorStore store();

  static VisitorEntry visitor(String agent, Ipv4Address homeAgent, int station, long expires) {
    return new VisitorEntry(agent, homeAgent, HOME, station, 434, 600, 77, expires);
  }

  @Test
  void twoTenantsNodesWithOneHomeAddressAreTwoVisitors() {
    VisitorStore store = store();
    store.put(visitor("fa1", GLOBEX_HA, 2, LATER));
    store.put(visitor("fa1", ACME_HA, 1, LATER));
    assertThat(store.visitors("fa1"))
        .extracting(VisitorEntry::homeAgent)
        .containsExactly(ACME_HA, GLOBEX_HA);
    assertThat(store.remove("fa1", ACME_HA, HOME).station()).isEqualTo(1);
    assertThat(store.remove("fa1", ACME_HA, HOME)).isNull();
    assertThat(store.visitors("fa1")).extracting(VisitorEntry::station).containsExactly(2);
  }

  @Test
  void aNewRegistrationReplacesTheVisitorsEntry() {
    VisitorStore store = store();
    store.put(visitor("fa1", ACME_HA, 1, LATER));
    store.put(visitor("fa1", ACME_HA, 5, LATER + 1));
    assertThat(store.visitors("fa1")).containsExactly(visitor("fa1", ACME_HA, 5, LATER + 1));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void agentsKeepTheirOwnVisitors() {
    VisitorStore store = store();
    store.put(visitor("fa1", ACME_HA, 1, LATER));
    store.put(visitor("fa2", ACME_HA, 1, LATER));
    store.put(visitor("fa10", ACME_HA, 1, LATER));
    assertThat(store.removeAgent("fa1")).isEqualTo(1);
    assertThat(store.visitors("fa1")).isEmpty();
    assertThat(store.visitors("fa2")).hasSize(1);
    assertThat(store.visitors("fa10")).hasSize(1);
    assertThat(store.size()).isEqualTo(2);
  }
}
