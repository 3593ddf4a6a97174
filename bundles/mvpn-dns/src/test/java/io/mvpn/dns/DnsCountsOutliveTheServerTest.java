package io.mvpn.dns;

import static io.mvpn.dns.Fixture.ALICE;
import static io.mvpn.dns.Fixture.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.dns.WorkgroupDns;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.api.testing.RecordedMetrics;
import io.mvpn.dns.internal.WorkgroupDnsServer;
import io.mvpn.store.InMemoryCounterStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;

/**
 * The DNS counts in the counter store: a new server over the same store (the DNS after a {@code
 * bundle:update}) goes on from the counts the old one left, each tenant's apart.
 */
class DnsCountsOutliveTheServerTest {

  private final CounterStore store = new InMemoryCounterStore();

  @Test
  void aSecondServerOverTheSameStoreGoesOnFromTheFirstsCounts() throws IOException {
    WorkgroupDnsServer first = server();
    first.answer(query(), ALICE, WorkgroupDns.Transport.UDP);
    first.answer(query(), BOB, WorkgroupDns.Transport.UDP);
    first.answer(new byte[3], null, WorkgroupDns.Transport.UDP);
    first.close();

    WorkgroupDnsServer second = server();
    // Before anyone asks the new server, it shows what the old one counted.
    assertThat(metrics(second))
        .contains(
            "mvpn_dns_queries[tenant, acme]=1",
            "mvpn_dns_queries[tenant, beta]=1",
            "mvpn_dns_queries[tenant, ]=1",
            "mvpn_dns_responses[tenant, , outcome, dropped]=1");

    second.answer(query(), ALICE, WorkgroupDns.Transport.UDP);
    assertThat(metrics(second))
        .contains("mvpn_dns_queries[tenant, acme]=2", "mvpn_dns_queries[tenant, beta]=1");
    assertThat(second.zone().counters().queries()).isEqualTo(4);
    assertThat(store.snapshot(WorkgroupDnsServer.SCOPE))
        .containsEntry("query", 4L)
        .containsEntry("query/acme", 2L)
        .containsEntry("dropped/-", 1L);
    second.close();
  }

  private WorkgroupDnsServer server() throws IOException {
    return WorkgroupDnsServer.activated(
        Fixture.directory(), store, WorkgroupDnsServerTest.config(Map.of()));
  }

  private static byte[] query() throws IOException {
    return WorkgroupDnsServerTest.cookieQuery(
            new CookieOption(WorkgroupDnsServerTest.CLIENT_COOKIE))
        .toWire();
  }

  private static List<String> metrics(WorkgroupDnsServer server) {
    RecordedMetrics metrics = new RecordedMetrics();
    server.collect(metrics);
    return metrics.samples();
  }
}
