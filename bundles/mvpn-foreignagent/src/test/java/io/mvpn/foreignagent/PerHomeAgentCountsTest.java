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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared agent counts registrations by home agent, which the metrics turn into tenants; summed
 * over the home agents they are the agent's totals.
 */
class PerHomeAgentCountsTest {

  /** A second tenant's home agent that never answers. */
  private static final Ipv4Address SILENT_HOME_AGENT = Ipv4Address.parse("203.0.113.2");

  private final ForeignAgentLab lab = new ForeignAgentLab();

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
    ForeignAgent.Stores stores = new ForeignAgent.Stores("fa1", null, store, 0);
    AgentCounters before = new AgentCounters(stores);
    before.requestRelayed(HOME_AGENT.toInt());
    before.replyRelayed(HOME_AGENT.toInt(), ReplyCode.ACCEPTED);
    before.denied(SILENT_HOME_AGENT.toInt(), ReplyCode.FA_REGISTRATION_TIMEOUT);
    store.counter(AgentCounters.scope("fa1"), "ha-not.an.address-requests").increment();

    AgentCounters after = new AgentCounters(stores);
    after.requestRelayed(HOME_AGENT.toInt());

    assertThat(after.byHomeAgent()).containsOnlyKeys(HOME_AGENT, SILENT_HOME_AGENT);
    assertThat(after.byHomeAgent().get(HOME_AGENT).relayedRequests()).isEqualTo(2);
    assertThat(after.byHomeAgent().get(HOME_AGENT).relayedReplies())
        .containsExactly(Map.entry(ReplyCode.ACCEPTED, 1L));
    assertThat(after.byHomeAgent().get(SILENT_HOME_AGENT).denials())
        .containsExactly(Map.entry(ReplyCode.FA_REGISTRATION_TIMEOUT, 1L));
    assertThat(after.relayedRequests.get()).isEqualTo(2);
  }

  /** The counter store's contract, in a map. */
  private static final class MapCounterStore implements CounterStore {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String scope, String name) {
      return counters.computeIfAbsent(scope + " " + name, k -> Counter.standalone());
    }

    @Override
    public SortedMap<String, Long> snapshot(String scope) {
      SortedMap<String, Long> out = new TreeMap<>();
      counters.forEach(
          (key, c) -> {
            if (key.startsWith(scope + " ")) {
              out.put(key.substring(scope.length() + 1), c.get());
            }
          });
      return out;
    }

    @Override
    public void reset(String scope) {
      throw new UnsupportedOperationException();
    }
  }
}
