package io.mvpn.homeagent.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.mobility.CounterStore;
import io.mvpn.homeagent.RegistrationStats;
import io.mvpn.store.InMemoryCounterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mvpn:tenants shows a tenant's tunnelled traffic: packets plain, bytes in binary units. */
class TenantTrafficCellsTest {

  @Test
  void packetsStayPlainCountsAndBytesTakeTheirUnit() {
    CounterStore counters = new InMemoryCounterStore();
    String scope = RegistrationStats.scope("acme");
    RegistrationStats stats = new RegistrationStats(counters, scope);
    counters.counter(scope, "tunnelled-accepted").add(1500);
    counters.counter(scope, "tunnelled-accepted-bytes").add(3L * 1024 * 1024 + 512 * 1024);
    counters.counter(scope, "tunnelled-sent").add(12);
    counters.counter(scope, "tunnelled-sent-bytes").add(900);

    assertThat(TenantsCommand.traffic(List.of(stats)))
        .containsExactly("1500", "3.5 MiB", "12", "900 B");
  }

  @Test
  void aTenantWithoutAHomeAgentShowsDashes() {
    assertThat(TenantsCommand.traffic(List.of())).containsExactly("-", "-", "-", "-");
  }
}
