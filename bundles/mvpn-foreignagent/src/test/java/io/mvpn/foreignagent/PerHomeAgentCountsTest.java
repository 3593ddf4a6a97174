package io.mvpn.foreignagent;

import static io.mvpn.foreignagent.ForeignAgentLab.CARE_OF;
import static io.mvpn.foreignagent.ForeignAgentLab.HOME_AGENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvpn.api.Ipv4Address;
import io.mvpn.api.mobility.CounterStore;
import io.mvpn.foreignagent.ForeignAgentLab.Visiting;
import io.mvpn.packet.mip.MipConstants;
import io.mvpn.packet.mip.RegistrationBuilder;
import io.mvpn.packet.mip.ReplyCode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared agent counts registrations by home agent, which the metrics turn into tenants; summed
 * over the home agents they are the agent's totals.
 */
class PerHomeAgentCountsTest {

  /** A second tenant's home agent that never answers. */
  private static final Ipv4Address SILENT_HOME_AGENT = Ipv4Address.parse("203.0.113.2");

  /** Both home agents are this appliance's own: counted by name. */
  private final ForeignAgentLab lab =
      new ForeignAgentLab(
          new ForeignAgent.Stores(
              "fa1", null, null, 0, Set.of(HOME_AGENT, SILENT_HOME_AGENT)::contains));

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  void relayedRequestsRepliesAndDenialsAreCountedByHomeAgentAndAddUpToTheTotals() {
    Visiting accepted = lab.node(1);
    accepted.send(accepted.validRequest(300));
    lab.run();
    lab.homeAgent.code = ReplyCode.HA_INSUFFICIENT_RESOURCES;
    Visiting refused = lab.node(2);
    refused.send(refused.validRequest(300));
    lab.run();
    Visiting elsewhere = lab.node(3);
    elsewhere.send(
        RegistrationBuilder.request(
                elsewhere.vrf.alloc(),
                MipConstants.FLAG_REVERSE_TUNNEL,
                300,
                elsewhere.home.toInt(),
                SILENT_HOME_AGENT.toInt(),
                CARE_OF.toInt(),
                elsewhere.identification())
            .authenticate(MipConstants.EXT_MN_HA_AUTH, elsewhere.mnHa)
            .build());
    lab.run(8_000); // past the 7 s the agent waits for a home agent: denied with 78
    accepted.send(
        accepted
            .request(MipConstants.FLAG_REVERSE_TUNNEL | MipConstants.FLAG_RESERVED_X, 300, CARE_OF)
            .authenticate(MipConstants.EXT_MN_HA_AUTH, accepted.mnHa)
            .build());
    lab.run();

    Map<Ipv4Address, HomeAgentFigures> byHomeAgent = lab.agent.byHomeAgent();

    assertThat(byHomeAgent).containsOnlyKeys(HOME_AGENT, SILENT_HOME_AGENT);
    HomeAgentFigures home = byHomeAgent.get(HOME_AGENT);
    assertThat(home.relayedRequests()).isEqualTo(2);
    assertThat(home.relayedReplies())
        .containsExactly(
            Map.entry(ReplyCode.ACCEPTED, 1L), Map.entry(ReplyCode.HA_INSUFFICIENT_RESOURCES, 1L));
    assertThat(home.denials()).containsExactly(Map.entry(ReplyCode.FA_POORLY_FORMED_REQUEST, 1L));
    HomeAgentFigures silent = byHomeAgent.get(SILENT_HOME_AGENT);
    assertThat(silent.relayedRequests()).isEqualTo(1);
    assertThat(silent.relayedReplies()).isEmpty();
    assertThat(silent.denials()).containsExactly(Map.entry(ReplyCode.FA_REGISTRATION_TIMEOUT, 1L));
    assertThat(byHomeAgent.values().stream().mapToLong(HomeAgentFigures::relayedRequests).sum())
        .isEqualTo(lab.agent.relayedRequests())
        .isEqualTo(3);
    assertThat(
            byHomeAgent.values().stream()
                .flatMap(f -> f.relayedReplies().values().stream())
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(lab.agent.relayedReplies())
        .isEqualTo(2);
  }

  @Test
  void aNewEngineOnTheSameCounterStoreShowsTheFiguresItsPredecessorCounted() {
    CounterStore store = new MapCounterStore();
    ForeignAgent.Stores stores = new ForeignAgent.Stores("fa1", null, store, 0, ha -> true);
    AgentCounters before = new AgentCounters(stores, ha -> false);
    before.requestRelayed(HOME_AGENT.toInt());
    before.replyRelayed(HOME_AGENT.toInt(), ReplyCode.ACCEPTED);
    before.denied(SILENT_HOME_AGENT.toInt(), ReplyCode.FA_REGISTRATION_TIMEOUT);
    store.counter(AgentCounters.scope("fa1"), "ha-not.an.address-requests").increment();

    AgentCounters after = new AgentCounters(stores, ha -> false);
    after.requestRelayed(HOME_AGENT.toInt());

    assertThat(after.byHomeAgent()).containsOnlyKeys(HOME_AGENT, SILENT_HOME_AGENT);
    assertThat(after.byHomeAgent().get(HOME_AGENT).relayedRequests()).isEqualTo(2);
    assertThat(after.byHomeAgent().get(HOME_AGENT).relayedReplies())
        .containsExactly(Map.entry(ReplyCode.ACCEPTED, 1L));
    assertThat(after.byHomeAgent().get(SILENT_HOME_AGENT).denials())
        .containsExactly(Map.entry(ReplyCode.FA_REGISTRATION_TIMEOUT, 1L));
    assertThat(after.relayedRequests.get()).isEqualTo(2);
  }

  @Test
  void homeAgentsTheApplianceDoesNotKnowAreCountedInOneBucketHoweverManyVisitorsName() {
    CounterStore store = new MapCounterStore();
    Ipv4Address keyed = Ipv4Address.parse("198.51.100.7");
    ForeignAgent.Stores stores = new ForeignAgent.Stores("fa1", null, store, 0, HOME_AGENT::equals);
    AgentCounters counters = new AgentCounters(stores, keyed::equals);
    counters.requestRelayed(HOME_AGENT.toInt());
    counters.requestRelayed(keyed.toInt());
    // 10,000 registrations, each naming a home agent of its own that nobody here knows.
    int base = Ipv4Address.parse("10.64.0.0").toInt();
    for (int n = 0; n < 10_000; n++) {
      counters.requestRelayed(base + n);
      counters.replyRelayed(base + n, ReplyCode.ACCEPTED);
      counters.denied(base + n, ReplyCode.FA_POORLY_FORMED_REQUEST);
    }

    Map<Ipv4Address, HomeAgentFigures> byHomeAgent = counters.byHomeAgent();
    assertThat(byHomeAgent).containsOnlyKeys(HOME_AGENT, keyed, AgentCounters.OTHER);
    HomeAgentFigures other = byHomeAgent.get(AgentCounters.OTHER);
    assertThat(other.relayedRequests()).isEqualTo(10_000);
    assertThat(other.relayedReplies()).containsExactly(Map.entry(ReplyCode.ACCEPTED, 10_000L));
    assertThat(other.denials())
        .containsExactly(Map.entry(ReplyCode.FA_POORLY_FORMED_REQUEST, 10_000L));
    // What the store keeps (and every new engine reads back) stays a handful of counters.
    assertThat(store.snapshot(AgentCounters.scope("fa1")))
        .containsEntry("other-requests", 10_000L)
        .hasSizeLessThan(12);
    AgentCounters after = new AgentCounters(stores, keyed::equals);
    assertThat(after.byHomeAgent()).isEqualTo(byHomeAgent);
  }

  @Test
  void aStoredHomeAgentNoLongerKnownIsNotReadBack() {
    CounterStore store = new MapCounterStore();
    store.counter(AgentCounters.scope("fa1"), "ha-10.64.0.1-requests").add(3);
    store.counter(AgentCounters.scope("fa1"), "ha-" + HOME_AGENT + "-requests").add(2);

    AgentCounters counters =
        new AgentCounters(
            new ForeignAgent.Stores("fa1", null, store, 0, HOME_AGENT::equals), ha -> false);

    assertThat(counters.byHomeAgent()).containsOnlyKeys(HOME_AGENT);
  }
}
