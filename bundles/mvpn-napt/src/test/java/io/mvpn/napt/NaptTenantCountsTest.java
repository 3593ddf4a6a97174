package io.mvpn.napt;

import static io.mvpn.napt.NaptManagerTest.ACME;
import static io.mvpn.napt.NaptManagerTest.FIVE;
import static io.mvpn.napt.NaptManagerTest.GLOBEX;
import static io.mvpn.napt.NaptManagerTest.PUBLIC;
import static io.mvpn.napt.NaptManagerTest.SECOND;
import static io.mvpn.napt.NaptManagerTest.SERVER;
import static io.mvpn.napt.NaptManagerTest.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.MvpnId;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.napt.NaptService.Outbound;
import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.napt.internal.NaptManager;
import io.mvpn.store.InMemoryCounterStore;
import io.mvpn.store.InMemoryNaptMappingStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NAPT is shared by every tenant; what it translates and refuses is also counted by tenant. */
class NaptTenantCountsTest {

  @Test
  void translatedAndExhaustedAreCountedByTenantAndAddUpToTheTotals() throws Exception {
    NaptManager napt = NaptManagerTest.manager(new InMemoryNaptMappingStore());
    // Ten public ports: acme takes seven, globex three, then globex's next flow finds none.
    for (int i = 0; i < 7; i++) {
      assertThat(napt.outbound(ACME, udp(FIVE, 6000 + i, SERVER, 53, "a"), 0))
          .isEqualTo(Outbound.TRANSLATED);
    }
    for (int i = 0; i < 3; i++) {
      napt.outbound(GLOBEX, udp(FIVE, 6000 + i, SERVER, 53, "g"), 0);
    }
    assertThat(napt.outbound(GLOBEX, udp(FIVE, 7000, SERVER, 53, "g"), 0))
        .isEqualTo(Outbound.REFUSED);
    // Replies: one to acme's first port, one to globex's last, one to no port the NAPT gave out.
    assertThat(napt.inbound(udp(SERVER, 53, PUBLIC, 40000, "r"), SECOND)).contains(ACME);
    assertThat(napt.inbound(udp(SERVER, 53, PUBLIC, 40009, "r"), SECOND)).contains(GLOBEX);
    assertThat(napt.inbound(udp(SERVER, 53, PUBLIC, 50000, "r"), SECOND)).isEmpty();

    assertThat(napt.translatedByTenant()).isEqualTo(Map.of(ACME, 8L, GLOBEX, 4L));
    assertThat(napt.exhaustedByTenant()).isEqualTo(Map.of(ACME, 0L, GLOBEX, 1L));
    assertThat(napt.translatedByTenant().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(napt.translated());
    assertThat(napt.exhaustedByTenant().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(napt.exhausted());

    RecordedMetrics metrics = new RecordedMetrics();
    napt.collect(metrics);
    assertThat(metrics.samples())
        .contains(
            "mvpn_napt_datagrams[result, translated, tenant, acme]=8",
            "mvpn_napt_datagrams[result, translated, tenant, globex]=4",
            "mvpn_napt_datagrams[result, exhausted, tenant, globex]=1",
            "mvpn_napt_datagrams[result, dropped, tenant, ]=1",
            "mvpn_napt_mappings[tenant, acme, protocol, udp]=7",
            "mvpn_napt_mappings[tenant, globex, protocol, udp]=3");
  }

  @Test
  void aManagerThatTookItsMappingsOverFromTheStoreCountsThemForTheirTenant() throws Exception {
    InMemoryNaptMappingStore store = new InMemoryNaptMappingStore();
    NaptManager first = NaptManagerTest.manager(store);
    first.outbound(GLOBEX, udp(FIVE, 6000, SERVER, 53, "g"), 0);

    NaptManager second = NaptManagerTest.manager(store);
    assertThat(second.translatedByTenant()).isEmpty();
    assertThat(second.inbound(udp(SERVER, 53, PUBLIC, 40000, "r"), SECOND)).contains(GLOBEX);
    second.outbound(GLOBEX, udp(FIVE, 6000, SERVER, 53, "g"), 2 * SECOND);

    assertThat(second.translatedByTenant()).isEqualTo(Map.of(GLOBEX, 2L));
    assertThat(second.exhaustedByTenant()).doesNotContainKey(MvpnId.of("initech"));
  }

  @Test
  void aManagerThatFollowsAnotherOverTheSameCounterStoreGoesOnFromItsCounts() throws Exception {
    InMemoryNaptMappingStore mappings = new InMemoryNaptMappingStore();
    CounterStore counters = new InMemoryCounterStore();
    NaptManager first = manager(mappings, counters);
    first.outbound(ACME, udp(FIVE, 6000, SERVER, 53, "a"), 0);
    first.outbound(GLOBEX, udp(FIVE, 6000, SERVER, 53, "g"), 0);
    first.inbound(udp(SERVER, 53, PUBLIC, 50000, "r"), SECOND);

    // The manager after a bundle:update: its figures show the old counts before any datagram.
    NaptManager second = manager(mappings, counters);
    assertThat(second.translatedByTenant()).isEqualTo(Map.of(ACME, 1L, GLOBEX, 1L));
    assertThat(second.dropped()).isEqualTo(1);
    second.outbound(ACME, udp(FIVE, 6000, SERVER, 53, "a"), 2 * SECOND);

    assertThat(second.translatedByTenant()).isEqualTo(Map.of(ACME, 2L, GLOBEX, 1L));
    assertThat(second.translated()).isEqualTo(3);
    RecordedMetrics metrics = new RecordedMetrics();
    second.collect(metrics);
    assertThat(metrics.samples())
        .contains("mvpn_napt_datagrams[result, translated, tenant, acme]=2");
    assertThat(counters.snapshot(NaptManager.SCOPE))
        .containsEntry("translated", 3L)
        .containsEntry("translated/acme", 2L)
        .containsEntry("exhausted/globex", 0L);
  }

  private static NaptManager manager(InMemoryNaptMappingStore mappings, CounterStore counters) {
    return new NaptManager(
        mappings,
        counters,
        PUBLIC,
        40000,
        40009,
        NaptTimeouts.udp(java.time.Duration.ofSeconds(60)));
  }
}
