package io.mvpn.aodv;

import static io.mvpn.aodv.MeshLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 c67-70: the source of a RREP refreshes the route shortly before it runs out, only while
 * data flows, hop by hop. ACTIVE_ROUTE_TIMEOUT 3 s and MY_ROUTE_TIMEOUT 6 s (the RFC's); every
 * datagram forwarded keeps a route ACTIVE_ROUTE_TIMEOUT alive (§6.2), so the refresh matters when
 * datagrams are further apart than that, and never fires on a dense stream.
 */
class RouteRefreshTest {

  static final List<String> CHAIN = List.of("a", "b", "c", "d");
  static final List<String> CHAIN_LINKS = List.of("a-b", "b-c", "c-d");

  static AodvParameters refresh(long leadMillis) {
    return AodvParameters.builder().refreshLeadMillis(leadMillis).build();
  }

  static void at(MeshLab m, long millis, Runnable r) {
    m.time.schedule(millis * MS, TimeUnit.NANOSECONDS, r);
  }

  @Test
  void theDestinationRefreshesInTheLeadWindowAndEveryRouterOnThePathTakesIt() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, refresh(2000));
    long start = m.time.nanoTime();
    m.send("a", "d", 1); // discovery: d answers at about 0.25 s with Lifetime 6 s
    at(m, 2000, () -> m.send("a", "d", 2));
    // d's view: the route runs out at about 6.25 s; 2 s before that, and data came at 2 s.
    m.runFor(4000);
    assertThat(m.router("d").counter(AodvCounter.REFRESH_RREP_SENT)).isZero();
    m.runFor(500);
    assertThat(m.router("d").counter(AodvCounter.REFRESH_RREP_SENT)).isEqualTo(1);
    // Unicast hop by hop along the reverse path; each router prolonged its route to d.
    assertThat(m.router("c").counter(AodvCounter.REFRESH_RREP_RECEIVED)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.REFRESH_RREP_RECEIVED)).isEqualTo(1);
    assertThat(m.router("a").counter(AodvCounter.REFRESH_RREP_RECEIVED)).isEqualTo(1);
    for (String n : List.of("a", "b", "c")) {
      long left = m.router(n).activeRoute(m.addr("d")).orElseThrow().expiresAtNanos() - start;
      assertThat(left).isGreaterThan(9_900 * MS);
    }
    // Not a second time without new data.
    m.runFor(6000);
    assertThat(m.router("d").counter(AodvCounter.REFRESH_RREP_SENT)).isEqualTo(1);
    assertThat(m.router("a").counter(AodvCounter.RREQ_SENT)).isEqualTo(2); // the first discovery
  }

  @Test
  void whenDataStopsTheRefreshesStopAndTheRouteExpires() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, refresh(2000));
    m.send("a", "d", 1);
    // The buffered datagram reaches d just after its RREP: data since the last RREP, one refresh.
    m.runFor(10_000);
    assertThat(m.total(AodvCounter.REFRESH_RREP_SENT)).isEqualTo(1);
    m.runFor(10_000);
    assertThat(m.total(AodvCounter.REFRESH_RREP_SENT)).isEqualTo(1);
    assertThat(m.router("a").activeRoute(m.addr("d"))).isEmpty();
  }

  @Test
  void aDenseStreamNeedsNoRefreshBecauseUseKeepsTheRouteAlive() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, refresh(2000));
    for (int i = 0; i < 150; i++) {
      int seq = i;
      at(m, i * 100L, () -> m.send("a", "d", seq));
    }
    m.runFor(15_500);
    assertThat(m.received.get("d")).hasSize(150);
    assertThat(m.total(AodvCounter.REFRESH_RREP_SENT)).isZero();
  }

  @Test
  void aSparseStreamKeepsItsRouteOnlyWithTheRefresh() {
    for (long lead : new long[] {0, 2000}) {
      MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, refresh(lead));
      for (int i = 0; i < 10; i++) {
        int seq = i;
        at(m, i * 3500L, () -> m.send("a", "d", seq));
      }
      m.runFor(35_000);
      assertThat(m.received.get("d")).hasSize(10);
      long discoveries = m.router("a").counter(AodvCounter.DISCOVERIES_SUCCEEDED);
      if (lead == 0) {
        assertThat(discoveries).isGreaterThan(3); // each route ran out between two datagrams
      } else {
        assertThat(discoveries).isEqualTo(1);
        assertThat(m.router("d").counter(AodvCounter.REFRESH_RREP_SENT)).isGreaterThan(3);
      }
    }
  }

  @Test
  void anIntermediateRouterThatAnsweredRefreshesFromItsOwnRoute() {
    MeshLab m = new MeshLab(CHAIN, CHAIN_LINKS, refresh(2000));
    // b learns d and keeps its route alive with its own traffic; then a asks and b answers.
    for (int i = 0; i < 60; i++) {
      int seq = i;
      at(m, i * 500L, () -> m.send("b", "d", 1000 + seq));
    }
    at(m, 1000, () -> m.send("a", "d", 1));
    at(m, 2500, () -> m.send("a", "d", 2));
    m.runFor(5000);
    assertThat(m.router("b").counter(AodvCounter.RREP_SENT)).isEqualTo(1);
    assertThat(m.router("b").counter(AodvCounter.REFRESH_RREP_SENT)).isGreaterThanOrEqualTo(1);
    assertThat(m.router("a").counter(AodvCounter.REFRESH_RREP_RECEIVED)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aReRequestLeadBelowTheRefreshLeadIsNeverReached() {
    for (long refreshLead : new long[] {0, 2000}) {
      MeshLab m =
          new MeshLab(
              CHAIN,
              CHAIN_LINKS,
              AodvParameters.builder()
                  .refreshLeadMillis(refreshLead)
                  .rerequestLeadMillis(1000)
                  .build());
      for (int i = 0; i < 10; i++) {
        int seq = i;
        at(m, i * 2500L, () -> m.send("a", "d", seq));
      }
      m.runFor(25_000);
      assertThat(m.received.get("d")).hasSize(10);
      // Only the first datagram waited for a route: the re-request or the refresh came in time.
      assertThat(m.router("a").counter(AodvCounter.DATA_BUFFERED)).isEqualTo(1);
      if (refreshLead == 0) {
        assertThat(m.router("a").counter(AodvCounter.REREQUESTS)).isGreaterThan(2);
      } else {
        assertThat(m.router("a").counter(AodvCounter.REREQUESTS)).isZero();
      }
    }
  }
}
